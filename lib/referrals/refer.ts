import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { canCloseReferral, canRefer, mayCloseReferral, mayRefer } from "./rules";
import type { TCloseReferralInput, TCreateReferralInput } from "./schemas";

// 部门转介: a need of the file's plan referred to another department (民政, 人社, 医保, 教育, 住建,
// other) with the date, the contact and a due date, followed until its outcome is recorded
// (办结 with what was granted, 不符合, 未办结). The referral follows its file (scope) and its
// measure must be one of the same file's.

export async function createReferral(actor: TActor, input: TCreateReferralInput) {
  enforce(mayRefer(actor));
  if (input.referredOn > todayInShanghai()) throw new DomainError("转介日期不能晚于今天。", "INVALID", { referredOn: "不能晚于今天" });
  const db = scopedDb(actor);
  const file = await db.householdFile.findUnique({ where: { id: input.fileId }, select: { id: true, status: true, organisationId: true } });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const allowed = canRefer(file);
  if (!allowed.ok) throw new DomainError(allowed.reason, allowed.code);
  return db.$transaction(async (tx) => {
    if (input.measureId) {
      const measure = await tx.planMeasure.findFirst({ where: { id: input.measureId, fileId: file.id }, select: { id: true } });
      if (!measure) throw new DomainError("所选帮扶措施不属于该档案。", "INVALID", { measureId: "请选择该档案的帮扶措施" });
    }
    const referral = await tx.referral.create({
      data: {
        fileId: file.id,
        measureId: input.measureId ?? null,
        department: input.department,
        item: input.item,
        referredOn: dateOnly(input.referredOn),
        contact: input.contact,
        dueDate: dateOnly(input.dueDate),
        createdById: actor.userId,
      },
      select: { id: true },
    });
    await recordAudit(tx, actor, {
      action: "referral.create",
      entityType: "referral",
      entityId: referral.id,
      organisationId: file.organisationId,
      detail: { department: input.department },
    });
    return referral;
  });
}

export async function closeReferral(actor: TActor, input: TCloseReferralInput) {
  enforce(mayCloseReferral(actor));
  if (input.outcomeOn > todayInShanghai()) throw new DomainError("办理结果日期不能晚于今天。", "INVALID", { outcomeOn: "不能晚于今天" });
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    const referral = await tx.referral.findUnique({
      where: { id: input.referralId },
      select: { id: true, outcome: true, version: true, referredOn: true, file: { select: { organisationId: true } } },
    });
    if (!referral) throw new NotFoundError("转介记录不存在，或不在您的管辖范围内。");
    const allowed = canCloseReferral(referral);
    if (!allowed.ok || referral.version !== input.expectedVersion) throw new ConflictError("该转介已被他人登记结果，请刷新页面查看。");
    if (dateOnly(input.outcomeOn) < referral.referredOn) throw new DomainError("办理结果日期不能早于转介日期。", "INVALID", { outcomeOn: "不能早于转介日期" });
    const { count } = await tx.referral.updateMany({
      where: { id: referral.id, outcome: null, version: input.expectedVersion },
      data: {
        outcome: input.outcome,
        outcomeNote: input.outcomeNote ?? null,
        outcomeOn: dateOnly(input.outcomeOn),
        closedById: actor.userId,
        closedAt: new Date(),
        version: { increment: 1 },
      },
    });
    if (count !== 1) throw new ConflictError("该转介已被他人登记结果，请刷新页面查看。");
    await recordAudit(tx, actor, {
      action: "referral.close",
      entityType: "referral",
      entityId: referral.id,
      organisationId: referral.file.organisationId,
      detail: { outcome: input.outcome },
    });
  });
}
