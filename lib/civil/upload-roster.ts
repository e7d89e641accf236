import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import { ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";
import { storedUploadFields } from "@/lib/uploads/stored-upload";
import { rosterFormatOf } from "./read-roster";
import { mayCompareRosters } from "./rules";
import type { TUploadRosterInput } from "./schemas";

// 民政比对, first half (issue 28): what the request does. The cheap checks a person must hear at
// once — empty, too large, not a workbook or CSV, the same roster again — and then the roster is
// stored as a QUEUED run with its audit row, in one transaction. Reading, validating and comparing
// it take up to half a minute at a province's size: compare-roster.ts does that after the answer
// (decision 028), and the run page shows its progress.

export const ROSTER_MAX_BYTES = ROSTER_UPLOAD_LIMIT.maxBytes;

export async function uploadRoster(actor: TActor, input: { fileName: string; bytes: Buffer }): Promise<{ runId: string }> {
  enforce(mayCompareRosters(actor));
  const { fileName, bytes } = input;
  if (bytes.length === 0) throw new DomainError("上传的文件是空的，请重新选择民政比对名单。", "CIVIL_EMPTY");
  if (bytes.length > ROSTER_MAX_BYTES) throw new DomainError(ROSTER_UPLOAD_LIMIT.tooLarge, "CIVIL_TOO_LARGE");
  if (!rosterFormatOf(fileName, bytes))
    throw new DomainError("这不是 Excel 工作簿（.xlsx）或 CSV 文件。请下载民政比对名单模板，填写后以 .xlsx 或 .csv 格式保存再上传。", "CIVIL_NOT_WORKBOOK");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const db = scopedDb(actor);
  const earlier = await db.civilRosterRun.findUnique({
    where: { sha256 },
    select: { createdAt: true, status: true, createdBy: { select: { name: true } } },
  });
  if (earlier?.status === "INVALID") {
    throw new ConflictError(
      `这份名单已于 ${formatDateTime(earlier.createdAt)} 由 ${earlier.createdBy.name} 上传，未通过校验。请按那次列出的问题改正后重新上传。`,
    );
  }
  if (earlier) throw new ConflictError(`这份名单已于 ${formatDateTime(earlier.createdAt)} 由 ${earlier.createdBy.name} 上传比对过，同一份名单不能重复比对。`);
  try {
    return await db.$transaction(async (tx) => {
      const run = await tx.civilRosterRun.create({
        data: {
          ...storedUploadFields(actor, fileName, bytes, sha256),
          // Set again by the comparison to the day it runs (a retry on a later day uses that day's policy).
          policyDate: dateOnly(todayInShanghai()),
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: "civil.upload",
        entityType: "civil_roster_run",
        entityId: run.id,
        organisationId: actor.organisation.id,
        detail: { fileName, sizeBytes: bytes.length, sha256 },
      });
      return { runId: run.id };
    });
  } catch (error) {
    // Two people uploading the same roster at once: the unique index lets one in. The other's
    // earlier run may lie outside their scope: say only that it was uploaded.
    if (isUniqueViolation(error, "sha256")) throw new ConflictError("这份名单已经上传比对过，同一份名单不能重复比对。");
    throw error;
  }
}

/** The upload form's file, read into bytes. */
export async function uploadRosterFile(actor: TActor, input: TUploadRosterInput) {
  return uploadRoster(actor, { fileName: input.file.name, bytes: Buffer.from(await input.file.arrayBuffer()) });
}
