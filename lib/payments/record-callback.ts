import "server-only";
import { mayCallBack } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isRaisedBy } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { CALLBACK_OUTCOME_LABELS, PROBLEM_OUTCOMES } from "./labels";
import type { TRecordCallbackInput } from "./schemas";

// 登记回访: one call, recorded once, by someone who did not make, submit, approve or pay the batch
// (the trigger callback_call_check holds it as well). 未收到 and 金额不符 open an item for the
// auditor on the household's file (work_item CALLBACK_PROBLEM, keyed by the call).

export type TBatchPeople = { createdById: string; submittedById: string | null; approvedById: string | null; paidById: string | null };

/** Why this person may not call back this batch's households (null: they may). */
export function callbackCallerProblem(batch: TBatchPeople, actor: Pick<TActor, "userId">): string | null {
  const involved = [batch.createdById, batch.submittedById, batch.approvedById, batch.paidById].includes(actor.userId);
  return involved ? "您参与了该批次的编制、提交、审批或发放确认，不能回访其发放对象，请由未参与的人员回访。" : null;
}

export async function recordCallback(actor: TActor, input: TRecordCallbackInput) {
  enforce(mayCallBack(actor));
  const db = scopedDb(actor);
  try {
    return await db.$transaction(async (tx) => {
      const call = await tx.callbackCall.findUnique({
        where: { id: input.callId },
        select: {
          id: true,
          outcome: true,
          fileId: true,
          organisationId: true,
          batchLineId: true,
          batch: { select: { id: true, name: true, createdById: true, submittedById: true, approvedById: true, paidById: true } },
        },
      });
      if (!call) throw new NotFoundError("回访记录不存在，或不在您的管辖范围内。");
      const problem = callbackCallerProblem(call.batch, actor);
      if (problem) throw new DomainError(problem, "CALLER_INVOLVED");
      const note = input.note?.trim() || null;
      const { count } = await tx.callbackCall.updateMany({
        where: { id: call.id, outcome: null },
        data: { outcome: input.outcome, note, calledById: actor.userId, calledAt: new Date() },
      });
      if (count !== 1) throw new ConflictError("该户已由他人登记回访结果，请刷新页面。");
      let itemId: string | null = null;
      if (PROBLEM_OUTCOMES.includes(input.outcome)) {
        const item = await tx.workItem.create({
          data: { kind: "CALLBACK_PROBLEM", fileId: call.fileId, sourceKey: call.id, dueDate: dateOnly(todayInShanghai()) },
          select: { id: true },
        });
        itemId = item.id;
      }
      await recordAudit(tx, actor, {
        action: "payments.record-callback",
        entityType: "callback_call",
        entityId: call.id,
        organisationId: call.organisationId,
        detail: {
          batchId: call.batch.id,
          batchLineId: call.batchLineId,
          fileId: call.fileId,
          outcome: input.outcome,
          outcomeLabel: CALLBACK_OUTCOME_LABELS[input.outcome],
          note,
          workItemId: itemId,
        },
      });
      return { callId: call.id, workItemId: itemId };
    });
  } catch (error) {
    if (isRaisedBy(error, "callback_call_not_involved")) {
      throw new DomainError("您参与了该批次的编制、提交、审批或发放确认，不能回访其发放对象，请由未参与的人员回访。", "CALLER_INVOLVED");
    }
    throw error;
  }
}
