import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedReadDb, scopeOrganisationIds } from "@/lib/data/scope";
import { Prisma } from "@/lib/generated/prisma/client";
import { maskResidentId } from "@/lib/people/resident-id";
import { maskAccountNumber } from "./labels";
import type { AidType } from "@/lib/generated/prisma/enums";
import type { TLedgerFilters } from "./schemas";
import { ledgerFilterSql, ledgerTotals, type TLedgerCursor } from "./find-org-ledger";

// The auditor's export of the organisation's ledger, read in keyset pages.

/** One exported entry as the page query returns it (dates as text, so no Date is built per row). */
type TLedgerExportRecord = {
  id: string;
  entry_date: string;
  aid_type: AidType;
  fund_source: TLedgerExportFund;
  amount_fen: number;
  purpose: string | null;
  reason: string | null;
  cap_override_reason: string | null;
  organisation_name: string;
  holder_name: string | null;
  file_number: string | null;
  holder_resident_id: string | null;
  bank_name: string | null;
  account_number: string | null;
  batch_name: string | null;
};
type TLedgerExportFund = Prisma.LedgerEntryGetPayload<object>["fundSource"];

/** Rows per page of the export: large enough that a million rows are 200 round trips, small enough to stay a few MB. */
export const LEDGER_EXPORT_PAGE = 5000;

/**
 * The auditor's export (帮扶资金发放实名制汇总表): checks the filters and records the export now
 * (so a refusal comes before any byte is sent), then yields every filtered entry, newest first, in
 * keyset pages of 5,000. Each page is ONE query: the index range on (entry_date DESC, id DESC)
 * from the cursor, joined to the few columns the table shows — no second lookup by ids, no
 * objects the export does not print. The account is a LATERAL probe by primary key: as a plain
 * join the planner hashed the whole bank_account table for every page (a sequential scan of
 * every household's account, 200 times per million rows). Pages, not one long cursor: between pages the connection
 * goes back to the pool, so a province-wide export never holds one (or a snapshot) for a minute
 * while others wait. The generator is pulled by the response stream, so a client that reads slowly
 * or leaves stops the queries (backpressure, cancellation). ID and account numbers are masked
 * unless `full` was explicitly asked for; that choice is in the audit row.
 */
export async function exportLedger(actor: TActor, filters: TLedgerFilters, options: { full?: boolean } = {}) {
  assertRole(actor, "AUDITOR");
  const db = await scopedReadDb(actor);
  const where = await ledgerFilterSql(actor, filters);
  const full = options.full === true;
  await recordAudit(db, actor, {
    action: "ledger.export",
    entityType: "ledger_entry",
    organisationId: actor.organisation.id,
    detail: { ...filters, fullNumbers: full } as Prisma.InputJsonValue,
  });
  const page = (cursor: TLedgerCursor | null) => db.$queryRaw<TLedgerExportRecord[]>`
    SELECT e.id::text, e.entry_date::text, e.aid_type, e.fund_source, e.amount_fen, e.purpose, e.reason, e.cap_override_reason,
           o.name AS organisation_name, f.holder_name, f.file_number, f.holder_resident_id, ba.bank_name, ba.account_number, b.name AS batch_name
      FROM (SELECT e.* FROM ledger_entry e
             WHERE ${where} ${cursor ? Prisma.sql`AND (e.entry_date, e.id) < (${cursor.entryDate}::date, ${cursor.id}::uuid)` : Prisma.empty}
             ORDER BY e.entry_date DESC, e.id DESC LIMIT ${LEDGER_EXPORT_PAGE}) e
      JOIN organisation o ON o.id = e.organisation_id
      JOIN household_file f ON f.id = e.file_id
      LEFT JOIN LATERAL (SELECT a.bank_name, a.account_number FROM bank_account a WHERE a.id = e.bank_account_id LIMIT 1) ba ON true
      LEFT JOIN batch_line bl ON bl.id = e.batch_line_id
      LEFT JOIN disbursement_batch b ON b.id = bl.batch_id
     ORDER BY e.entry_date DESC, e.id DESC`;
  return (async function* rows() {
    let cursor: TLedgerCursor | null = null;
    for (;;) {
      const found = await page(cursor);
      for (const r of found) {
        const id = r.holder_resident_id;
        const account = r.account_number;
        yield {
          id: r.id,
          entryDate: r.entry_date,
          organisationName: r.organisation_name,
          holderName: r.holder_name,
          fileNumber: r.file_number,
          aidType: r.aid_type,
          fundSource: r.fund_source,
          amountFen: r.amount_fen,
          purpose: r.purpose,
          reason: r.reason,
          capOverrideReason: r.cap_override_reason,
          bankName: r.bank_name,
          holderResidentId: id ? (full ? id : maskResidentId(id)) : null,
          accountNumber: account ? (full ? account : maskAccountNumber(account)) : null,
          batchName: r.batch_name,
        };
      }
      if (found.length < LEDGER_EXPORT_PAGE) return;
      const last = found.at(-1)!;
      cursor = { entryDate: last.entry_date, id: last.id };
    }
  })();
}

/**
 * Exactly how many entries exportLedger writes for the filters, so a background export's progress
 * has an end: from the daily totals without an amount filter (as the page's count), otherwise
 * counted in full — once per export, where the page's count stops at SCAN_COUNT_LIMIT.
 */
export async function countLedgerExport(actor: TActor, filters: TLedgerFilters): Promise<number> {
  assertRole(actor, "AUDITOR");
  const orgIds = await scopeOrganisationIds(actor, filters.organisationId);
  const where = await ledgerFilterSql(actor, filters, orgIds);
  if (filters.min === undefined && filters.max === undefined) return (await ledgerTotals(actor, orgIds, filters, where)).count;
  const [row] = await (await scopedReadDb(actor)).$queryRaw<[{ n: bigint }]>`SELECT count(*)::bigint AS n FROM ledger_entry e WHERE ${where}`;
  return Number(row.n);
}
