import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { readEvidenceBytes, removeEvidenceBytes, sha256Hex, writeEvidenceBytes } from "@/lib/evidence/storage";
import { createDraftIn, draftPersonWarnings } from "@/lib/filing/save-filing";
import type { TFilingData } from "@/lib/filing/schemas";
import { claimApplication } from "./accept-application";
import { APPLICATION_NOT_FOUND } from "./find-applications";
import { canConvertApplication, mayHandleApplications } from "./rules";
import type { TApplicationActionInput } from "./schemas";

/**
 * 转为建档草稿: the application becomes a draft file of its union, made the way every draft is
 * made (lib/filing/save-filing.ts createDraftIn: CREATED event, people, audit), with every field
 * the applicant gave and the uploads attached as evidence. The one-person-one-file check runs as
 * for any draft: a person already filed elsewhere is reported to the caseworker at once
 * (`warnings`), and the database refuses the second file when the draft is submitted.
 *
 * The uploads' bytes are copied to evidence keys of their own before the transaction (the draft's
 * evidence can later be deleted while the application keeps what was sent); a failed conversion
 * removes the copies.
 */
export async function convertApplication(actor: TActor, input: TApplicationActionInput): Promise<{ fileId: string; warnings: string[] }> {
  enforce(mayHandleApplications(actor));
  if (!isUuid(input.applicationId)) throw new NotFoundError(APPLICATION_NOT_FOUND);
  const db = scopedDb(actor);
  const application = await db.onlineApplication.findUnique({
    where: { id: input.applicationId },
    select: {
      id: true,
      status: true,
      data: true,
      holderName: true,
      contactPhone: true,
      organisationId: true,
      uploads: {
        orderBy: [{ uploadedAt: "asc" }, { id: "asc" }],
        select: { id: true, kind: true, originalName: true, contentType: true, sizeBytes: true, sha256: true, storageKey: true },
      },
    },
  });
  if (!application) throw new NotFoundError(APPLICATION_NOT_FOUND);
  enforce(canConvertApplication(application));
  await db.$assertOrganisationInScope(application.organisationId);

  const copies: string[] = [];
  try {
    for (const upload of application.uploads) {
      const bytes = await readEvidenceBytes(upload.storageKey);
      if (sha256Hex(bytes) !== upload.sha256) {
        console.error("application upload does not match its recorded SHA-256", upload.id, upload.storageKey);
        throw new DomainError(`申请材料“${upload.originalName}”的文件已损坏，请联系系统管理员。`, "EVIDENCE_CORRUPT");
      }
      copies.push(await writeEvidenceBytes(bytes));
    }
    const fileId = await db.$transaction(async (tx) => {
      const claimed = await claimApplication(tx, input, ["ACCEPTED"], canConvertApplication, {
        status: "CONVERTED",
        decidedById: actor.userId,
        decidedAt: new Date(),
      });
      const data = application.data as unknown as TFilingData;
      const fileId = await createDraftIn(tx, actor, data, {
        idempotencyKey: application.id,
        contactName: application.holderName,
        contactPhone: application.contactPhone,
        auditDetail: { applicationId: application.id, applicationNumber: claimed.number },
      });
      await tx.onlineApplication.update({ where: { id: application.id }, data: { fileId } });
      await tx.evidenceFile.createMany({
        data: application.uploads.map((u, i) => ({
          fileId,
          kind: u.kind,
          originalName: u.originalName,
          contentType: u.contentType,
          sizeBytes: u.sizeBytes,
          sha256: u.sha256,
          storageKey: copies[i]!,
          uploadedById: actor.userId,
        })),
      });
      await recordAudit(tx, actor, {
        action: "application.convert",
        entityType: "online_application",
        entityId: application.id,
        organisationId: application.organisationId,
        detail: { number: claimed.number, fileId, evidence: application.uploads.length },
      });
      return fileId;
    });
    return { fileId, warnings: await draftPersonWarnings(actor, fileId) };
  } catch (error) {
    for (const key of copies)
      await removeEvidenceBytes(key).catch((cleanup: unknown) => console.error("could not remove evidence copied for a failed conversion", key, cleanup));
    throw error;
  }
}
