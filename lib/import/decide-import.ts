import "server-only";
import ExcelJS from "exceljs";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError } from "@/lib/errors/domain-error";
import { findImport } from "./find-imports";
import { IMPORT_STATUS_LABELS, type TImportMode } from "./labels";

// 按已在档档案迁入: an official other than the importer approves or rejects a validated batch.

const OTHERS_HANDLED = "该导入批次已被他人处理，请刷新页面查看最新情况。";

async function findBatchForDecision(actor: TActor, importId: string, what: string) {
  assertRole(actor, "OFFICIAL");
  const upload = await findImport(actor, importId);
  if (upload.mode !== "OPEN") throw new DomainError("只有按已在档档案迁入的导入批次需要审批。", "IMPORT_NOT_OPEN");
  if (upload.createdById === actor.userId) throw new DomainError(`不能${what}自己上传的导入批次，请由其他工作人员审批。`, "MAKER_CHECKER");
  if (upload.status !== "AWAITING_APPROVAL") throw new ConflictError(`${OTHERS_HANDLED}（当前状态：${IMPORT_STATUS_LABELS[upload.status]}）`);
  return upload;
}

/**
 * 批准 an import batch of existing files: moves it to COMMITTING under this official's name (of two
 * officials at once, one wins and the other is told); the commit then runs in the background.
 */
export async function approveHouseholdImport(actor: TActor, importId: string): Promise<void> {
  const upload = await findBatchForDecision(actor, importId, "批准");
  await scopedDb(actor).$transaction(async (tx) => {
    const { count } = await tx.householdImport.updateMany({
      where: { id: importId, status: "AWAITING_APPROVAL", createdById: { not: actor.userId } },
      data: { status: "COMMITTING", approvedById: actor.userId, approvedAt: new Date(), message: null, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError(OTHERS_HANDLED);
    await recordAudit(tx, actor, { action: "import.approve", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: { batchNumber: upload.batchNumber } });
  });
}

/** 驳回 an import batch of existing files, with the reason: no file is written, the staged rows go. */
export async function rejectHouseholdImport(actor: TActor, importId: string, reason: string): Promise<void> {
  const upload = await findBatchForDecision(actor, importId, "驳回");
  const db = scopedDb(actor);
  await db.$transaction(async (tx) => {
    const { count } = await tx.householdImport.updateMany({
      where: { id: importId, status: "AWAITING_APPROVAL", createdById: { not: actor.userId } },
      data: { status: "REJECTED", rejectedById: actor.userId, rejectedAt: new Date(), rejectionReason: reason, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError(OTHERS_HANDLED);
    await tx.householdImportRow.deleteMany({ where: { importId } });
    await recordAudit(tx, actor, { action: "import.reject", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: { batchNumber: upload.batchNumber, reason } });
  });
}
/**
 * What an official can do with an import batch of existing files: approve or reject it while it
 * waits, unless they uploaded it themselves (the page shows the reason instead of the buttons).
 */
export function importDecisionFor(actor: TActor, upload: { mode: TImportMode; status: string; createdById: string }): { can: true } | { can: false; reason: string | null } {
  if (upload.mode !== "OPEN" || upload.status !== "AWAITING_APPROVAL") return { can: false, reason: null };
  if (!actor.roles.includes("OFFICIAL")) return { can: false, reason: "该批次等待工作人员审批。" };
  if (upload.createdById === actor.userId) return { can: false, reason: "您是该批次的导入人，不能审批自己上传的批次，请由其他工作人员审批。" };
  return { can: true };
}
