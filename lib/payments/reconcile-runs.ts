import "server-only";
import type { TScopedDb } from "@/lib/data/scope";
import { endOfShanghaiDay, startOfShanghaiDay, todayInShanghai } from "@/lib/format/datetime";
import { Prisma, type PaymentStatus } from "@/lib/generated/prisma/client";
import { reconFigures, type TDifferingLine, type TLineSums, type TReconBatch, type TReconFilters } from "./reconcile";

// 对账 of payment runs (代发汇总, 0037), counted like batches (reconcile.ts): per run, approved −
// returned = paid (+ waiting), each payment's ledger nets to what was paid or is still waiting, and
// the run's return files' totals equal the payments they decided. A run's month is the month it
// was grouped in (Asia/Shanghai).

const RETURNED: PaymentStatus[] = ["RETURNED", "CLOSED"];

/**
 * The payments as rows of (run id, payment id, file, amount, status, returned?, paid?, decided?, the
 * payment's ledger entry and its reversal): the sums per run, and the payments whose ledger disagrees
 * with their outcome, counted in SQL. (A batch's are kept instead, in batch_recon: migration 0064.)
 */
const reconSql = {
  sums: (lines: Prisma.Sql) => Prisma.sql`
    SELECT x.owner_id::text AS id, count(*)::int AS approved_lines, coalesce(sum(x.amount), 0)::bigint AS approved_fen,
           count(*) FILTER (WHERE x.paid)::int AS paid_lines, coalesce(sum(x.amount) FILTER (WHERE x.paid), 0)::bigint AS paid_fen,
           count(*) FILTER (WHERE x.returned)::int AS returned_lines, coalesce(sum(x.amount) FILTER (WHERE x.returned), 0)::bigint AS returned_fen,
           count(*) FILTER (WHERE NOT x.paid AND NOT x.returned)::int AS waiting_lines,
           coalesce(sum(x.amount) FILTER (WHERE NOT x.paid AND NOT x.returned), 0)::bigint AS waiting_fen,
           coalesce(sum(x.ledger), 0)::bigint AS ledger_net_fen,
           coalesce(sum(x.amount) FILTER (WHERE x.decided AND x.status = 'PAID'), 0)::bigint AS decided_paid_fen,
           coalesce(sum(x.amount) FILTER (WHERE x.decided AND x.status IS DISTINCT FROM 'PAID'), 0)::bigint AS decided_returned_fen,
           count(*) FILTER (WHERE NOT x.has_entry OR x.ledger <> CASE WHEN x.returned THEN 0 ELSE x.amount END)::int AS differing
      FROM (${lines}) x GROUP BY x.owner_id`,
  /** `fileDeclared`: the caller's $scopeDeclared for `f`, the file of a line in scope. */
  differing: (lines: Prisma.Sql, fileDeclared: Prisma.Sql, limit: number | null) => Prisma.sql`
    SELECT x.owner_id::text AS id, x.line_id::text AS line_id, f.holder_name, x.amount AS amount_fen, x.status, x.ledger::int AS ledger_net_fen,
           x.has_entry, x.returned
      FROM (${lines}) x JOIN household_file f ON f.id = x.file_id
     WHERE (NOT x.has_entry OR x.ledger <> CASE WHEN x.returned THEN 0 ELSE x.amount END) ${fileDeclared}
     ORDER BY x.owner_id, x.line_id ${limit === null ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`,
};

export async function reconcileRuns(db: TScopedDb, filters: TReconFilters & { listed?: number }): Promise<TReconBatch[]> {
  const runs = await db.paymentRun.findMany({
    where: {
      createdAt: { gte: startOfShanghaiDay(filters.from), lte: endOfShanghaiDay(filters.to) },
      ...(filters.fundSource ? { fundSource: filters.fundSource } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
    select: { id: true, name: true, fundSource: true, createdAt: true, returns: { select: { paidFen: true, returnedFen: true } } },
  });
  if (runs.length === 0) return [];
  // The payments of the runs found above (in scope), each with its ledger entry and that entry's reversal (the same file's).
  const payments = Prisma.sql`
    SELECT d.payment_run_id AS owner_id, d.id AS line_id, d.file_id, d.amount_fen AS amount, d.payment_status AS status,
           coalesce(d.payment_status = ANY(${RETURNED}::payment_status[]), false) AS returned, coalesce(d.payment_status = 'PAID', false) AS paid,
           d.payment_run_return_id IS NOT NULL AS decided, e.id IS NOT NULL AS has_entry, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0) AS ledger
      FROM disbursement d
      LEFT JOIN ledger_entry e ON e.disbursement_id = d.id
      LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
     WHERE d.payment_run_id = ANY(${runs.map((r) => r.id)}::uuid[]) AND ${db.$fileInScope(Prisma.sql`d.file_id`)}
       ${db.$scopeDeclared("e v", "a payment's own ledger entry and its reversal: entries of the payment's file, in scope with it")}`;
  const [sums, differing] = await Promise.all([
    db.$queryRaw<TLineSums[]>(reconSql.sums(payments)),
    db.$queryRaw<TDifferingLine[]>(reconSql.differing(payments, db.$scopeDeclared("f", "the file of a payment in scope"), filters.listed ?? null)),
  ]);
  const sumsOf = new Map(sums.map((x) => [x.id, x]));
  return runs.map((run) =>
    reconFigures(
      { ...run, name: `代发汇总：${run.name}`, month: todayInShanghai(run.createdAt).slice(0, 7) },
      sumsOf.get(run.id),
      differing.filter((d) => d.id === run.id),
      { returned: "已退回，但台账未冲回" },
    ),
  );
}
