import "server-only";
import type { TScopedDb } from "@/lib/data/scope";
import { endOfShanghaiDay, startOfShanghaiDay, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { reconFigures, type TDifferingLine, type TLineSums, type TReconBatch, type TReconFilters } from "./reconcile";

// 对账 of payment runs (代发汇总, 0037), counted like batches (reconcile.ts): per run, approved −
// returned = paid (+ waiting), each payment's ledger nets to what was paid or is still waiting, and
// the run's return files' totals equal the payments they decided. A run's month is the month it
// was grouped in (Asia/Shanghai). A payment's outcome counts as a batch line's does: by
// batch_line_recon() (migration 0064), the one rule for paid, returned, waiting and differing (a
// run's payments are only ever 待回盘, 已到账, 退回 or 已关闭).

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
  // The payments of the runs found above (in scope), each with its ledger entry, that entry's reversal (the same file's) and its outcome.
  const payments = Prisma.sql`
    FROM disbursement d
    LEFT JOIN ledger_entry e ON e.disbursement_id = d.id
    LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
   CROSS JOIN LATERAL batch_line_recon(d.amount_fen, d.payment_status, d.payment_run_return_id IS NOT NULL, e.id IS NOT NULL,
                                       coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0)) c
   WHERE d.payment_run_id = ANY(${runs.map((r) => r.id)}::uuid[]) AND ${db.$fileInScope(Prisma.sql`d.file_id`)}
     ${db.$scopeDeclared("e v", "a payment's own ledger entry and its reversal: entries of the payment's file, in scope with it")}`;
  const [sums, differing] = await Promise.all([
    db.$queryRaw<TLineSums[]>`
      SELECT d.payment_run_id::text AS id, count(*)::int AS approved_lines, sum(d.amount_fen)::bigint AS approved_fen,
             count(*) FILTER (WHERE c.paid)::int AS paid_lines, coalesce(sum(d.amount_fen) FILTER (WHERE c.paid), 0)::bigint AS paid_fen,
             count(*) FILTER (WHERE c.returned)::int AS returned_lines, coalesce(sum(d.amount_fen) FILTER (WHERE c.returned), 0)::bigint AS returned_fen,
             count(*) FILTER (WHERE c.waiting)::int AS waiting_lines, coalesce(sum(d.amount_fen) FILTER (WHERE c.waiting), 0)::bigint AS waiting_fen,
             sum(coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::bigint AS ledger_net_fen,
             sum(c.decided_paid_fen)::bigint AS decided_paid_fen, sum(c.decided_returned_fen)::bigint AS decided_returned_fen,
             count(*) FILTER (WHERE c.differs)::int AS differing
        ${payments} GROUP BY d.payment_run_id`,
    db.$queryRaw<TDifferingLine[]>`
      SELECT d.payment_run_id::text AS id, d.id::text AS line_id,
             (SELECT f.holder_name FROM household_file f WHERE f.id = d.file_id ${db.$scopeDeclared("f", "the file of a payment in scope")}) AS holder_name,
             d.amount_fen, d.payment_status AS status, (coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::int AS ledger_net_fen,
             e.id IS NOT NULL AS has_entry, c.returned
        ${payments} AND c.differs
      ORDER BY d.payment_run_id, d.id ${filters.listed === undefined ? Prisma.empty : Prisma.sql`LIMIT ${filters.listed}`}`,
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
