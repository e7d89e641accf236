import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { checkedBytes, displayName } from "@/lib/evidence/evidence";
import { removeEvidenceBytes, sha256Hex, writeEvidenceBytes } from "@/lib/evidence/storage";
import type { BatchStatus, PaymentMethod } from "@/lib/generated/prisma/enums";
import type { TUploadReceiptScanInput } from "./schemas";

// 签收表扫描件: the signed list of a cash or goods batch, kept as evidence of the batch. The same
// checks as a household's evidence (size budget, PDF / JPG / PNG by content, images and PDFs
// inspected) before a byte is written; the bytes stored like evidence, the row append-only.

const NOT_FOUND = "批次不存在，或不在您的管辖范围内。";

/** Why a scan cannot be attached now (null: it can): for the page and the domain alike. */
export function receiptScanProblem(batch: { method: PaymentMethod; status: BatchStatus }): string | null {
  if (batch.method === "BANK") return "银行代发的批次以银行回盘为凭，不需要签收表。";
  if (batch.status === "DRAFT" || batch.status === "SUBMITTED") return "批次审批通过、签收表打印发放后，才能上传签字后的扫描件。";
  return null;
}

export async function uploadReceiptScan(actor: TActor, input: TUploadReceiptScanInput): Promise<{ id: string }> {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const batch = await db.disbursementBatch.findUnique({
    where: { id: input.batchId },
    select: { id: true, organisationId: true, paymentMethod: true, status: true },
  });
  if (!batch) throw new NotFoundError(NOT_FOUND);
  const problem = receiptScanProblem({ method: batch.paymentMethod, status: batch.status });
  if (problem) throw new DomainError(problem, "RECEIPT_SCAN_NOT_ALLOWED", { file: problem });
  const { bytes, contentType } = await checkedBytes(input.file);
  const sha256 = sha256Hex(bytes);
  const originalName = displayName(input.file.name);
  const storageKey = await writeEvidenceBytes(bytes);
  try {
    return await db.$transaction(async (tx) => {
      await claimRow(tx, "disbursement_batch", batch.id);
      const row = await tx.batchReceiptScan.create({
        data: { batchId: batch.id, originalName, contentType, sizeBytes: bytes.length, sha256, storageKey, uploadedById: actor.userId },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: "payments.upload-receipt-scan",
        entityType: "batch_receipt_scan",
        entityId: row.id,
        organisationId: batch.organisationId,
        detail: { batchId: batch.id, originalName, contentType, sizeBytes: bytes.length, sha256 },
      });
      return { id: row.id };
    });
  } catch (error) {
    await removeEvidenceBytes(storageKey).catch((cleanup: unknown) =>
      console.error("could not remove a receipt scan after a failed upload", storageKey, cleanup),
    );
    throw error;
  }
}
