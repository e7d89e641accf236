import "server-only";
import { canConfirmBatchReturn } from "./rules";
import type { TActor } from "@/lib/auth/actor";
import type { TScopedTx } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { BATCH_STATUS_LABELS } from "@/lib/ledger/labels";
import { applyBankReturn, previewBankReturn, type TPaidThrough, type TReturnPreview } from "./apply-bank-return";
import { loadBatchPaymentLines } from "./payment-lines";
import { settleBatchIfComplete } from "./settle-batch";

// A batch's return file (回盘) through the one return path (apply-bank-return.ts): the lines are
// the batch's included lines, the record a payment_return, and the batch is settled when nothing
// is left open.

export type { TReturnPreview };
export type TReturnFileInput = { batchId: string; layoutId?: string; file: File };

async function batchForReturn(tx: Pick<TScopedTx, "disbursementBatch">, batchId: string) {
  const batch = await tx.disbursementBatch.findUnique({ where: { id: batchId } });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  if (batch.paymentMethod !== "BANK") throw new DomainError("该批次以现金或实物发放，没有银行回盘。", "NOT_BANK");
  if (batch.status === "PAID") throw new DomainError("该批次已全部发放完毕，不再接收回盘文件。", "ALREADY_PAID");
  if (batch.status !== "APPROVED") throw new DomainError(`批次审批通过后才能导入回盘，当前状态为“${BATCH_STATUS_LABELS[batch.status]}”。`, "NOT_APPROVED");
  return batch;
}

const throughBatch: TPaidThrough<Awaited<ReturnType<typeof batchForReturn>>> = {
  table: "disbursement_batch",
  auditAction: "payments.apply-return",
  find: batchForReturn,
  canConfirm: canConfirmBatchReturn,
  lines: loadBatchPaymentLines,
  recordReturn: async (tx, batch, data) => (await tx.paymentReturn.create({ data: { batchId: batch.id, ...data }, select: { id: true } })).id,
  settleLines: async (tx, batch, ids, returnId, data) =>
    (
      await tx.batchLine.updateMany({
        where: { id: { in: ids }, batchId: batch.id, paymentStatus: "WAITING" },
        data: { ...data, paymentReturnId: returnId },
      })
    ).count,
  entryLink: "batchLineId",
  recordedById: (batch, actor) => batch.submittedById ?? actor.userId,
};

/** 回盘预览 of a batch: nothing written. */
export async function previewReturnFile(actor: TActor, input: TReturnFileInput): Promise<TReturnPreview> {
  return previewBankReturn(actor, throughBatch, { id: input.batchId, layoutId: input.layoutId, file: input.file });
}

/** 确认回盘 of a batch (OFFICIAL, not the batch's maker or submitter); the batch is settled if nothing is left open. */
export async function applyReturnFile(actor: TActor, input: TReturnFileInput & { expectedSha256: string }) {
  return applyBankReturn(actor, throughBatch, { ...input, id: input.batchId }, async (tx, batch, match) => {
    const settled = await settleBatchIfComplete(tx, actor, batch.id);
    return { batchId: batch.id, paidLines: match.paidLines, returnedLines: match.returnedLines, settled };
  });
}
