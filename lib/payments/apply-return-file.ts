import "server-only";
import { canConfirmBatchReturn, mayHandleBankFiles } from "./rules";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { todayInShanghai, dateOnly } from "@/lib/format/datetime";
import { BATCH_STATUS_LABELS } from "@/lib/ledger/labels";
import { findBankLayout } from "./layouts";
import { matchReturnFile, type TReturnMatch } from "./match-return-file";
import { loadBatchPaymentLines } from "./payment-lines";
import { readReturnFile } from "./read-return-file";
import { settleBatchIfComplete } from "./settle-batch";

export type TReturnFileInput = { batchId: string; layoutId?: string; file: File };
export type TReturnPreview = TReturnMatch & { sha256: string; fileName: string; layoutName: string; encoding: string };

async function bytesOf(file: File): Promise<{ bytes: Buffer; sha256: string }> {
  const bytes = Buffer.from(await file.arrayBuffer());
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function batchForReturn(tx: Pick<TScopedTx, "disbursementBatch">, batchId: string) {
  const batch = await tx.disbursementBatch.findUnique({ where: { id: batchId } });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  if (batch.paymentMethod !== "BANK") throw new DomainError("该批次以现金或实物发放，没有银行回盘。", "NOT_BANK");
  if (batch.status === "PAID") throw new DomainError("该批次已全部发放完毕，不再接收回盘文件。", "ALREADY_PAID");
  if (batch.status !== "APPROVED") throw new DomainError(`批次审批通过后才能导入回盘，当前状态为“${BATCH_STATUS_LABELS[batch.status]}”。`, "NOT_APPROVED");
  return batch;
}

/** 回盘预览: every row matched, unmatched or mismatched — read and compared, nothing written. */
export async function previewReturnFile(actor: TActor, input: TReturnFileInput): Promise<TReturnPreview> {
  enforce(mayHandleBankFiles(actor));
  const db = scopedDb(actor);
  const batch = await batchForReturn(db, input.batchId);
  const layout = await findBankLayout(db, input.layoutId);
  const { bytes, sha256 } = await bytesOf(input.file);
  const read = await readReturnFile(bytes, layout);
  const lines = await loadBatchPaymentLines(db, batch);
  return { ...matchReturnFile(batch.id, lines, layout, read), sha256, fileName: input.file.name, layoutName: layout.name, encoding: read.encoding };
}

/**
 * 确认回盘 (OFFICIAL, not the batch's maker): the same file, matched again under the batch's lock,
 * applied all or nothing in one transaction — paid lines 已到账, returned lines 退回 with the bank's
 * reason and, for each, a ledger reversal of its entry (银行退回), the return file's totals, the
 * audit row; then the batch is settled if nothing is left open. The SHA-256 the official saw in
 * the preview must be the file's: a different file is previewed first.
 */
export async function applyReturnFile(actor: TActor, input: TReturnFileInput & { expectedSha256: string }) {
  assertRole(actor, "OFFICIAL");
  const { bytes, sha256 } = await bytesOf(input.file);
  if (sha256 !== input.expectedSha256) throw new DomainError("上传的文件与预览的文件不同，请重新预览后再确认。", "FILE_CHANGED");
  const db = scopedDb(actor);
  const layout = await findBankLayout(db, input.layoutId);
  const read = await readReturnFile(bytes, layout);
  try {
    return await db.$transaction(
      async (tx) => {
        await claimRow(tx, "disbursement_batch", input.batchId);
        const batch = await batchForReturn(tx, input.batchId);
        enforce(canConfirmBatchReturn(actor, batch));
        const lines = await loadBatchPaymentLines(tx, batch);
        const match = matchReturnFile(batch.id, lines, layout, read);
        if (!match.canApply) {
          throw new DomainError(
            `回盘文件有 ${match.unmatched} 行未匹配、${match.mismatched} 行不一致，不能确认。请向银行核实后重新上传，未写入任何数据。`,
            "NOT_APPLICABLE",
          );
        }
        const now = new Date();
        const returned = await tx.paymentReturn.create({
          data: {
            batchId: batch.id,
            layoutId: layout.id,
            fileName: input.file.name.slice(0, 200),
            sha256,
            paidLines: match.paidLines,
            paidFen: match.paidFen,
            returnedLines: match.returnedLines,
            returnedFen: match.returnedFen,
            statedTotalFen: match.statedTotalFen,
            appliedById: actor.userId,
            appliedAt: now,
          },
          select: { id: true },
        });
        const paidIds = match.rows.filter((r) => r.outcome === "PAID").map((r) => r.lineId!);
        const returnedRows = match.rows.filter((r) => r.outcome === "RETURNED");
        let changed = 0;
        for (let i = 0; i < paidIds.length; i += 5_000) {
          changed += (
            await tx.batchLine.updateMany({
              where: { id: { in: paidIds.slice(i, i + 5_000) }, batchId: batch.id, paymentStatus: "WAITING" },
              data: { paymentStatus: "PAID", paymentUpdatedAt: now, paymentReturnId: returned.id },
            })
          ).count;
        }
        // A bank gives a handful of reasons; one statement per reason.
        const byReason = new Map<string, typeof returnedRows>();
        for (const row of returnedRows) byReason.set(row.reason, [...(byReason.get(row.reason) ?? []), row]);
        for (const [reason, rows] of byReason) {
          changed += (
            await tx.batchLine.updateMany({
              where: { id: { in: rows.map((r) => r.lineId!) }, batchId: batch.id, paymentStatus: "WAITING" },
              data: { paymentStatus: "RETURNED", paymentReason: reason, paymentUpdatedAt: now, paymentReturnId: returned.id },
            })
          ).count;
        }
        if (changed !== paidIds.length + returnedRows.length) throw new ConflictError("回盘中的部分付款刚被他人处理，请刷新页面后重新预览。");
        if (returnedRows.length > 0)
          await reverseReturned(
            tx,
            actor,
            batch,
            returnedRows.map((r) => ({ lineId: r.lineId!, reason: r.reason })),
          );
        await recordAudit(tx, actor, {
          action: "payments.apply-return",
          entityType: "disbursement_batch",
          entityId: batch.id,
          organisationId: batch.organisationId,
          detail: {
            fileName: input.file.name,
            sha256,
            paidLines: match.paidLines,
            paidFen: match.paidFen,
            returnedLines: match.returnedLines,
            returnedFen: match.returnedFen,
          },
        });
        const settled = await settleBatchIfComplete(tx, actor, batch.id);
        return { batchId: batch.id, paidLines: match.paidLines, returnedLines: match.returnedLines, settled };
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error, "sha256")) throw new DomainError("这个回盘文件已经导入过，不能重复导入。", "ALREADY_APPLIED");
    throw error;
  }
}

/**
 * 银行退回: each returned line's ledger entry gets its exact negative (reverses_entry_id, reason,
 * reversal_kind BANK_RETURN) — nothing edited. Recorded as the batch's submitter recorded the
 * original and approved by the official confirming the return (ledger_entry_maker_checker).
 */
async function reverseReturned(
  tx: TScopedTx,
  actor: TActor,
  batch: { submittedById: string | null; name: string },
  rows: Array<{ lineId: string; reason: string }>,
) {
  const reasonOf = new Map(rows.map((r) => [r.lineId, r.reason]));
  const entries = await tx.ledgerEntry.findMany({
    where: { batchLineId: { in: rows.map((r) => r.lineId) } },
    select: {
      id: true,
      organisationId: true,
      fileId: true,
      aidType: true,
      fundSource: true,
      amountFen: true,
      studentResidentId: true,
      bankAccountId: true,
      batchLineId: true,
      reversedBy: { select: { id: true } },
    },
  });
  const reversed = entries.find((e) => e.reversedBy);
  if (entries.length !== rows.length || reversed) throw new ConflictError("退回的付款中有一笔的台账已冲正或不存在，请联系审计核实后再导入。");
  const entryDate = dateOnly(todayInShanghai());
  await tx.ledgerEntry.createMany({
    data: entries.map((e) => ({
      organisationId: e.organisationId,
      fileId: e.fileId,
      aidType: e.aidType,
      fundSource: e.fundSource,
      amountFen: -e.amountFen,
      entryDate,
      purpose: `${batch.name}：银行退回`,
      studentResidentId: e.studentResidentId,
      bankAccountId: e.bankAccountId,
      reversesEntryId: e.id,
      reason: `银行退回：${reasonOf.get(e.batchLineId!)}`,
      reversalKind: "BANK_RETURN" as const,
      recordedById: batch.submittedById ?? actor.userId,
      approvedById: actor.userId,
    })),
  });
}
