import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError } from "@/lib/errors/domain-error";
import { formatDateTime } from "@/lib/format/datetime";
import { IMPORT_UPLOAD_LIMIT } from "@/lib/uploads/limits";
import { storedUploadFields } from "@/lib/uploads/stored-upload";
import { IMPORT_STATUS_LABELS, type TImportMode } from "./labels";

// Importing households from Excel (台账导入). Upload → validate every row (nothing written but the
// upload and its problems) → the importer confirms → one transaction creates every file as a
// draft, or none. A workbook is recognised by its SHA-256 and imported once.
//
// 按已在档档案迁入 (mode OPEN): a union moving its existing approved files in. After validation the
// batch waits (AWAITING_APPROVAL) for an official other than the importer, who approves it —
// one transaction then creates every file as OPEN with a number from the gap-free counter, its
// next re-check date and an IMPORTED history row naming the batch and the approver — or rejects it
// with a reason, which writes no file. The database refuses an approver who is the importer
// (household_import_approver_not_importer, household_file_approver_not_submitter).

export const IMPORT_MAX_BYTES = IMPORT_UPLOAD_LIMIT.maxBytes;
export async function uploadHouseholdImport(actor: TActor, input: { fileName: string; bytes: Buffer; mode?: TImportMode }): Promise<{ importId: string }> {
  assertRole(actor, "CASEWORKER");
  const { fileName, bytes } = input;
  const mode = input.mode ?? "DRAFT";
  if (bytes.length === 0) throw new DomainError("上传的文件是空的，请重新选择工作簿。", "IMPORT_EMPTY");
  if (bytes.length > IMPORT_MAX_BYTES) throw new DomainError(IMPORT_UPLOAD_LIMIT.tooLarge, "IMPORT_TOO_LARGE");
  // An .xlsx is a zip archive: it starts with "PK\x03\x04". Anything else (an .xls, a CSV renamed) is refused here.
  if (!/\.xlsx$/i.test(fileName) || bytes.subarray(0, 4).toString("binary") !== "PK\x03\x04") {
    throw new DomainError("这不是 Excel 工作簿（.xlsx）。请下载导入模板，填写后以 .xlsx 格式保存再上传。", "IMPORT_NOT_XLSX");
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const db = scopedDb(actor);
  const refuse = async () => {
    // The earlier upload may lie outside the importer's scope: say only when, not where.
    throw new ConflictError("这个工作簿已经上传过，同一工作簿不能重复导入。如需再次导入，请先核对导入记录；修改后的工作簿可以重新上传。");
  };
  const earlier = await db.householdImport.findUnique({ where: { sha256 }, select: { createdAt: true, status: true, createdBy: { select: { name: true } } } });
  if (earlier) {
    throw new ConflictError(
      `这个工作簿已于 ${formatDateTime(earlier.createdAt)} 由 ${earlier.createdBy.name} 上传（${IMPORT_STATUS_LABELS[earlier.status]}），同一工作簿不能重复导入。`,
    );
  }
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.householdImport.create({
        data: {
          ...storedUploadFields(actor, fileName, bytes, sha256),
          mode,
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: "import.upload",
        entityType: "household_import",
        entityId: created.id,
        organisationId: actor.organisation.id,
        detail: { fileName, sizeBytes: bytes.length, sha256, mode },
      });
      return { importId: created.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refuse();
    throw error;
  }
}
