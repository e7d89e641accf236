import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import type { TScopedTx } from "@/lib/data/scope";
import { drawCallbackSample } from "./callback-sample";

// A batch is 已发放 (PAID) exactly when none of its included lines is still WAITING (for the bank's
// return file or the signed 签收表) or RETURNED (waiting to be re-issued or closed). Called in the
// transaction that settled its last lines; the status and the outcome of the lines are in the
// WHERE, so two people settling the last two lines at once mark it paid once.

/** Marks the batch PAID (audited) when it is complete, and draws its call-back sample; true if it did. */
export async function settleBatchIfComplete(tx: TScopedTx, actor: TActor, batchId: string): Promise<boolean> {
  const { count } = await tx.disbursementBatch.updateMany({
    where: { id: batchId, status: "APPROVED", lines: { none: { removed: false, paymentStatus: { in: ["WAITING", "RETURNED"] } } } },
    data: { status: "PAID", paidById: actor.userId, paidAt: new Date(), version: { increment: 1 } },
  });
  if (count !== 1) return false;
  const batch = await tx.disbursementBatch.findUniqueOrThrow({ where: { id: batchId }, select: { organisationId: true } });
  const outcomes = await tx.batchLine.groupBy({ by: ["paymentStatus"], where: { batchId, removed: false }, _count: { _all: true } });
  await recordAudit(tx, actor, {
    action: "payments.settle-batch", entityType: "disbursement_batch", entityId: batchId, organisationId: batch.organisationId,
    detail: { outcomes: Object.fromEntries(outcomes.map((o) => [o.paymentStatus ?? "NONE", o._count._all])) },
  });
  await drawCallbackSample(tx, actor, batchId);
  return true;
}
