import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, SCAN_COUNT_LIMIT, toPage } from "@/lib/data/pagination";
import { scopedDb, scopedReadDb, scopeOrganisationIds, type TScopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import type { TFilingData } from "@/lib/filing/schemas";
import { dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { maskResidentId } from "@/lib/people/resident-id";
import { aidPolicyFor } from "./aid-policy";
import { capUsage } from "./caps";
import { AID_TYPE_LABELS, IN_SCHOOL_EDUCATION, maskAccountNumber } from "./labels";
import type { AidType } from "@/lib/generated/prisma/enums";
import type { TLedgerFilters } from "./schemas";

const AID_TYPES = Object.keys(AID_TYPE_LABELS) as AidType[];

const READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

type TMembers = TFilingData["members"];
const membersOf = (data: unknown): TMembers => (data as TFilingData).members ?? [];
const studentName = (members: TMembers, residentId: string | null) =>
  residentId ? `${members.find((m) => m.residentId === residentId)?.name ?? "—"}（${maskResidentId(residentId)}）` : null;

/** 已享受政策和资金: a household's entries, totals per year and type, pending requests and account. */
export async function householdLedger(actor: TActor, fileId: string) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  const file = await db.householdFile.findUnique({ where: { id: fileId }, select: { id: true, data: true } });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const members = membersOf(file.data);
  const [account, entries, pending, totals] = await Promise.all([
    db.bankAccount.findFirst({ where: { fileId, supersededAt: null }, select: { id: true, bankName: true, accountNumber: true, accountHolder: true } }),
    db.ledgerEntry.findMany({
      where: { fileId },
      orderBy: [{ entryDate: "desc" }, { createdAt: "desc" }],
      take: 200,
      include: { reversedBy: { select: { id: true } }, approvedBy: { select: { name: true } }, recordedBy: { select: { name: true } }, reversalRequests: { where: { status: "PENDING" }, select: { id: true } } },
    }),
    db.disbursement.findMany({ where: { fileId, status: "PENDING" }, orderBy: { recordedAt: "asc" }, include: { recordedBy: { select: { name: true } } } }),
    // The file was found in scope above; its totals are the plain sum of its entries.
    db.$queryRaw<Array<{ year: number; aid_type: string; total: bigint; entries: bigint }>>`
      SELECT extract(year FROM entry_date)::int AS year, aid_type::text, SUM(amount_fen)::bigint AS total, COUNT(*)::bigint AS entries
        FROM ledger_entry WHERE file_id = ${fileId}::uuid AND ${db.$fileInScope(Prisma.sql`file_id`)} GROUP BY 1, 2 ORDER BY 1 DESC, 2`,
  ]);
  return {
    account: account && { id: account.id, bankName: account.bankName, accountHolder: account.accountHolder, masked: maskAccountNumber(account.accountNumber) },
    entries: entries.map((e) => ({
      id: e.id, aidType: e.aidType, fundSource: e.fundSource, amountFen: e.amountFen, entryDate: dateOnlyString(e.entryDate), purpose: e.purpose,
      student: studentName(members, e.studentResidentId), reason: e.reason, isReversal: !!e.reversesEntryId, reversed: !!e.reversedBy,
      reversalPending: e.reversalRequests.length > 0, fromBatch: !!e.batchLineId, approvedBy: e.approvedBy.name, recordedBy: e.recordedBy.name,
      capOverrideReason: e.capOverrideReason,
    })),
    pending: pending.map((d) => ({
      id: d.id, aidType: d.aidType, amountFen: d.amountFen, entryDate: dateOnlyString(d.entryDate), purpose: d.purpose, isReversal: !!d.reversesEntryId, recordedBy: d.recordedBy.name,
    })),
    totals: totals.map((t) => ({ year: t.year, aidType: t.aid_type as keyof typeof import("./labels").AID_TYPE_LABELS, totalFen: Number(t.total), entries: Number(t.entries) })),
  };
}

/** What the single-disbursement form needs: the holder, the students, the account and the policy hints. */
export async function disbursementFormContext(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const file = await db.householdFile.findUnique({
    where: { id: fileId },
    select: { id: true, holderName: true, fileNumber: true, status: true, fileLevel: true, data: true, organisation: { select: { name: true, regionCode: true } } },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const members = membersOf(file.data);
  const today = todayInShanghai();
  const policies = (await Promise.all(AID_TYPES.map((t) => aidPolicyFor(db as never, t, file.fileLevel, file.organisation.regionCode, today).catch(() => null))))
    .filter((p) => p !== null);
  const account = await db.bankAccount.findFirst({ where: { fileId, supersededAt: null }, select: { bankName: true, accountNumber: true } });
  return {
    file: { id: file.id, holderName: file.holderName, fileNumber: file.fileNumber, status: file.status, fileLevel: file.fileLevel, organisationName: file.organisation.name },
    students: members.flatMap((m, index) =>
      (IN_SCHOOL_EDUCATION as readonly string[]).includes(m.education ?? "") && m.residentId ? [{ index, name: m.name ?? "—", education: m.education! }] : [],
    ),
    account: account && { bankName: account.bankName, masked: maskAccountNumber(account.accountNumber) },
    policies: policies.map((p) => ({ aidType: p.aidType, standardAmountFen: p.standardAmountFen, annualCapFen: p.annualCapFen, capPer: p.capPer, cash: p.cash, specific: p.fileLevel !== null })),
  };
}

/** A request as the official deciding it sees it, with the cap usage it would add to. */
export async function getDisbursement(actor: TActor, disbursementId: string) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  const d = await db.disbursement.findUnique({
    where: { id: disbursementId },
    include: {
      file: { select: { id: true, holderName: true, fileNumber: true, status: true, fileLevel: true, data: true } },
      organisation: { select: { name: true, regionCode: true } },
      bankAccount: { select: { bankName: true, accountNumber: true } },
      recordedBy: { select: { name: true } },
      decidedBy: { select: { name: true } },
      reversesEntry: { select: { id: true, amountFen: true, entryDate: true, purpose: true } },
      ledgerEntry: { select: { id: true } },
      paymentRun: { select: { id: true, name: true } },
    },
  });
  if (!d) throw new NotFoundError("申请不存在，或不在您的管辖范围内。");
  const entryDate = dateOnlyString(d.entryDate);
  let cap: { annualCapFen: number; usedFen: number; perStudent: boolean } | null = null;
  if (!d.reversesEntryId && d.status === "PENDING") {
    const policy = await aidPolicyFor(db as never, d.aidType, d.file.fileLevel, d.organisation.regionCode, entryDate).catch(() => null);
    if (policy?.annualCapFen != null) {
      const perStudent = d.aidType === "EDUCATION" || policy.capPer === "STUDENT";
      const usedFen = await capUsage(db as never, { fileId: d.fileId, aidType: d.aidType, entryDate, perStudent, studentResidentId: d.studentResidentId, excludeDisbursementId: d.id });
      cap = { annualCapFen: policy.annualCapFen, usedFen, perStudent };
    }
  }
  return {
    id: d.id, status: d.status, aidType: d.aidType, fundSource: d.fundSource, amountFen: d.amountFen, entryDate, purpose: d.purpose, evidence: d.evidence,
    student: studentName(membersOf(d.file.data), d.studentResidentId), overCapNote: d.overCapNote, capOverrideReason: d.capOverrideReason,
    rejectionReason: d.rejectionReason, recordedById: d.recordedById, recordedBy: d.recordedBy.name, recordedAt: d.recordedAt, decidedBy: d.decidedBy?.name ?? null,
    decidedAt: d.decidedAt, file: { id: d.file.id, holderName: d.file.holderName, fileNumber: d.file.fileNumber, status: d.file.status },
    organisationName: d.organisation.name, account: d.bankAccount && { bankName: d.bankAccount.bankName, masked: maskAccountNumber(d.bankAccount.accountNumber) },
    reverses: d.reversesEntry && { id: d.reversesEntry.id, amountFen: d.reversesEntry.amountFen, entryDate: dateOnlyString(d.reversesEntry.entryDate), purpose: d.reversesEntry.purpose },
    entryId: d.ledgerEntry?.id ?? null, cap,
    // 代发汇总 (0037): the run that sent it to the bank, and the bank's answer.
    payment: d.paymentRun && d.paymentStatus ? { runId: d.paymentRun.id, runName: d.paymentRun.name, status: d.paymentStatus, reason: d.paymentReason } : null,
  };
}

/** The officials' queue: pending single requests and reversals, and batches waiting for approval. */
/**
 * The officials' queue for assistance, one list per kind of thing with its own count (issue 26: a
 * heading "待审批（0）" sat above a batch already approved and waiting to be paid): batches to
 * approve, single payments to approve, reversals to approve, and approved batches not yet paid.
 */
export async function findPendingApprovals(actor: TActor) {
  assertRole(actor, "OFFICIAL");
  const db = scopedDb(actor);
  const include = { file: { select: { holderName: true } }, organisation: { select: { name: true } }, recordedBy: { select: { name: true } } } as const;
  const order = [{ recordedAt: "asc" }, { id: "asc" }] as const;
  const single = { status: "PENDING", reversesEntryId: null } as const;
  const reversal = { status: "PENDING", reversesEntryId: { not: null } } as const;
  const batchesIn = (status: "SUBMITTED" | "APPROVED") =>
    db.disbursementBatch.findMany({
      where: { status },
      orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
      take: 50,
      // lineCount is kept by batch_line's triggers (0043): a relation count here aggregated all of batch_line.
      include: { organisation: { select: { name: true } }, submittedBy: { select: { name: true } } },
    });
  const [disbursements, disbursementCount, reversals, reversalCount, submitted, submittedCount, approved, approvedCount] = await Promise.all([
    db.disbursement.findMany({ where: single, orderBy: [...order], take: 50, include }),
    db.disbursement.count({ where: single }),
    db.disbursement.findMany({ where: reversal, orderBy: [...order], take: 50, include }),
    db.disbursement.count({ where: reversal }),
    batchesIn("SUBMITTED"),
    db.disbursementBatch.count({ where: { status: "SUBMITTED" } }),
    batchesIn("APPROVED"),
    db.disbursementBatch.count({ where: { status: "APPROVED" } }),
  ]);
  const request = (d: (typeof disbursements)[number]) => ({
    id: d.id, holderName: d.file.holderName, organisationName: d.organisation.name, aidType: d.aidType, amountFen: d.amountFen,
    entryDate: dateOnlyString(d.entryDate), isReversal: !!d.reversesEntryId, overCap: !!d.overCapNote, recordedBy: d.recordedBy.name,
    isOwn: d.recordedById === actor.userId,
  });
  const batch = (b: (typeof submitted)[number]) => ({
    id: b.id, name: b.name, status: b.status, organisationName: b.organisation.name, aidType: b.aidType, lines: b.lineCount,
    submittedBy: b.submittedBy?.name ?? "—", isOwn: b.createdById === actor.userId || b.submittedById === actor.userId,
  });
  return {
    disbursementCount,
    disbursements: disbursements.map(request),
    reversalCount,
    reversals: reversals.map(request),
    submittedBatchCount: submittedCount,
    submittedBatches: submitted.map(batch),
    approvedBatchCount: approvedCount,
    approvedBatches: approved.map(batch),
  };
}

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
async function ledgerTotals(actor: TActor, orgIds: string[], filters: TLedgerFilters, where: Prisma.Sql): Promise<{ totalFen: number | null; count: number; countAtLeast: boolean }> {
  const db = scopedDb(actor);
  if (filters.min === undefined && filters.max === undefined) {
    const [[daily], [brought]] = await Promise.all([
      db.$queryRaw<[{ n: bigint | null; total: bigint | null }]>`
        SELECT sum(t.entries)::bigint AS n, sum(t.total_fen)::bigint AS total FROM ledger_daily_total t
         WHERE ${Prisma.join([Prisma.sql`t.organisation_id = ANY(${orgIds}::uuid[])`, db.$orgInScope(Prisma.sql`t.organisation_id`), ...commonSql("t", filters)], " AND ")}`,
      db.$queryRaw<[{ n: bigint; total: bigint | null }]>`
        SELECT count(*)::bigint AS n, sum(x.amount_fen)::bigint AS total FROM ledger_entry_elsewhere x
         WHERE ${Prisma.join([
           Prisma.sql`x.holder_organisation_id = ANY(${orgIds}::uuid[]) AND NOT (x.organisation_id = ANY(${orgIds}::uuid[]))`,
           db.$orgInScope(Prisma.sql`x.holder_organisation_id`), ...commonSql("x", filters)], " AND ")}`,
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
  return n > SCAN_COUNT_LIMIT ? { totalFen: null, count: SCAN_COUNT_LIMIT, countAtLeast: true } : { totalFen: Number(row.total ?? 0), count: n, countAtLeast: false };
}

/**
 * The filtered entries as SQL over `ledger_entry e`, within the actor's scope (and the chosen
 * subtree): what the page, the bounded totals and the export read.
 */
async function ledgerFilterSql(actor: TActor, filters: TLedgerFilters, orgIds?: string[]): Promise<Prisma.Sql> {
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

type TLedgerCursor = { entryDate: string; id: string };

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
    id: e.id, entryDate: dateOnlyString(e.entryDate), organisationName: e.organisation.name, fileId: e.file.id, holderName: e.file.holderName,
    fileNumber: e.file.fileNumber, aidType: e.aidType, fundSource: e.fundSource, amountFen: e.amountFen, purpose: e.purpose, reason: e.reason,
    isReversal: !!e.reversesEntryId, reversed: !!e.reversedBy, fromBatch: !!e.batchLineId, capOverrideReason: e.capOverrideReason,
    account: e.bankAccount && { id: e.bankAccount.id, bankName: e.bankAccount.bankName, masked: maskAccountNumber(e.bankAccount.accountNumber) },
  };
}

/**
 * One page of the ledger in scope, newest first. Keyset, not offset: the page after a cursor is an
 * index range scan on (entry_date DESC, id DESC), as fast on the last page as on the first.
 * Totals are the plain sum of the filtered entries (reversals included, so they net out).
 */
export async function findOrgLedger(actor: TActor, filters: TLedgerFilters, page: { after?: string; before?: string } = {}) {
  assertRole(actor, ...READERS);
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

/** One exported entry as the page query returns it (dates as text, so no Date is built per row). */
type TLedgerExportRecord = {
  id: string; entry_date: string; aid_type: AidType; fund_source: TLedgerExportFund; amount_fen: number; purpose: string | null; reason: string | null;
  cap_override_reason: string | null; organisation_name: string; holder_name: string | null; file_number: string | null; holder_resident_id: string | null;
  bank_name: string | null; account_number: string | null; batch_name: string | null;
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
          id: r.id, entryDate: r.entry_date, organisationName: r.organisation_name, holderName: r.holder_name, fileNumber: r.file_number,
          aidType: r.aid_type, fundSource: r.fund_source, amountFen: r.amount_fen, purpose: r.purpose, reason: r.reason,
          capOverrideReason: r.cap_override_reason, bankName: r.bank_name,
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

/** How many lines exportBatchLines writes (a batch in scope; 0 for any other). */
export async function countBatchLines(actor: TActor, batchId: string): Promise<number> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  return (await scopedReadDb(actor)).batchLine.count({ where: { batchId } });
}

/** Every line of a batch (included ones first), for the batch's download; accounts stay masked. */
export async function* exportBatchLines(actor: TActor, batchId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = await scopedReadDb(actor);
  const batch = await db.disbursementBatch.findUnique({ where: { id: batchId }, select: { id: true, name: true, organisationId: true } });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  await recordAudit(db, actor, { action: "ledger.export-batch-lines", entityType: "disbursement_batch", entityId: batch.id, organisationId: batch.organisationId });
  let after: string | undefined;
  for (;;) {
    const rows = await db.batchLine.findMany({
      where: { batchId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: 2000,
      include: {
        file: { select: { holderName: true, fileNumber: true, tier: true, fileLevel: true, holderResidentId: true, data: true } },
        organisation: { select: { name: true } },
        bankAccount: { select: { bankName: true, accountNumber: true } },
      },
    });
    for (const l of rows) {
      yield {
        batchName: batch.name, holderName: l.file.holderName, fileNumber: l.file.fileNumber, tier: l.file.tier, fileLevel: l.file.fileLevel,
        maskedResidentId: l.file.holderResidentId ? maskResidentId(l.file.holderResidentId) : null, organisationName: l.organisation.name,
        student: studentName(membersOf(l.file.data), l.studentResidentId), amountFen: l.amountFen, adjustedAmountFen: l.adjustedAmountFen,
        payableFen: l.removed ? 0 : (l.adjustedAmountFen ?? l.amountFen), adjustReason: l.adjustReason, removed: l.removed, removedReason: l.removedReason,
        bankName: l.bankAccount?.bankName ?? null, maskedAccount: l.bankAccount ? maskAccountNumber(l.bankAccount.accountNumber) : null,
      };
    }
    if (rows.length < 2000) return;
    after = rows.at(-1)!.id;
  }
}

// ───── Batches ─────

export async function findBatches(actor: TActor, page: number) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const [rows, total] = await Promise.all([
    db.disbursementBatch.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { organisation: { select: { name: true } }, createdBy: { select: { name: true } } },
    }),
    db.disbursementBatch.count(),
  ]);
  const ids = rows.map((r) => r.id);
  const sums = ids.length
    ? await db.batchLine.groupBy({ by: ["batchId"], where: { batchId: { in: ids }, removed: false }, _count: true })
    : [];
  const amounts = ids.length
    ? await db.$queryRaw<Array<{ batch_id: string; total: bigint }>>`
        SELECT batch_id, SUM(COALESCE(adjusted_amount_fen, amount_fen))::bigint AS total FROM batch_line
         WHERE batch_id = ANY(${ids}::uuid[]) AND NOT removed AND ${db.$fileInScope(Prisma.sql`file_id`)} GROUP BY batch_id`
    : [];
  return toPage(
    rows.map((b) => ({
      id: b.id, name: b.name, status: b.status, aidType: b.aidType, fundSource: b.fundSource, entryDate: dateOnlyString(b.entryDate),
      organisationName: b.organisation.name, createdBy: b.createdBy.name, lines: sums.find((s) => s.batchId === b.id)?._count ?? 0,
      totalFen: Number(amounts.find((a) => a.batch_id === b.id)?.total ?? 0),
    })),
    total,
    page,
  );
}

export async function getBatch(actor: TActor, batchId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const batch = await db.disbursementBatch.findUnique({
    where: { id: batchId },
    include: {
      organisation: { select: { name: true } }, createdBy: { select: { name: true } }, submittedBy: { select: { name: true } },
      approvedBy: { select: { name: true } }, paidBy: { select: { name: true } },
    },
  });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  // Found in scope above; lines of a batch lie in its organisation's subtree.
  const [byOrganisation, removed] = await Promise.all([
    db.$queryRaw<Array<{ organisation_id: string; name: string; lines: bigint; total: bigint }>>`
      SELECT l.organisation_id, o.name, COUNT(*)::bigint AS lines, SUM(COALESCE(l.adjusted_amount_fen, l.amount_fen))::bigint AS total
        FROM batch_line l JOIN organisation o ON o.id = l.organisation_id
       WHERE l.batch_id = ${batchId}::uuid AND NOT l.removed AND ${db.$fileInScope(Prisma.sql`l.file_id`)} GROUP BY 1, 2 ORDER BY 2`,
    db.batchLine.count({ where: { batchId, removed: true } }),
  ]);
  const organisations = byOrganisation.map((o) => ({ organisationId: o.organisation_id, name: o.name, lines: Number(o.lines), totalFen: Number(o.total) }));
  return {
    id: batch.id, name: batch.name, status: batch.status, version: batch.version, aidType: batch.aidType, fundSource: batch.fundSource,
    standardAmountFen: batch.standardAmountFen, entryDate: dateOnlyString(batch.entryDate), purpose: batch.purpose, tiers: batch.tiers,
    fileLevels: batch.fileLevels, organisationName: batch.organisation.name, rejectionReason: batch.rejectionReason,
    createdById: batch.createdById, submittedById: batch.submittedById, paymentMethod: batch.paymentMethod, goodsDescription: batch.goodsDescription,
    createdBy: batch.createdBy.name, createdAt: batch.createdAt, submittedBy: batch.submittedBy?.name ?? null, submittedAt: batch.submittedAt,
    approvedBy: batch.approvedBy?.name ?? null, approvedAt: batch.approvedAt, paidBy: batch.paidBy?.name ?? null, paidAt: batch.paidAt,
    organisations, removedLines: removed,
    includedLines: organisations.reduce((n, o) => n + o.lines, 0),
    totalFen: organisations.reduce((n, o) => n + o.totalFen, 0),
  };
}

export const BATCH_LINES_PAGE_SIZE = 50;

export async function findBatchLines(actor: TActor, batchId: string, query: { removed: boolean; page: number }) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const where: Prisma.BatchLineWhereInput = { batchId, removed: query.removed };
  const [rows, total] = await Promise.all([
    db.batchLine.findMany({
      where,
      orderBy: [{ organisationId: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * BATCH_LINES_PAGE_SIZE,
      take: BATCH_LINES_PAGE_SIZE,
      include: {
        file: { select: { id: true, holderName: true, fileNumber: true, data: true } },
        organisation: { select: { name: true } },
        bankAccount: { select: { bankName: true, accountNumber: true } },
      },
    }),
    db.batchLine.count({ where }),
  ]);
  return toPage(
    rows.map((l) => ({
      id: l.id, fileId: l.file.id, holderName: l.file.holderName, fileNumber: l.file.fileNumber, tier: l.tier, fileLevel: l.fileLevel,
      organisationName: l.organisation.name, student: studentName(membersOf(l.file.data), l.studentResidentId), amountFen: l.amountFen,
      adjustedAmountFen: l.adjustedAmountFen, adjustReason: l.adjustReason, removedReason: l.removedReason,
      paymentStatus: l.paymentStatus, paymentReason: l.paymentReason,
      account: l.bankAccount && `${l.bankAccount.bankName} ${maskAccountNumber(l.bankAccount.accountNumber)}`,
    })),
    total,
    query.page,
    BATCH_LINES_PAGE_SIZE,
  );
}
