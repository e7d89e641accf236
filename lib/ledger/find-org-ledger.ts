import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { SCAN_COUNT_LIMIT } from "@/lib/data/pagination";
import { scopedDb, scopeOrganisationIds, type TScopedDb } from "@/lib/data/scope";
import { dateOnlyString } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { maskAccountNumber } from "./labels";
import type { TLedgerFilters } from "./schemas";
import { LEDGER_READERS } from "./readers";

// ───── The organisation's ledger: filters and keyset pagination ─────

export const LEDGER_PAGE_SIZE = 50;

/** "2026-01-31_<uuid>": the last row of a page; the next page starts strictly after it. */
export function parseCursor(value: string | undefined): { entryDate: string; id: string } | null {
  const match = /^(\d{4}-\d{2}-\d{2})_([0-9a-f-]{36})$/.exec(value ?? "");
  return match ? { entryDate: match[1]!, id: match[2]! } : null;
}

/** The filters every ledger row, every daily total and every entry paid elsewhere have in common: type, fund, dates. */
function commonSql(alias: "e" | "t" | "x", filters: TLedgerFilters): Prisma.Sql[] {
  const col = (name: string) => Prisma.raw(`${alias}.${name}`);
  const parts: Prisma.Sql[] = [];
  if (filters.aidType) parts.push(Prisma.sql`${col("aid_type")} = ${filters.aidType}::aid_type`);
  if (filters.fundSource) parts.push(Prisma.sql`${col("fund_source")} = ${filters.fundSource}::fund_source`);
  if (filters.from) parts.push(Prisma.sql`${col("entry_date")} >= ${filters.from}::date`);
  if (filters.to) parts.push(Prisma.sql`${col("entry_date")} <= ${filters.to}::date`);
  return parts;
}

/**
 * Count and sum of the filtered entries, equal to the rows listed. Without an amount filter they
 * come from the trigger-maintained daily totals of the entries paid in the subtree (a few rows per
 * day instead of every entry), plus the entries of files held here that a union outside paid
 * (ledger_entry_elsewhere, kept by the database: only such entries are in it); with an amount
 * filter, from the entries themselves.
 */
export async function ledgerTotals(
  actor: TActor,
  orgIds: string[],
  filters: TLedgerFilters,
  where: Prisma.Sql,
): Promise<{ totalFen: number | null; count: number; countAtLeast: boolean }> {
  const db = scopedDb(actor);
  if (filters.min === undefined && filters.max === undefined) {
    const [[daily], [brought]] = await Promise.all([
      db.$queryRaw<[{ n: bigint | null; total: bigint | null }]>`
        SELECT sum(t.entries)::bigint AS n, sum(t.total_fen)::bigint AS total FROM ledger_daily_total t
         WHERE ${Prisma.join([Prisma.sql`t.organisation_id = ANY(${orgIds}::uuid[])`, db.$orgInScope(Prisma.sql`t.organisation_id`), ...commonSql("t", filters)], " AND ")}`,
      db.$queryRaw<[{ n: bigint; total: bigint | null }]>`
        SELECT count(*)::bigint AS n, sum(x.amount_fen)::bigint AS total FROM ledger_entry_elsewhere x
         WHERE ${Prisma.join(
           [
             Prisma.sql`x.holder_organisation_id = ANY(${orgIds}::uuid[]) AND NOT (x.organisation_id = ANY(${orgIds}::uuid[]))`,
             db.$orgInScope(Prisma.sql`x.holder_organisation_id`),
             ...commonSql("x", filters),
           ],
           " AND ",
         )}`,
    ]);
    return { totalFen: Number(daily.total ?? 0) + Number(brought.total ?? 0), count: Number(daily.n ?? 0) + Number(brought.n), countAtLeast: false };
  }
  // An amount range is not in the daily totals: the entries are summed while there are at most
  // SCAN_COUNT_LIMIT of them; beyond that the page says so ("超过 1,000 笔") and gives no sum, rather
  // than reading the whole ledger on every page view.
  const [row] = await db.$queryRaw<[{ n: bigint; total: bigint | null }]>`
    SELECT count(*)::bigint AS n, sum(amount_fen)::bigint AS total
      FROM (SELECT e.amount_fen FROM ledger_entry e WHERE ${where} LIMIT ${SCAN_COUNT_LIMIT + 1}) x`;
  const n = Number(row.n);
  return n > SCAN_COUNT_LIMIT
    ? { totalFen: null, count: SCAN_COUNT_LIMIT, countAtLeast: true }
    : { totalFen: Number(row.total ?? 0), count: n, countAtLeast: false };
}

/**
 * The filtered entries as SQL over `ledger_entry e`, within the actor's scope (and the chosen
 * subtree): what the page, the bounded totals and the export read.
 */
export async function ledgerFilterSql(actor: TActor, filters: TLedgerFilters, orgIds?: string[]): Promise<Prisma.Sql> {
  const db = scopedDb(actor);
  orgIds ??= await scopeOrganisationIds(actor, filters.organisationId);
  // Paid in the subtree, or of a file it holds now (a file transferred in brings its history):
  // an entry of a file held here that was not paid here is one of the few in
  // ledger_entry_elsewhere (any other such entry was paid by its holder, so here). The scope
  // fragments restate the actor's own scope for scopedDb in the same two parts.
  const elsewhere = (holderInScope: Prisma.Sql) => Prisma.sql`e.id IN (SELECT x.entry_id FROM ledger_entry_elsewhere x WHERE ${holderInScope})`;
  const parts: Prisma.Sql[] = [
    Prisma.sql`(e.organisation_id = ANY(${orgIds}::uuid[]) OR ${elsewhere(Prisma.sql`x.holder_organisation_id = ANY(${orgIds}::uuid[])`)})`,
    Prisma.sql`(${db.$orgInScope(Prisma.sql`e.organisation_id`)} OR ${elsewhere(db.$orgInScope(Prisma.sql`x.holder_organisation_id`))})`,
    ...commonSql("e", filters),
  ];
  if (filters.min !== undefined) parts.push(Prisma.sql`e.amount_fen >= ${filters.min}`);
  if (filters.max !== undefined) parts.push(Prisma.sql`e.amount_fen <= ${filters.max}`);
  return Prisma.join(parts, " AND ");
}

export type TLedgerCursor = { entryDate: string; id: string };

/**
 * Ids of one keyset page, newest first. The cursor is a row comparison, `(entry_date, id) < (…)`,
 * so the page is an index range on (entry_date DESC, id DESC) that starts at the cursor — not a
 * filter that reads and discards every newer entry, as the OR form did.
 */
async function ledgerPageIds(
  actor: TActor,
  where: Prisma.Sql,
  cursor: { after?: TLedgerCursor | null; before?: TLedgerCursor | null },
  limit: number,
  db: TScopedDb = scopedDb(actor),
) {
  const range = cursor.before
    ? Prisma.sql`AND (e.entry_date, e.id) > (${cursor.before.entryDate}::date, ${cursor.before.id}::uuid)`
    : cursor.after
      ? Prisma.sql`AND (e.entry_date, e.id) < (${cursor.after.entryDate}::date, ${cursor.after.id}::uuid)`
      : Prisma.empty;
  // Going back, the rows just newer than the cursor are the oldest of the newer ones: read ascending.
  const order = cursor.before ? Prisma.sql`e.entry_date ASC, e.id ASC` : Prisma.sql`e.entry_date DESC, e.id DESC`;
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT e.id FROM ledger_entry e WHERE ${where} ${range} ORDER BY ${order} LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** The rows for ids, in the ids' order. */
async function ledgerRowsByIds(actor: TActor, ids: string[]): Promise<TLedgerRow[]> {
  if (!ids.length) return [];
  const rows = await scopedDb(actor).ledgerEntry.findMany({ where: { id: { in: ids } }, include: ledgerInclude });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const cursorOf = (row: { entryDate: Date; id: string }) => `${dateOnlyString(row.entryDate)}_${row.id}`;

const ledgerInclude = {
  organisation: { select: { name: true } },
  file: { select: { id: true, holderName: true, fileNumber: true } },
  bankAccount: { select: { id: true, bankName: true, accountNumber: true } },
  reversedBy: { select: { id: true } },
} satisfies Prisma.LedgerEntryInclude;

type TLedgerRow = Prisma.LedgerEntryGetPayload<{ include: typeof ledgerInclude }>;

function present(e: TLedgerRow) {
  return {
    id: e.id,
    entryDate: dateOnlyString(e.entryDate),
    organisationName: e.organisation.name,
    fileId: e.file.id,
    holderName: e.file.holderName,
    fileNumber: e.file.fileNumber,
    aidType: e.aidType,
    fundSource: e.fundSource,
    amountFen: e.amountFen,
    purpose: e.purpose,
    reason: e.reason,
    isReversal: !!e.reversesEntryId,
    reversed: !!e.reversedBy,
    fromBatch: !!e.batchLineId,
    capOverrideReason: e.capOverrideReason,
    account: e.bankAccount && { id: e.bankAccount.id, bankName: e.bankAccount.bankName, masked: maskAccountNumber(e.bankAccount.accountNumber) },
  };
}

/**
 * One page of the ledger in scope, newest first. Keyset, not offset: the page after a cursor is an
 * index range scan on (entry_date DESC, id DESC), as fast on the last page as on the first.
 * Totals are the plain sum of the filtered entries (reversals included, so they net out).
 */
export async function findOrgLedger(actor: TActor, filters: TLedgerFilters, page: { after?: string; before?: string } = {}) {
  assertRole(actor, ...LEDGER_READERS);
  const orgIds = await scopeOrganisationIds(actor, filters.organisationId);
  const where = await ledgerFilterSql(actor, filters, orgIds);
  const after = parseCursor(page.after);
  const before = after ? null : parseCursor(page.before);
  const [fetched, totals] = await Promise.all([
    ledgerPageIds(actor, where, { after, before }, LEDGER_PAGE_SIZE + 1).then((ids) => ledgerRowsByIds(actor, ids)),
    ledgerTotals(actor, orgIds, filters, where),
  ]);
  const more = fetched.length > LEDGER_PAGE_SIZE;
  const rows = before ? fetched.slice(0, LEDGER_PAGE_SIZE).reverse() : fetched.slice(0, LEDGER_PAGE_SIZE);
  const first = rows[0];
  const last = rows.at(-1);
  return {
    rows: rows.map(present),
    // Older rows exist when going forward found more, or always when we came back from an older page.
    nextCursor: last && (before || more) ? cursorOf(last) : null,
    prevCursor: first && (after || (before && more)) ? cursorOf(first) : null,
    ...totals,
  };
}
