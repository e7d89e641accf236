import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import type { TScopedTx } from "@/lib/data/scope";
import { Prisma } from "@/lib/generated/prisma/client";
import { drawCallbackSample } from "./callback-sample";

/** Outcomes that leave nothing to do: paid, signed for, not collected (reversed), re-issued or closed. */
export const OPEN_PAYMENT_STATUSES = ["WAITING", "RETURNED"] as const;

/**
 * 已发放 is a consequence, not a button: an approved batch becomes PAID exactly when none of its
 * included lines is still waiting for the bank (or the signed list) or returned and unresolved.
 * Called in the transaction that settles a line — a return file applied, a returned line closed
 * or re-issued, a receipt recorded — so the batch and its last line change together. The batch's
 * row is locked before the lines are counted, and status and version are in the WHERE: of two
 * transactions settling the last lines at once, the one that locks second sees the other's lines
 * and does it, never both.
 * paid_by is the actor unless they made or submitted the batch (CHECK disbursement_batch_payer_not_maker),
 * then the official who approved it, whose approval the payment completes. A settled batch gets its
 * call-back sample (回访抽样) in the same transaction.
 */
export async function settleBatchIfComplete(tx: TScopedTx, actor: TActor, batchId: string): Promise<boolean> {
  // Two transactions resolving a batch's last two lines at once would each still see the other's
  // line open and neither would settle. Waiting for the batch's row lock before counting makes the
  // second count run after the first commits, and see its line resolved.
  await tx.$queryRaw`SELECT id FROM disbursement_batch WHERE id = ${batchId}::uuid AND ${tx.$orgInScope(Prisma.sql`organisation_id`)} FOR NO KEY UPDATE`;
  const batch = await tx.disbursementBatch.findUnique({
    where: { id: batchId },
    select: { id: true, status: true, version: true, organisationId: true, createdById: true, submittedById: true, approvedById: true },
  });
  if (!batch || batch.status !== "APPROVED") return false;
  const open = await tx.batchLine.count({
    where: { batchId, removed: false, OR: [{ paymentStatus: { in: [...OPEN_PAYMENT_STATUSES] } }, { paymentStatus: null }] },
  });
  if (open > 0) return false;
  const payer = actor.userId !== batch.createdById && actor.userId !== batch.submittedById ? actor.userId : batch.approvedById!;
  const { count } = await tx.disbursementBatch.updateMany({
    where: { id: batch.id, status: "APPROVED", version: batch.version },
    data: { status: "PAID", paidAt: new Date(), paidById: payer, version: { increment: 1 } },
  });
  if (count !== 1) return false;
  const lines = await tx.batchLine.groupBy({ by: ["paymentStatus"], where: { batchId, removed: false }, _count: { _all: true } });
  await recordAudit(tx, actor, {
    action: "payments.batch-settled",
    entityType: "disbursement_batch",
    entityId: batch.id,
    organisationId: batch.organisationId,
    detail: { lines: Object.fromEntries(lines.map((l) => [l.paymentStatus ?? "", l._count._all])) },
  });
  await drawCallbackSample(tx, actor, batchId);
  return true;
}
