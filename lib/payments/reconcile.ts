import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { dateOnly, dateOnlyString } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import { Prisma, type FundSource, type PaymentStatus } from "@/lib/generated/prisma/client";
import { reconcileRuns } from "./reconcile-runs";

// 对账: for every approved bank batch, approved − returned = paid (+ still waiting), the ledger of
// its lines nets to exactly what was paid or is still waiting, and the bank's own return-file
// totals equal the lines they decided. Any line where the ledger and the payment's outcome disagree
// is listed with the figures behind it; so is a batch whose return files disagree with its lines.

export type TReconDifference = {
  batchId: string;
  batchName: string;
  lineId: string | null;
  holderName: string;
  amountFen: number;
  status: PaymentStatus | null;
  ledgerNetFen: number;
  expectedLedgerFen: number;
  problem: string;
};

export type TReconBatch = {
  batchId: string;
  name: string;
  fundSource: FundSource;
  month: string;
  approvedLines: number;
  approvedFen: number;
  paidLines: number;
  paidFen: number;
  returnedLines: number;
  returnedFen: number;
  waitingLines: number;
  waitingFen: number;
  ledgerNetFen: number;
  returnFilePaidFen: number;
  returnFileReturnedFen: number;
  /** The lines a return file decided, by our records (what the return files' totals must equal). */
  decidedPaidFen: number;
  decidedReturnedFen: number;
  /** Every difference; `differences` lists them, or the first of them when the caller capped the list. */
  differenceCount: number;
  differences: TReconDifference[];
};

export type TReconGroup = Omit<TReconBatch, "batchId" | "name" | "differences" | "differenceCount"> & { batches: number; differences: number };

export type TReconFilters = { from: string; to: string; fundSource?: FundSource };

/** The sums per batch (kept, batch_recon) or run (counted): what the page shows of its lines. */
export type TLineSums = {
  id: string;
  approved_lines: number;
  approved_fen: bigint;
  paid_lines: number;
  paid_fen: bigint;
  returned_lines: number;
  returned_fen: bigint;
  waiting_lines: number;
  waiting_fen: bigint;
  ledger_net_fen: bigint;
  decided_paid_fen: bigint;
  decided_returned_fen: bigint;
  differing: number;
};
export type TDifferingLine = {
  id: string;
  line_id: string;
  holder_name: string | null;
  amount_fen: number;
  status: PaymentStatus | null;
  ledger_net_fen: number;
  has_entry: boolean;
  returned: boolean;
};

/** A batch's or run's figures from its sums, with the listed lines that differ and the checks of its totals. */
export function reconFigures(
  owner: { id: string; name: string; fundSource: FundSource; month: string; returns: Array<{ paidFen: number | bigint; returnedFen: number | bigint }> },
  sums: TLineSums | undefined,
  differing: TDifferingLine[],
  problems: { returned: string },
): TReconBatch {
  const n = (v: bigint | number | undefined) => Number(v ?? 0);
  const r: TReconBatch = {
    batchId: owner.id,
    name: owner.name,
    fundSource: owner.fundSource,
    month: owner.month,
    approvedLines: n(sums?.approved_lines),
    approvedFen: n(sums?.approved_fen),
    paidLines: n(sums?.paid_lines),
    paidFen: n(sums?.paid_fen),
    returnedLines: n(sums?.returned_lines),
    returnedFen: n(sums?.returned_fen),
    waitingLines: n(sums?.waiting_lines),
    waitingFen: n(sums?.waiting_fen),
    ledgerNetFen: n(sums?.ledger_net_fen),
    returnFilePaidFen: owner.returns.reduce((s, x) => s + Number(x.paidFen), 0),
    returnFileReturnedFen: owner.returns.reduce((s, x) => s + Number(x.returnedFen), 0),
    decidedPaidFen: n(sums?.decided_paid_fen),
    decidedReturnedFen: n(sums?.decided_returned_fen),
    differenceCount: n(sums?.differing),
    differences: [],
  };
  for (const line of differing) {
    r.differences.push({
      batchId: owner.id,
      batchName: owner.name,
      lineId: line.line_id,
      holderName: line.holder_name ?? "—",
      amountFen: line.amount_fen,
      status: line.status,
      ledgerNetFen: line.ledger_net_fen,
      expectedLedgerFen: line.returned ? 0 : line.amount_fen,
      problem: !line.has_entry ? "审批通过的付款没有台账记录" : line.returned ? problems.returned : "台账已冲回，但付款状态不是退回",
    });
  }
  const total = (row: Omit<TReconDifference, "batchId" | "batchName" | "lineId" | "status">) => {
    r.differences.push({ batchId: owner.id, batchName: owner.name, lineId: null, status: null, ...row });
    r.differenceCount += 1;
  };
  if (r.returnFilePaidFen !== r.decidedPaidFen || r.returnFileReturnedFen !== r.decidedReturnedFen) {
    total({
      holderName: "（回盘文件合计）",
      amountFen: r.returnFilePaidFen + r.returnFileReturnedFen,
      ledgerNetFen: r.decidedPaidFen + r.decidedReturnedFen,
      expectedLedgerFen: r.returnFilePaidFen + r.returnFileReturnedFen,
      problem: `回盘文件合计（到账 ${formatFen(r.returnFilePaidFen)}、退回 ${formatFen(r.returnFileReturnedFen)}）与逐笔状态（到账 ${formatFen(r.decidedPaidFen)}、退回 ${formatFen(r.decidedReturnedFen)}）不符`,
    });
  }
  if (r.differenceCount === 0 && (r.approvedFen - r.returnedFen - r.waitingFen !== r.paidFen || r.ledgerNetFen !== r.approvedFen - r.returnedFen)) {
    total({
      holderName: "（批次合计）",
      amountFen: r.approvedFen - r.returnedFen,
      ledgerNetFen: r.ledgerNetFen,
      expectedLedgerFen: r.approvedFen - r.returnedFen,
      problem: "审批金额 − 退回 ≠ 台账净额",
    });
  }
  return r;
}

/**
 * Batches whose entry date falls in [from, to] (YYYY-MM-DD), approved or paid, each reconciled.
 * `listed` caps the lines that differ listed in all (the page lists 200; the export every one);
 * `differenceCount` counts them all.
 */
export async function reconcileBatches(actor: TActor, filters: TReconFilters & { batchId?: string; listed?: number }): Promise<TReconBatch[]> {
  assertRole(actor, "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const where: Prisma.DisbursementBatchWhereInput = filters.batchId
    ? { id: filters.batchId, status: { in: ["APPROVED", "PAID"] } }
    : {
        status: { in: ["APPROVED", "PAID"] },
        entryDate: { gte: dateOnly(filters.from), lte: dateOnly(filters.to) },
        ...(filters.fundSource ? { fundSource: filters.fundSource } : {}),
      };
  const batches = await db.disbursementBatch.findMany({
    where,
    orderBy: [{ entryDate: "asc" }, { id: "asc" }],
    take: 500,
    select: { id: true, name: true, fundSource: true, entryDate: true, returns: { select: { paidFen: true, returnedFen: true } } },
  });
  const out: TReconBatch[] = [];
  if (batches.length > 0) {
    const ids = batches.map((b) => b.id);
    // The sums are kept per batch (batch_recon, migration 0064); lines are read only of a batch with lines that differ.
    const sums = await db.$queryRaw<TLineSums[]>`
      SELECT batch_id::text AS id, approved_lines, approved_fen, paid_lines, paid_fen, returned_lines, returned_fen, waiting_lines, waiting_fen,
             ledger_net_fen, decided_paid_fen, decided_returned_fen, differing
        FROM batch_recon WHERE batch_id = ANY(${ids}::uuid[])
         ${db.$scopeDeclared("batch_recon", "the sums of the batches read through scopedDb above")}`;
    const differ = sums.filter((x) => x.differing > 0).map((x) => x.id);
    const differing =
      differ.length === 0
        ? []
        : await db.$queryRaw<TDifferingLine[]>`
            SELECT l.batch_id::text AS id, l.id::text AS line_id, f.holder_name, coalesce(l.adjusted_amount_fen, l.amount_fen) AS amount_fen,
                   l.payment_status AS status, (coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::int AS ledger_net_fen,
                   e.id IS NOT NULL AS has_entry, c.returned
              FROM batch_line l JOIN household_file f ON f.id = l.file_id
              LEFT JOIN ledger_entry e ON e.batch_line_id = l.id
              LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
             CROSS JOIN LATERAL batch_line_recon(coalesce(l.adjusted_amount_fen, l.amount_fen), l.payment_status, l.payment_return_id IS NOT NULL,
                                                 e.id IS NOT NULL, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0)) c
             WHERE l.batch_id = ANY(${differ}::uuid[]) AND NOT l.removed AND c.differs AND ${db.$fileInScope(Prisma.sql`l.file_id`)}
               ${db.$scopeDeclared("f e v", "a line's file in scope, and its own ledger entry and that entry's reversal: entries of the line's file")}
             ORDER BY l.batch_id, l.id ${filters.listed === undefined ? Prisma.empty : Prisma.sql`LIMIT ${filters.listed}`}`;
    const sumsOf = new Map(sums.map((x) => [x.id, x]));
    for (const batch of batches) {
      const month = dateOnlyString(batch.entryDate).slice(0, 7);
      const listed = differing.filter((d) => d.id === batch.id);
      out.push(reconFigures({ ...batch, month }, sumsOf.get(batch.id), listed, { returned: "已退回或未领取，但台账未冲回" }));
    }
  }
  // Payment runs of single disbursements (代发汇总) are reconciled beside the batches of the period.
  if (!filters.batchId) out.push(...(await reconcileRuns(db, filters)));
  return out;
}

/** Per fund source and month: the batches' figures added up, and how many differences each group has. */
export function groupByFundAndMonth(batches: TReconBatch[]): TReconGroup[] {
  const groups = new Map<string, TReconGroup>();
  for (const b of batches) {
    const key = `${b.fundSource}|${b.month}`;
    const g = groups.get(key) ?? {
      fundSource: b.fundSource,
      month: b.month,
      batches: 0,
      differences: 0,
      approvedLines: 0,
      approvedFen: 0,
      paidLines: 0,
      paidFen: 0,
      returnedLines: 0,
      returnedFen: 0,
      waitingLines: 0,
      waitingFen: 0,
      ledgerNetFen: 0,
      returnFilePaidFen: 0,
      returnFileReturnedFen: 0,
      decidedPaidFen: 0,
      decidedReturnedFen: 0,
    };
    g.batches += 1;
    g.differences += b.differenceCount;
    for (const k of [
      "approvedLines",
      "approvedFen",
      "paidLines",
      "paidFen",
      "returnedLines",
      "returnedFen",
      "waitingLines",
      "waitingFen",
      "ledgerNetFen",
      "returnFilePaidFen",
      "returnFileReturnedFen",
      "decidedPaidFen",
      "decidedReturnedFen",
    ] as const) {
      g[k] += b[k];
    }
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.month.localeCompare(b.month) || a.fundSource.localeCompare(b.fundSource));
}
