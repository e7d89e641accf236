import "server-only";
import { mayCompleteWorkItems } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnlyString } from "@/lib/format/datetime";
import { canCompleteWorkItem } from "./find-work-items";
import { WORK_ITEM_LABELS } from "./labels";
import type { TCompleteWorkItemInput } from "./schemas";

/** 已同步: a caseworker confirms the paper file was brought in step with the electronic one. */
export async function completeWorkItem(actor: TActor, input: TCompleteWorkItemInput) {
  enforce(mayCompleteWorkItems(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const item = await tx.workItem.findUnique({ where: { id: input.itemId }, include: { file: { select: { organisationId: true } } } });
    if (!item) throw new NotFoundError("待办事项不存在，或不在您的管辖范围内。");
    if (!canCompleteWorkItem(item.kind)) {
      throw new DomainError(`“${WORK_ITEM_LABELS[item.kind]}”在办理相应业务后自动办结，不能手动标记。`, "NOT_MANUAL");
    }
    const { count } = await tx.workItem.updateMany({
      where: { id: item.id, status: "OPEN" },
      data: { status: "DONE", completedById: actor.userId, completedAt: new Date(), note: input.note ?? null },
    });
    if (count !== 1) throw new ConflictError("该事项已办结，请刷新页面。");
    await recordAudit(tx, actor, {
      action: "calendar.complete-item",
      entityType: "work_item",
      entityId: item.id,
      organisationId: item.file.organisationId,
      detail: { kind: item.kind, fileId: item.fileId, dueDate: dateOnlyString(item.dueDate), note: input.note ?? null },
    });
    return { itemId: item.id };
  });
}
