import "server-only";
import { mayFollowUp, mayPlanAndPropose } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { addMonths, dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { canVisitAfterExit } from "@/lib/filing/rules";
import { policyValue } from "@/lib/policy/policy";
import { loadOpenFile } from "./changes";
import type { TAddMeasureInput, TRecordVisitInput, TSetPairingInput, TUpdateMeasureInput } from "./schemas";

// 结对帮扶 and 一户一计划: who is responsible for a household, every visit, and the plan of
// needs → measures → results. Visits continue through the observation period.

async function fileForFollowUp(actor: TActor, fileId: string, options: { closedExit?: boolean } = {}) {
  const file = await scopedDb(actor).householdFile.findUnique({
    where: { id: fileId },
    select: { id: true, status: true, organisationId: true, exitReason: true, organisation: { select: { regionCode: true } } },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  if (options.closedExit && canVisitAfterExit(file)) return file;
  if (file.status !== "OPEN" && file.status !== "OBSERVATION") throw new DomainError("只有在档或渐退期的档案可以登记。", "WRONG_STATUS");
  return file;
}

export async function recordVisit(actor: TActor, input: TRecordVisitInput) {
  enforce(mayFollowUp(actor));
  if (input.visitDate > todayInShanghai()) throw new DomainError("走访日期不能晚于今天。", "INVALID", { visitDate: "不能晚于今天" });
  const file = await fileForFollowUp(actor, input.fileId, { closedExit: true });
  const interval = await policyValue("CHECKIN_INTERVAL_MONTHS", file.organisation.regionCode, input.visitDate);
  return scopedDb(actor).$transaction(async (tx) => {
    const visit = await tx.visit.create({
      data: {
        fileId: file.id,
        visitDate: dateOnly(input.visitDate),
        visitors: input.visitors,
        findings: input.findings,
        recordedById: actor.userId,
        events: input.events ?? [],
        perCapitaMonthlyFen: input.perCapitaMonthlyFen ?? null,
      },
      select: { id: true },
    });
    // 脱困后回访: a visit answers the check-in due whose period it falls in (after the previous one was due).
    const dueBefore = dateOnly(addMonths(input.visitDate, interval));
    await tx.workItem.updateMany({
      where: { fileId: file.id, kind: "CHECKIN_DUE", status: "OPEN", dueDate: { lt: dueBefore } },
      data: { status: "DONE", completedAt: new Date(), completedById: actor.userId, note: `${input.visitDate} 走访` },
    });
    await recordAudit(tx, actor, { action: "file.visit", entityType: "household_file", entityId: file.id, organisationId: file.organisationId });
    return visit;
  });
}

export async function setPairing(actor: TActor, input: TSetPairingInput) {
  enforce(mayFollowUp(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const file = await loadOpenFile(tx, input.fileId, input.expectedVersion, ["OPEN", "OBSERVATION"]);
    // The cadre must be a caseworker or official of the actor's scope.
    const cadre = await tx.user.findUnique({ where: { id: input.responsibleCadreId }, select: { roles: true, active: true } });
    if (!cadre || !cadre.active || !cadre.roles.some((r) => r === "CASEWORKER" || r === "OFFICIAL")) {
      throw new DomainError("帮扶责任人须为本单位或下级单位在职的帮扶干部或审批人。", "INVALID", { responsibleCadreId: "请选择有效的帮扶责任人" });
    }
    const { count } = await tx.householdFile.updateMany({
      where: { id: file.id, version: file.version },
      data: {
        responsibleCadreId: input.responsibleCadreId,
        contactName: input.contactName,
        contactPhone: input.contactPhone,
        version: { increment: 1 },
        updatedAt: new Date(),
      },
    });
    if (count !== 1) throw new ConflictError();
    await recordAudit(tx, actor, { action: "file.pairing", entityType: "household_file", entityId: file.id, organisationId: file.organisationId });
  });
}

export async function addMeasure(actor: TActor, input: TAddMeasureInput) {
  enforce(mayPlanAndPropose(actor));
  const file = await fileForFollowUp(actor, input.fileId);
  return scopedDb(actor).$transaction(async (tx) => {
    const measure = await tx.planMeasure.create({
      data: {
        fileId: file.id,
        need: input.need,
        measure: input.measure,
        responsible: input.responsible,
        dueDate: dateOnly(input.dueDate),
        createdById: actor.userId,
      },
      select: { id: true },
    });
    await recordAudit(tx, actor, { action: "file.plan.add", entityType: "plan_measure", entityId: measure.id, organisationId: file.organisationId });
    return measure;
  });
}

export async function updateMeasure(actor: TActor, input: TUpdateMeasureInput) {
  enforce(mayPlanAndPropose(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const measure = await tx.planMeasure.findUnique({ where: { id: input.measureId }, include: { file: { select: { organisationId: true } } } });
    if (!measure) throw new NotFoundError("措施不存在，或不在您的管辖范围内。");
    const { count } = await tx.planMeasure.updateMany({
      where: { id: measure.id, version: input.expectedVersion },
      data: { status: input.status, outcome: input.outcome ?? null, version: { increment: 1 }, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError("该措施已被他人更新，请刷新页面后重试。");
    await recordAudit(tx, actor, {
      action: "file.plan.update",
      entityType: "plan_measure",
      entityId: measure.id,
      organisationId: measure.file.organisationId,
      detail: { status: input.status },
    });
  });
}
