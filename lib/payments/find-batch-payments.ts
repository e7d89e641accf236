import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { Prisma, type PaymentStatus } from "@/lib/generated/prisma/client";
import { listBankLayouts } from "./layouts";
import { paymentFileLines } from "./produce-payment-file";

/** The batch page's 银行代发与回盘 section: each outcome's count and amount, the layouts, the lines not payable, the applied return files. */
export async function findBatchPayments(actor: TActor, batchId: string) {
  const db = scopedDb(actor);
  const [byStatus, returns, layouts, lines] = await Promise.all([
    // Adjusted lines count at their adjusted amount.
    db.$queryRaw<Array<{ status: PaymentStatus; lines: number; fen: bigint }>>`
      SELECT payment_status AS status, count(*)::int AS lines, sum(coalesce(adjusted_amount_fen, amount_fen))::bigint AS fen
        FROM batch_line WHERE batch_id = ${batchId}::uuid AND NOT removed AND payment_status IS NOT NULL AND ${db.$fileInScope(Prisma.sql`file_id`)}
       GROUP BY 1 ORDER BY 1`,
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
  return {
    counts: byStatus.map((s) => ({ status: s.status, lines: s.lines, fen: Number(s.fen) })),
    returns: returns.map((r) => ({ ...r, paidFen: Number(r.paidFen), returnedFen: Number(r.returnedFen), appliedBy: r.appliedBy.name })),
    layouts: layouts.map((l) => ({ id: l.id, name: l.name, isDefault: l.isDefault })),
    notPayable: lines.notPayable,
    payableLines: lines.payable.length,
  };
}
