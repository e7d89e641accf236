import "server-only";
import { mayResolveCallbackProblems } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import type { TResolveCallbackProblemInput } from "./schemas";

/** 核查办结: the auditor closes a call-back problem with what they found (audited). */
export async function resolveCallbackProblem(actor: TActor, input: TResolveCallbackProblemInput) {
  enforce(mayResolveCallbackProblems(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const item = await tx.workItem.findUnique({
      where: { id: input.itemId },
      select: { id: true, kind: true, fileId: true, sourceKey: true, file: { select: { organisationId: true } } },
    });
    if (!item || item.kind !== "CALLBACK_PROBLEM") throw new NotFoundError("待核查事项不存在，或不在您的管辖范围内。");
    const { count } = await tx.workItem.updateMany({
      where: { id: item.id, status: "OPEN" },
      data: { status: "DONE", completedById: actor.userId, completedAt: new Date(), note: input.note },
    });
    if (count !== 1) throw new ConflictError("该事项已由他人办结，请刷新页面。");
    await recordAudit(tx, actor, {
      action: "payments.resolve-callback-problem",
      entityType: "work_item",
      entityId: item.id,
      organisationId: item.file.organisationId,
      detail: { callId: item.sourceKey, fileId: item.fileId, note: input.note },
    });
    return { itemId: item.id };
  });
}
