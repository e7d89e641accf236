import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import { endOfShanghaiDay, startOfShanghaiDay, todayInShanghai } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import type { PaymentStatus } from "@/lib/generated/prisma/client";
import type { TReconBatch, TReconFilters } from "./reconcile";

// 对账 of payment runs (代发汇总, 0037), counted like batches (reconcile.ts): per run, approved −
// returned = paid (+ waiting), each payment's ledger nets to what was paid or is still waiting, and
// the run's return files' totals equal the payments they decided. A run's month is the month it
// was grouped in (Asia/Shanghai).

export async function reconcileRuns(db: Pick<TScopedTx, "paymentRun" | "disbursement">, filters: TReconFilters): Promise<TReconBatch[]> {
  const runs = await db.paymentRun.findMany({
    where: {
      createdAt: { gte: startOfShanghaiDay(filters.from), lte: endOfShanghaiDay(filters.to) },
      ...(filters.fundSource ? { fundSource: filters.fundSource } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
    select: { id: true, name: true, fundSource: true, createdAt: true, returns: { select: { paidFen: true, returnedFen: true } } },
  });
  const out: TReconBatch[] = [];
  for (const run of runs) {
    const payments = await db.disbursement.findMany({
      where: { paymentRunId: run.id },
      select: {
        id: true,
        amountFen: true,
        paymentStatus: true,
        paymentRunReturnId: true,
        file: { select: { holderName: true } },
        ledgerEntry: { select: { amountFen: true, reversedBy: { select: { amountFen: true } } } },
      },
    });
    const name = `代发汇总：${run.name}`;
    const r: TReconBatch = {
      batchId: run.id,
      name,
      fundSource: run.fundSource,
      month: todayInShanghai(run.createdAt).slice(0, 7),
      approvedLines: 0,
      approvedFen: 0,
      paidLines: 0,
      paidFen: 0,
      returnedLines: 0,
      returnedFen: 0,
      waitingLines: 0,
      waitingFen: 0,
      ledgerNetFen: 0,
      returnFilePaidFen: run.returns.reduce((s, x) => s + Number(x.paidFen), 0),
      returnFileReturnedFen: run.returns.reduce((s, x) => s + Number(x.returnedFen), 0),
      decidedPaidFen: 0,
      decidedReturnedFen: 0,
      differences: [],
    };
    for (const p of payments) {
      const status: PaymentStatus | null = p.paymentStatus;
      const ledger = (p.ledgerEntry?.amountFen ?? 0) + (p.ledgerEntry?.reversedBy?.amountFen ?? 0);
      const returned = status === "RETURNED" || status === "CLOSED";
      r.approvedLines += 1;
      r.approvedFen += p.amountFen;
      r.ledgerNetFen += ledger;
      if (status === "PAID") {
        r.paidLines += 1;
        r.paidFen += p.amountFen;
      } else if (returned) {
        r.returnedLines += 1;
        r.returnedFen += p.amountFen;
      } else {
        r.waitingLines += 1;
        r.waitingFen += p.amountFen;
      }
      if (p.paymentRunReturnId) {
        if (status === "PAID") r.decidedPaidFen += p.amountFen;
        else r.decidedReturnedFen += p.amountFen;
      }
      const expected = returned ? 0 : p.amountFen;
      const base = {
        batchId: run.id,
        batchName: name,
        lineId: p.id,
        holderName: p.file.holderName ?? "—",
        amountFen: p.amountFen,
        status,
        ledgerNetFen: ledger,
        expectedLedgerFen: expected,
      };
      if (!p.ledgerEntry) r.differences.push({ ...base, problem: "审批通过的付款没有台账记录" });
      else if (ledger !== expected) r.differences.push({ ...base, problem: returned ? "已退回，但台账未冲回" : "台账已冲回，但付款状态不是退回" });
    }
    if (r.returnFilePaidFen !== r.decidedPaidFen || r.returnFileReturnedFen !== r.decidedReturnedFen) {
      r.differences.push({
        batchId: run.id,
        batchName: name,
        lineId: null,
        holderName: "（回盘文件合计）",
        amountFen: r.returnFilePaidFen + r.returnFileReturnedFen,
        status: null,
        ledgerNetFen: r.decidedPaidFen + r.decidedReturnedFen,
        expectedLedgerFen: r.returnFilePaidFen + r.returnFileReturnedFen,
        problem: `回盘文件合计（到账 ${formatFen(r.returnFilePaidFen)}、退回 ${formatFen(r.returnFileReturnedFen)}）与逐笔状态（到账 ${formatFen(r.decidedPaidFen)}、退回 ${formatFen(r.decidedReturnedFen)}）不符`,
      });
    }
    out.push(r);
  }
  return out;
}
