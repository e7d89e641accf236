import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { isUuid } from "@/lib/data/ids";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { Prisma } from "@/lib/generated/prisma/client";
import { todayInShanghai } from "@/lib/format/datetime";
import { inForceOn, pickByChain, regionChain } from "@/lib/policy/regions";
import { canDeleteEvidence, canUploadEvidence, mayHandleEvidence } from "@/lib/filing/rules";
import { enforce } from "@/lib/errors/domain-error";
import type { EvidenceKind, FileStatus, HardshipCause } from "@/lib/generated/prisma/enums";
import { evidenceContentProblem } from "./inspect";
import { pausePoint } from "@/lib/testing/pause-point";
import { REQUIRED_EVIDENCE_KINDS, type TDeleteEvidenceInput, type TUploadEvidenceInput } from "./schemas";
import {
  currentEvidenceUploadLimit,
  readEvidenceBytes,
  removeEvidenceBytes,
  sha256Hex,
  sniffContentType,
  writeEvidenceBytes,
  type TEvidenceContentType,
} from "./storage";

export { REQUIRED_EVIDENCE_KINDS };

// Evidence (证明材料) belongs to a household file and has no organisation of its own: it is in the
// actor's scope exactly when its household file is, so every lookup goes through the scoped
// householdFile query. The bytes are on disk (./storage.ts); a row exists only for bytes that were
// completely written, and bytes are removed only after the row's deletion has committed.

const FILE_NOT_FOUND = "档案不存在，或不在您的管辖范围内。";
const EVIDENCE_NOT_FOUND = "材料不存在，或不在您的管辖范围内。";

/** Locks the household file's row (in scope) until the transaction ends and returns its status. */
async function lockFileStatus(tx: TScopedTx, fileId: string): Promise<FileStatus | undefined> {
  const rows = await tx.$queryRaw<
    { status: FileStatus }[]
  >`SELECT status::text AS status FROM household_file WHERE id = ${fileId}::uuid AND ${tx.$orgInScope(Prisma.sql`organisation_id`)} FOR UPDATE`;
  return rows[0]?.status;
}

async function findEvidenceInScope(tx: TScopedTx, evidenceId: string) {
  if (!isUuid(evidenceId)) throw new NotFoundError(EVIDENCE_NOT_FOUND);
  const file = await tx.householdFile.findFirst({
    where: { evidence: { some: { id: evidenceId } } },
    select: {
      id: true,
      organisationId: true,
      evidence: { where: { id: evidenceId }, select: { id: true, kind: true, originalName: true, contentType: true, sha256: true, storageKey: true } },
    },
  });
  const evidence = file?.evidence[0];
  if (!file || !evidence) throw new NotFoundError(EVIDENCE_NOT_FOUND);
  return { file, evidence };
}

function fileError(message: string, code: string): DomainError {
  return new DomainError(message, code, { file: message });
}

/** The size and content checks; what the browser declared and what the name says are ignored. */
export async function checkedBytes(upload: File): Promise<{ bytes: Uint8Array; contentType: TEvidenceContentType }> {
  const limit = currentEvidenceUploadLimit();
  if (upload.size === 0) throw fileError("文件是空的（0 字节），请重新选择。", "EVIDENCE_EMPTY");
  if (upload.size > limit.maxBytes) throw fileError(limit.tooLarge, "EVIDENCE_TOO_LARGE");
  const bytes = new Uint8Array(await upload.arrayBuffer());
  const contentType = sniffContentType(bytes);
  if (!contentType) {
    throw fileError("只能上传 PDF、JPG 或 PNG 格式的文件，该文件的内容不是其中任何一种（只改扩展名无效）。", "EVIDENCE_TYPE");
  }
  const problem = await evidenceContentProblem(bytes, contentType);
  if (problem) throw fileError(problem, "EVIDENCE_CONTENT");
  return { bytes, contentType };
}

/** The name as shown and offered for download: no folders, no control characters, bounded length. */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex -- the point: control characters are what this strips
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return Array.from(base).slice(-200).join("") || "未命名材料";
}

/** 上传证明材料. Returns the new evidence id. */
export async function uploadEvidence(actor: TActor, input: TUploadEvidenceInput): Promise<{ id: string }> {
  enforce(mayHandleEvidence(actor));
  const db = scopedDb(actor);
  // Scope and state are checked before any byte is written, so nobody can fill the disk through
  // a file they cannot see.
  const file = isUuid(input.fileId)
    ? await db.householdFile.findUnique({ where: { id: input.fileId }, select: { id: true, organisationId: true, status: true } })
    : null;
  if (!file) throw new NotFoundError(FILE_NOT_FOUND);
  enforce(canUploadEvidence(file));

  const { bytes, contentType } = await checkedBytes(input.file);
  const sha256 = sha256Hex(bytes);
  const originalName = displayName(input.file.name);
  const storageKey = await writeEvidenceBytes(bytes);
  try {
    return await db.$transaction(async (tx) => {
      // Held until commit, so the file cannot be closed between this check and the insert.
      const status = await lockFileStatus(tx, file.id);
      if (!status) throw new NotFoundError(FILE_NOT_FOUND);
      enforce(canUploadEvidence({ status }));
      const row = await tx.evidenceFile.create({
        data: { fileId: file.id, kind: input.kind, originalName, contentType, sizeBytes: bytes.length, sha256, storageKey, uploadedById: actor.userId },
        select: { id: true },
      });
      await pausePoint("evidence-upload");
      await recordAudit(tx, actor, {
        action: "evidence.upload",
        entityType: "evidence_file",
        entityId: row.id,
        organisationId: file.organisationId,
        detail: { fileId: file.id, kind: input.kind, originalName, contentType, sizeBytes: bytes.length, sha256 },
      });
      return { id: row.id };
    });
  } catch (error) {
    // No row refers to the bytes: remove them rather than leave an orphan behind.
    await removeEvidenceBytes(storageKey).catch((cleanup: unknown) => console.error("could not remove evidence after a failed upload", storageKey, cleanup));
    throw error;
  }
}

export type TEvidenceItem = {
  id: string;
  kind: EvidenceKind;
  originalName: string;
  contentType: string;
  sizeBytes: number;
  uploadedAt: Date;
  uploadedBy: { name: string };
};

/** The file's evidence, oldest first. */
export async function listEvidence(actor: TActor, fileId: string): Promise<TEvidenceItem[]> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  if (!isUuid(fileId)) throw new NotFoundError(FILE_NOT_FOUND);
  const file = await scopedDb(actor).householdFile.findUnique({
    where: { id: fileId },
    relationLoadStrategy: "join",
    select: {
      evidence: {
        orderBy: [{ uploadedAt: "asc" }, { id: "asc" }],
        select: { id: true, kind: true, originalName: true, contentType: true, sizeBytes: true, uploadedAt: true, uploadedBy: { select: { name: true } } },
      },
    },
  });
  if (!file) throw new NotFoundError(FILE_NOT_FOUND);
  return file.evidence;
}

/**
 * The bytes of one piece of evidence, for download. Every read is audited: these are ID cards,
 * medical records and income statements. Bytes that no longer match their recorded SHA-256 are
 * not served.
 */
export async function readEvidence(
  actor: TActor,
  evidenceId: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: TEvidenceContentType; originalName: string }> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const { file, evidence } = await findEvidenceInScope(db, evidenceId);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readEvidenceBytes(evidence.storageKey);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    console.error("evidence file missing from storage", evidence.id, evidence.storageKey);
    throw new DomainError("该材料的文件已丢失，请联系系统管理员。", "EVIDENCE_MISSING");
  }
  if (sha256Hex(bytes) !== evidence.sha256) {
    console.error("evidence file does not match its recorded SHA-256", evidence.id, evidence.storageKey);
    throw new DomainError("该材料的文件已损坏，请联系系统管理员。", "EVIDENCE_CORRUPT");
  }
  await recordAudit(db, actor, {
    action: "evidence.view",
    entityType: "evidence_file",
    entityId: evidence.id,
    organisationId: file.organisationId,
    detail: { fileId: file.id, kind: evidence.kind },
  });
  return { bytes, contentType: evidence.contentType as TEvidenceContentType, originalName: evidence.originalName };
}

/** Removes evidence uploaded by mistake. Only while the file is a draft: once submitted, the evidence is part of the record. */
export async function deleteEvidence(actor: TActor, input: TDeleteEvidenceInput): Promise<void> {
  enforce(mayHandleEvidence(actor));
  const db = scopedDb(actor);
  const storageKey = await db.$transaction(async (tx) => {
    const { file, evidence } = await findEvidenceInScope(tx, input.evidenceId);
    // The lock makes a concurrent submission wait for this deletion, or this deletion see the
    // submitted status (see missingRequiredEvidence).
    const status = await lockFileStatus(tx, file.id);
    if (!status) throw new NotFoundError(EVIDENCE_NOT_FOUND);
    enforce(canDeleteEvidence({ status }));
    const { count } = await tx.evidenceFile.deleteMany({ where: { id: evidence.id, fileId: file.id } });
    if (count !== 1) throw new NotFoundError(EVIDENCE_NOT_FOUND);
    await recordAudit(tx, actor, {
      action: "evidence.delete",
      entityType: "evidence_file",
      entityId: evidence.id,
      organisationId: file.organisationId,
      detail: { fileId: file.id, kind: evidence.kind, originalName: evidence.originalName, sha256: evidence.sha256 },
    });
    return evidence.storageKey;
  });
  // After commit. If this fails the bytes are unreferenced (found by comparing the folder with
  // storage_key), never a row whose bytes are gone.
  await removeEvidenceBytes(storageKey).catch((error: unknown) => console.error("could not remove deleted evidence", storageKey, error));
}

/**
 * The kinds the file still lacks: the application and authorisation (REQUIRED_EVIDENCE_KINDS),
 * then what each of its causes of hardship requires on `onDate` (table cause_evidence_rule), in that order.
 *
 * Pass the submitting transaction and call it after the update that takes the file out of DRAFT:
 * that update locks the file's row, and deleteEvidence locks the same row and re-checks the
 * status, so no deletion can slip between this check and the submission. The caller must have
 * found the file through its scoped client (evidence has no scope of its own).
 */
export async function missingRequiredEvidence(tx: TScopedTx, fileId: string, onDate: string = todayInShanghai()): Promise<EvidenceKind[]> {
  const required = await requiredKindsOf(tx, fileId, onDate);
  const present = await tx.evidenceFile.findMany({ where: { fileId, kind: { in: required } }, distinct: ["kind"], select: { kind: true } });
  const kinds = new Set(present.map((e) => e.kind));
  return required.filter((kind) => !kinds.has(kind));
}

// What of a file decides the evidence it requires: its causes and its region's rules.
const RULE_INPUTS = { mainCause: true, secondaryCauses: true, organisation: { select: { regionCode: true } } } as const;
type TRuleInputs = { mainCause: HardshipCause | null; secondaryCauses: HardshipCause[]; organisation: { regionCode: string } };

async function requiredKindsOf(tx: TScopedTx, fileId: string, onDate: string): Promise<EvidenceKind[]> {
  return requiredKindsFor(tx, await tx.householdFile.findUniqueOrThrow({ where: { id: fileId }, select: RULE_INPUTS }), onDate);
}

async function requiredKindsFor(tx: TScopedTx, file: TRuleInputs, onDate: string): Promise<EvidenceKind[]> {
  const causes = [...(file.mainCause ? [file.mainCause] : []), ...file.secondaryCauses];
  const chain = regionChain(file.organisation.regionCode, "");
  const rules = causes.length ? await tx.causeEvidenceRule.findMany({ where: { cause: { in: causes }, regionCode: { in: chain }, ...inForceOn(onDate) } }) : [];
  // Per cause, the most specific region's rule in force.
  const byCause = causes.flatMap(
    (cause) =>
      pickByChain(
        rules.filter((r) => r.cause === cause),
        chain,
      ) ?? [],
  );
  return [...new Set<EvidenceKind>([...REQUIRED_EVIDENCE_KINDS, ...byCause.flatMap((r) => r.evidenceKinds)])];
}

/** The kinds a submission of this file would require today (for the evidence panel's reminder). */
export async function requiredEvidenceKinds(actor: TActor, fileId: string): Promise<EvidenceKind[]> {
  const db = scopedDb(actor) as unknown as TScopedTx;
  // The scoped read of the causes is the scope check too (the household page waited for two reads before).
  // Joined: the organisation's region comes in the same statement (scopedDb reads relations as a
  // second statement unless asked), so the evidence reminder is two round trips, not three.
  const file = await db.householdFile.findUnique({ where: { id: fileId }, relationLoadStrategy: "join", select: RULE_INPUTS });
  if (!file) throw new NotFoundError(FILE_NOT_FOUND);
  return requiredKindsFor(db, file, todayInShanghai());
}

/** missingRequiredEvidence as the DomainError a submission shows; same rules for where to call it. */
export async function assertRequiredEvidence(tx: TScopedTx, fileId: string): Promise<void> {
  const missing = await missingRequiredEvidence(tx, fileId);
  if (missing.length > 0) {
    throw new DomainError(`提交前请先上传证明材料：${missing.map((kind) => EVIDENCE_KIND_LABELS[kind]).join("、")}。`, "EVIDENCE_REQUIRED");
  }
}
