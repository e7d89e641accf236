import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { dateOnly, dateOnlyString } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import type { FundSource, PaymentStatus, Prisma } from "@/lib/generated/prisma/client";
import { reconcileRuns } from "./reconcile-runs";

// 对账: for every approved bank batch, approved − returned = paid (+ still waiting), the ledger of
// its lines nets to exactly what was paid or is still waiting, and the bank's own return-file
// totals equal the lines they decided. Any line where the ledger and the payment's outcome disagree
// is listed with the figures behind it; so is a batch whose return files disagree with its lines.

/** Outcomes after which no money is with the household: the ledger entry must be reversed. */
const RETURNED: PaymentStatus[] = ["RETURNED", "REISSUED", "CLOSED", "UNCLAIMED"];
const PAID: PaymentStatus[] = ["PAID", "SIGNED"];

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
  differences: TReconDifference[];
};

export type TReconGroup = Omit<TReconBatch, "batchId" | "name" | "differences"> & { batches: number; differences: number };

export type TReconFilters = { from: string; to: string; fundSource?: FundSource };

/** Batches whose entry date falls in [from, to] (YYYY-MM-DD), approved or paid, each reconciled. */
export async function reconcileBatches(actor: TActor, filters: TReconFilters & { batchId?: string }): Promise<TReconBatch[]> {
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
  for (const batch of batches) {
    const lines = await db.batchLine.findMany({
      where: { batchId: batch.id, removed: false },
      select: {
        id: true,
        amountFen: true,
        adjustedAmountFen: true,
        paymentStatus: true,
        paymentReturnId: true,
        file: { select: { holderName: true } },
        ledgerEntry: { select: { amountFen: true, reversedBy: { select: { amountFen: true } } } },
      },
    });
    const r: TReconBatch = {
      batchId: batch.id,
      name: batch.name,
      fundSource: batch.fundSource,
      month: dateOnlyString(batch.entryDate).slice(0, 7),
      approvedLines: 0,
      approvedFen: 0,
      paidLines: 0,
      paidFen: 0,
      returnedLines: 0,
      returnedFen: 0,
      waitingLines: 0,
      waitingFen: 0,
      ledgerNetFen: 0,
      returnFilePaidFen: batch.returns.reduce((s, x) => s + Number(x.paidFen), 0),
      returnFileReturnedFen: batch.returns.reduce((s, x) => s + Number(x.returnedFen), 0),
      decidedPaidFen: 0,
      decidedReturnedFen: 0,
      differences: [],
    };
    for (const line of lines) {
      const amount = line.adjustedAmountFen ?? line.amountFen;
      const status = line.paymentStatus;
      const ledger = (line.ledgerEntry?.amountFen ?? 0) + (line.ledgerEntry?.reversedBy?.amountFen ?? 0);
      r.approvedLines += 1;
      r.approvedFen += amount;
      r.ledgerNetFen += ledger;
      const returned = status !== null && RETURNED.includes(status);
      if (status !== null && PAID.includes(status)) {
        r.paidLines += 1;
        r.paidFen += amount;
      } else if (returned) {
        r.returnedLines += 1;
        r.returnedFen += amount;
      } else {
        r.waitingLines += 1;
        r.waitingFen += amount;
      }
      if (line.paymentReturnId) {
        if (status === "PAID") r.decidedPaidFen += amount;
        else r.decidedReturnedFen += amount;
      }
      const expected = returned ? 0 : amount;
      const base = {
        batchId: batch.id,
        batchName: batch.name,
        lineId: line.id,
        holderName: line.file.holderName ?? "—",
        amountFen: amount,
        status,
        ledgerNetFen: ledger,
        expectedLedgerFen: expected,
      };
      if (!line.ledgerEntry) r.differences.push({ ...base, problem: "审批通过的付款没有台账记录" });
      else if (ledger !== expected) r.differences.push({ ...base, problem: returned ? "已退回或未领取，但台账未冲回" : "台账已冲回，但付款状态不是退回" });
    }
    if (r.returnFilePaidFen !== r.decidedPaidFen || r.returnFileReturnedFen !== r.decidedReturnedFen) {
      r.differences.push({
        batchId: batch.id,
        batchName: batch.name,
        lineId: null,
        holderName: "（回盘文件合计）",
        amountFen: r.returnFilePaidFen + r.returnFileReturnedFen,
        status: null,
        ledgerNetFen: r.decidedPaidFen + r.decidedReturnedFen,
        expectedLedgerFen: r.returnFilePaidFen + r.returnFileReturnedFen,
        problem: `回盘文件合计（到账 ${formatFen(r.returnFilePaidFen)}、退回 ${formatFen(r.returnFileReturnedFen)}）与逐笔状态（到账 ${formatFen(r.decidedPaidFen)}、退回 ${formatFen(r.decidedReturnedFen)}）不符`,
      });
    }
    if (r.approvedFen - r.returnedFen - r.waitingFen !== r.paidFen || r.ledgerNetFen !== r.approvedFen - r.returnedFen) {
      if (r.differences.length === 0) {
        r.differences.push({
          batchId: batch.id,
          batchName: batch.name,
          lineId: null,
          holderName: "（批次合计）",
          amountFen: r.approvedFen - r.returnedFen,
          status: null,
          ledgerNetFen: r.ledgerNetFen,
          expectedLedgerFen: r.approvedFen - r.returnedFen,
          problem: "审批金额 − 退回 ≠ 台账净额",
        });
      }
    }
    out.push(r);
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
    g.differences += b.differences.length;
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
