import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { reopenFile } from "@/lib/filing/workflow";
import { WARNING_STATUS_LABELS } from "./labels";
import { canDismissWarning, canOpenRecheck, canReopenFromWarning, mayActOnWarnings, mayReopenFromWarning } from "./rules";
import type { TActOnWarningInput } from "./schemas";

// Acting on a warning (返困预警): 发起复核 brings an open file's re-check forward to today,
// 返困重新建档 reopens the file through the existing relapse path (which settles every open warning
// of the file), 排除 records why the warning does not hold. Each names the warning's version and
// status in its WHERE: of two people acting at once one wins and the other is told.

async function loadWarning(actor: TActor, warningId: string) {
  const warning = await scopedDb(actor).hardshipWarning.findUnique({
    where: { id: warningId },
    select: { id: true, status: true, version: true, file: { select: { id: true, status: true, version: true, organisationId: true } } },
  });
  if (!warning) throw new NotFoundError("预警不存在，或不在您的管辖范围内。");
  return warning;
}

const refuse = (allowed: { ok: boolean; reason?: string; code?: string }) => {
  if (!allowed.ok) throw new DomainError(allowed.reason!, allowed.code ?? "NOT_ALLOWED");
};
const alreadyActed = (status: keyof typeof WARNING_STATUS_LABELS) =>
  new ConflictError(`该预警已被他人处理（${WARNING_STATUS_LABELS[status]}），请刷新页面查看。`);

export async function actOnWarning(actor: TActor, input: TActOnWarningInput) {
  enforce(mayActOnWarnings(actor));
  const warning = await loadWarning(actor, input.warningId);
  if (warning.status !== "OPEN" || warning.version !== input.expectedVersion) throw alreadyActed(warning.status);

  if (input.action === "REOPEN") {
    enforce(mayReopenFromWarning(actor));
    refuse(canReopenFromWarning(warning, warning.file));
    // The relapse path itself (same checks, event, audit); it settles this warning and the file's others.
    await reopenFile(actor, { fileId: warning.file.id, expectedVersion: warning.file.version });
    return { fileId: warning.file.id };
  }

  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    if (input.action === "RECHECK") {
      refuse(canOpenRecheck(warning, warning.file));
      const today = dateOnly(todayInShanghai());
      // Only brought forward: a re-check already due earlier keeps its date.
      const file = await tx.householdFile.findUnique({ where: { id: warning.file.id }, select: { nextCheckDue: true } });
      const due = file?.nextCheckDue && file.nextCheckDue < today ? file.nextCheckDue : today;
      const moved = await tx.householdFile.updateMany({
        where: { id: warning.file.id, status: "OPEN" },
        data: { nextCheckDue: due, version: { increment: 1 }, updatedAt: new Date() },
      });
      if (moved.count !== 1) throw new ConflictError("该档案刚被他人处理，请刷新页面查看最新情况。");
    } else {
      refuse(canDismissWarning(warning));
    }
    const status = input.action === "RECHECK" ? "RECHECK_OPENED" : "DISMISSED";
    const { count } = await tx.hardshipWarning.updateMany({
      where: { id: warning.id, status: "OPEN", version: input.expectedVersion },
      data: {
        status,
        actedById: actor.userId,
        actedAt: new Date(),
        note: input.action === "DISMISS" ? input.note : "已发起动态核查",
        version: { increment: 1 },
      },
    });
    if (count !== 1) throw alreadyActed("OPEN");
    await recordAudit(tx, actor, {
      action: input.action === "RECHECK" ? "warning.recheck" : "warning.dismiss",
      entityType: "hardship_warning",
      entityId: warning.id,
      organisationId: warning.file.organisationId,
      detail: input.action === "DISMISS" ? { note: input.note } : undefined,
    });
    return { fileId: warning.file.id };
  });
}
