import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { isUuid } from "@/lib/data/ids";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { readEvidenceBytes, sha256Hex } from "@/lib/evidence/storage";

/** Opens a signed 签收表 scan of a batch in scope, checking its SHA-256 (audited, like evidence). */
export async function readReceiptScan(actor: TActor, scanId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  if (!isUuid(scanId)) throw new NotFoundError("签收表不存在，或不在您的管辖范围内。");
  const db = scopedDb(actor);
  const scan = await db.batchReceiptScan.findUnique({
    where: { id: scanId },
    select: { id: true, batchId: true, storageKey: true, sha256: true, contentType: true, originalName: true, batch: { select: { organisationId: true } } },
  });
  if (!scan) throw new NotFoundError("签收表不存在，或不在您的管辖范围内。");
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readEvidenceBytes(scan.storageKey);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    throw new DomainError("该签收表的文件已丢失，请联系系统管理员。", "EVIDENCE_MISSING");
  }
  if (sha256Hex(bytes) !== scan.sha256) throw new DomainError("该签收表的文件已损坏，请联系系统管理员。", "EVIDENCE_CORRUPT");
  await recordAudit(db, actor, {
    action: "payments.view-receipt-scan",
    entityType: "batch_receipt_scan",
    entityId: scan.id,
    organisationId: scan.batch.organisationId,
    detail: { batchId: scan.batchId },
  });
  return { bytes, contentType: scan.contentType, originalName: scan.originalName };
}
