import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { listBankLayouts } from "./layouts";
import { paymentFileLines } from "./produce-payment-file";

/** The batch page's 银行代发与回盘 section: each outcome's count and amount, the layouts, the lines not payable, the applied return files. */
export async function findBatchPayments(actor: TActor, batchId: string) {
  const db = scopedDb(actor);
  const [byStatus, returns, layouts, lines] = await Promise.all([
    db.batchLine.groupBy({
      by: ["paymentStatus"],
      where: { batchId, removed: false, paymentStatus: { not: null } },
      _count: { _all: true },
      _sum: { amountFen: true, adjustedAmountFen: true },
    }),
    db.paymentReturn.findMany({
      where: { batchId },
      orderBy: { appliedAt: "asc" },
      select: {
        id: true,
        fileName: true,
        sha256: true,
        paidLines: true,
        paidFen: true,
        returnedLines: true,
        returnedFen: true,
        appliedAt: true,
        appliedBy: { select: { name: true } },
      },
    }),
    listBankLayouts(actor),
    paymentFileLines(actor, batchId),
  ]);
  // Amounts per status: adjusted lines count at their adjusted amount (two sums, since groupBy cannot COALESCE).
  const amounts = await db.batchLine.findMany({
    where: { batchId, removed: false, paymentStatus: { not: null } },
    select: { paymentStatus: true, amountFen: true, adjustedAmountFen: true },
  });
  const fen = new Map<string, number>();
  for (const l of amounts) fen.set(l.paymentStatus!, (fen.get(l.paymentStatus!) ?? 0) + (l.adjustedAmountFen ?? l.amountFen));
  return {
    counts: byStatus.map((s) => ({ status: s.paymentStatus!, lines: s._count._all, fen: fen.get(s.paymentStatus!) ?? 0 })),
    returns: returns.map((r) => ({ ...r, paidFen: Number(r.paidFen), returnedFen: Number(r.returnedFen), appliedBy: r.appliedBy.name })),
    layouts: layouts.map((l) => ({ id: l.id, name: l.name, isDefault: l.isDefault })),
    notPayable: lines.notPayable,
    payableLines: lines.payable.length,
  };
}
