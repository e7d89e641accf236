import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, enforce } from "@/lib/errors/domain-error";
import { canDecideImport, mayDecideImports } from "./rules";
import { findImport } from "./find-imports";
import { IMPORT_STATUS_LABELS } from "./labels";

// 按已在档档案迁入: an official other than the importer approves or rejects a validated batch.

const OTHERS_HANDLED = "该导入批次已被他人处理，请刷新页面查看最新情况。";

async function findBatchForDecision(actor: TActor, importId: string, what: "批准" | "驳回") {
  enforce(mayDecideImports(actor));
  const upload = await findImport(actor, importId);
  enforce(canDecideImport(actor, upload, what));
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
    await recordAudit(tx, actor, {
      action: "import.approve",
      entityType: "household_import",
      entityId: importId,
      organisationId: upload.organisationId,
      detail: { batchNumber: upload.batchNumber },
    });
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
    await recordAudit(tx, actor, {
      action: "import.reject",
      entityType: "household_import",
      entityId: importId,
      organisationId: upload.organisationId,
      detail: { batchNumber: upload.batchNumber, reason },
    });
  });
}
