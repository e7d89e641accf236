import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { isUuid } from "@/lib/data/ids";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { readEvidenceBytes, sha256Hex } from "@/lib/evidence/storage";
import { APPLICATION_READERS } from "./find-applications";

const UPLOAD_NOT_FOUND = "材料不存在，或不在您的管辖范围内。";

/** One photo or PDF sent with an application, for the caseworker; every view audited, as evidence's are. */
export async function readApplicationUpload(actor: TActor, uploadId: string) {
  assertRole(actor, ...APPLICATION_READERS);
  if (!isUuid(uploadId)) throw new NotFoundError(UPLOAD_NOT_FOUND);
  const db = scopedDb(actor);
  const upload = await db.onlineApplicationUpload.findUnique({
    where: { id: uploadId },
    select: {
      id: true,
      kind: true,
      originalName: true,
      contentType: true,
      sha256: true,
      storageKey: true,
      application: { select: { id: true, organisationId: true } },
    },
  });
  if (!upload) throw new NotFoundError(UPLOAD_NOT_FOUND);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readEvidenceBytes(upload.storageKey);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    console.error("application upload missing from storage", upload.id, upload.storageKey);
    throw new DomainError("该材料的文件已丢失，请联系系统管理员。", "EVIDENCE_MISSING");
  }
  if (sha256Hex(bytes) !== upload.sha256) throw new DomainError("该材料的文件已损坏，请联系系统管理员。", "EVIDENCE_CORRUPT");
  await recordAudit(db, actor, {
    action: "application.upload_view",
    entityType: "online_application",
    entityId: upload.application.id,
    organisationId: upload.application.organisationId,
    detail: { uploadId: upload.id, kind: upload.kind },
  });
  return { bytes, contentType: upload.contentType, originalName: upload.originalName };
}
