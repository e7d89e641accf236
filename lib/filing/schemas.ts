// The filing form's schema, used by react-hook-form in the browser and by the server actions.
// One schema serves drafts and submissions: every value that is present must be valid (a
// mistyped ID number is flagged even in a draft), and `ZSubmitFilingData` adds the checks that
// everything required is there. Money is typed in yuan and leaves the schema as integer fen.
import { z } from "zod";
import { blankToUndefined, calendarDate, optionalCalendarDate, optionalChoice, optionalText, optionalYuanToFen, requiredText } from "@/lib/forms/zod-fields";
import { validateResidentId } from "@/lib/people/resident-id";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { keysOf } from "@/lib/labels/keys-of";
import {
  EDUCATION_LABELS,
  EMPLOYMENT_LABELS,
  EXPENDITURE_KIND_LABELS,
  HEALTH_LABELS,
  HOUSING_LABELS,
  INCOME_SOURCE_LABELS,
  RELATION_LABELS,
  SEX_LABELS,
} from "./labels";

const optionalYuan = optionalYuanToFen();

const optionalDate = optionalCalendarDate("日期格式应为 年-月-日");

export const ZMember = z
  .object({
    name: optionalText(40, "姓名"),
    relation: optionalChoice(RELATION_LABELS, "请选择与建档职工的关系"),
    residentId: z.preprocess(blankToUndefined, z.string().optional()),
    birthDate: optionalDate,
    sex: optionalChoice(SEX_LABELS, "请选择性别"),
    health: optionalChoice(HEALTH_LABELS, "请选择健康状况"),
    disabilityGrade: z.preprocess(
      blankToUndefined,
      z.coerce.number("残疾等级应为 1–4 级").int("残疾等级应为 1–4 级").min(1, "残疾等级应为 1–4 级").max(4, "残疾等级应为 1–4 级").optional(),
    ),
    education: optionalChoice(EDUCATION_LABELS, "请选择在学情况"),
    employment: optionalChoice(EMPLOYMENT_LABELS, "请选择就业状况"),
    livesInHousehold: z.boolean().default(true),
  })
  .transform((member, ctx) => {
    if (member.residentId === undefined) return member;
    const result = validateResidentId(member.residentId, { birthDate: member.birthDate, sex: member.sex });
    if (!result.ok) {
      ctx.addIssue({ code: "custom", path: ["residentId"], message: result.message });
      return z.NEVER;
    }
    return { ...member, residentId: result.id };
  });

export const ZIncome = z.object({
  source: optionalChoice(INCOME_SOURCE_LABELS, "请选择收入来源"),
  monthlyFen: optionalYuan,
});

export const ZExpenditure = z.object({
  kind: optionalChoice(EXPENDITURE_KIND_LABELS, "请选择支出类别"),
  annualFen: optionalYuan,
  note: optionalText(100, "说明"),
});

const causeKeys = keysOf(CAUSE_LABELS);

export const ZFilingData = z.object({
  organisationId: z.uuid("请选择建档单位"),
  fileLevel: optionalChoice(FILE_LEVEL_LABELS, "请选择档案级别"),
  workerCategory: optionalChoice(WORKER_CATEGORY_LABELS, "请选择职工类别"),
  housing: optionalChoice(HOUSING_LABELS, "请选择住房情况"),
  holderUnionMember: z.boolean().default(false),
  /** members[0] is the file holder (建档职工). */
  members: z.array(ZMember).min(1, "至少填写建档职工本人").max(15, "家庭成员不能超过 15 人"),
  incomes: z.array(ZIncome).max(20, "收入项目不能超过 20 项"),
  expenditures: z.array(ZExpenditure).max(20, "支出项目不能超过 20 项"),
  suddenEvent: z.boolean().default(false),
  suddenEventNote: optionalText(200, "突发事件说明"),
  suddenEventLossFen: optionalYuan,
  mainCause: z.preprocess(blankToUndefined, z.enum(causeKeys, "请选择主要致困原因").optional()),
  secondaryCauses: z.array(z.enum(causeKeys, "请选择有效的致困原因")).max(3, "次要致困原因最多 3 项").default([]),
  needs: optionalText(1000, "困难需求"),
  proposedTier: optionalChoice(TIER_LABELS, "请选择建议困难类别"),
});

export type TFilingFormValues = z.input<typeof ZFilingData>;
export type TFilingData = z.output<typeof ZFilingData>;
export type TMemberData = z.output<typeof ZMember>;

/** Rules that hold for drafts too: they are about consistency, not completeness (also an online application's, lib/public). */
export function checkConsistency(data: TFilingData, ctx: z.RefinementCtx) {
  const seen = new Map<string, number>();
  data.members.forEach((member, index) => {
    if (index === 0 && member.relation && member.relation !== "SELF") {
      ctx.addIssue({ code: "custom", path: ["members", 0, "relation"], message: "第一位成员应为建档职工本人" });
    }
    if (index > 0 && member.relation === "SELF") {
      ctx.addIssue({ code: "custom", path: ["members", index, "relation"], message: "只有建档职工本人的关系为“本人”" });
    }
    if (member.residentId) {
      const first = seen.get(member.residentId);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["members", index, "residentId"], message: `与第 ${first + 1} 位成员的身份号码重复` });
      } else seen.set(member.residentId, index);
    }
    if (member.health === "DISABLED" && member.disabilityGrade === undefined) {
      ctx.addIssue({ code: "custom", path: ["members", index, "disabilityGrade"], message: "残疾人员请填写残疾等级" });
    }
  });
  if (data.mainCause && data.secondaryCauses.includes(data.mainCause)) {
    ctx.addIssue({ code: "custom", path: ["secondaryCauses"], message: "次要原因不能与主要原因相同" });
  }
  if (new Set(data.secondaryCauses).size !== data.secondaryCauses.length) {
    ctx.addIssue({ code: "custom", path: ["secondaryCauses"], message: "次要原因不能重复" });
  }
}

const REQUIRED_MEMBER_FIELDS = [
  ["name", "请填写姓名"],
  ["relation", "请选择关系"],
  ["residentId", "请填写公民身份号码"],
  ["birthDate", "请填写出生日期"],
  ["sex", "请选择性别"],
  ["health", "请选择健康状况"],
  ["education", "请选择在学情况"],
  ["employment", "请选择就业状况"],
] as const;

/** Everything a submission needs, reported field by field. */
function checkComplete(data: TFilingData, ctx: z.RefinementCtx) {
  const require = (ok: unknown, path: (string | number)[], message: string) => {
    if (ok === undefined || ok === null) ctx.addIssue({ code: "custom", path, message });
  };
  require(data.fileLevel, ["fileLevel"], "请选择档案级别");
  require(data.workerCategory, ["workerCategory"], "请选择职工类别");
  require(data.housing, ["housing"], "请选择住房情况");
  require(data.mainCause, ["mainCause"], "请选择主要致困原因");
  require(data.proposedTier, ["proposedTier"], "请选择建议困难类别");
  data.members.forEach((member, index) => {
    for (const [field, message] of REQUIRED_MEMBER_FIELDS) require(member[field], ["members", index, field], message);
  });
  if (!data.holderUnionMember) {
    ctx.addIssue({ code: "custom", path: ["holderUnionMember"], message: "建档职工须为工会会员" });
  }
  if (!data.members.some((m) => m.livesInHousehold)) {
    ctx.addIssue({ code: "custom", path: ["members", 0, "livesInHousehold"], message: "至少一人在户内共同生活" });
  }
  data.incomes.forEach((income, index) => {
    require(income.source, ["incomes", index, "source"], "请选择收入来源");
    require(income.monthlyFen, ["incomes", index, "monthlyFen"], "请填写月收入金额");
  });
  data.expenditures.forEach((item, index) => {
    require(item.kind, ["expenditures", index, "kind"], "请选择支出类别");
    require(item.annualFen, ["expenditures", index, "annualFen"], "请填写年支出金额");
  });
  if (data.suddenEvent) {
    require(data.suddenEventNote, ["suddenEventNote"], "请说明突发事件");
    require(data.suddenEventLossFen, ["suddenEventLossFen"], "请填写突发事件造成的损失或支出");
  }
}

/** A draft is somebody's: an empty form saved would be a blank draft nobody can find again (issue 26). */
function checkDraftMinimum(data: TFilingData, ctx: z.RefinementCtx) {
  const holder = data.members[0];
  if (holder && !holder.name && !holder.residentId) {
    ctx.addIssue({ code: "custom", path: ["members", 0, "name"], message: "保存草稿前请至少填写建档职工的姓名或公民身份号码" });
  }
}

export const ZDraftFilingData = ZFilingData.superRefine(checkConsistency).superRefine(checkDraftMinimum);
export const ZSubmitFilingData = ZFilingData.superRefine(checkConsistency).superRefine(checkComplete);

export const ZSaveDraftInput = z.object({
  fileId: z.uuid().optional(),
  /**
   * One per intake form instance (the form makes it when it opens): every save of a new draft from
   * that form names it, so a double click or a retry makes one draft. Scripts and seeds that save
   * drafts in code may leave it out; each such save is then a new draft.
   */
  idempotencyKey: z.uuid("提交标识无效，请刷新页面后重试").optional(),
  expectedVersion: z.number().int().optional(),
  data: ZDraftFilingData,
});
export type TSaveDraftInput = z.output<typeof ZSaveDraftInput>;

/** A filing is submitted from its saved draft: the evidence is attached to the draft first. */
export const ZSubmitFilingInput = z.object({
  fileId: z.uuid("请先保存草稿并上传证明材料，再提交"),
  expectedVersion: z.number().int(),
  data: ZSubmitFilingData,
});
export type TSubmitFilingInput = z.output<typeof ZSubmitFilingInput>;

const ZFileRef = { fileId: z.uuid("档案不存在"), expectedVersion: z.number().int() };
const ZPastDate = (message: string) => calendarDate(message);

export const ZReviewFilingInput = z.object({
  ...ZFileRef,
  homeVisitDate: ZPastDate("请填写入户核查日期"),
  note: optionalText(500, "初审意见"),
});
export const ZStartPublicityInput = z.object({ ...ZFileRef, startDate: ZPastDate("请填写公示开始日期") });
export const ZRecordObjectionInput = z.object({
  ...ZFileRef,
  receivedOn: ZPastDate("请填写收到异议的日期"),
  content: requiredText(1, 1000, "异议内容"),
  handling: optionalText(1000, "处理情况"),
});
export const ZResolveObjectionInput = z.object({
  ...ZFileRef,
  objectionId: z.uuid("异议不存在"),
  resolution: z.string().trim().min(1, "请填写处理结果").max(1000, "处理结果不能超过 1000 字"),
});
export const ZRecordCivilCheckInput = z.object({
  ...ZFileRef,
  checkDate: ZPastDate("请填写核对日期"),
  result: z.enum(["CONSISTENT", "INCONSISTENT"], "请选择核对结果"),
  note: optionalText(500, "核对说明"),
  /** The comparison run (民政比对) whose roster covered the household, if the check cites one. */
  comparisonRunId: z.preprocess((v) => (v === "" ? undefined : v), z.uuid("所选民政比对记录不存在").optional()),
});
export const ZApproveFilingInput = z.object({
  ...ZFileRef,
  tier: z.enum(keysOf(TIER_LABELS), "请选择审定的困难类别"),
  note: optionalText(500, "审定意见"),
});
export const ZRejectFilingInput = z.object({
  ...ZFileRef,
  reason: requiredText(2, 500, "退回原因"),
});
export const ZFileActionInput = z.object(ZFileRef);

export type TReviewFilingInput = z.output<typeof ZReviewFilingInput>;
export type TStartPublicityInput = z.output<typeof ZStartPublicityInput>;
export type TRecordObjectionInput = z.output<typeof ZRecordObjectionInput>;
export type TResolveObjectionInput = z.output<typeof ZResolveObjectionInput>;
export type TRecordCivilCheckInput = z.output<typeof ZRecordCivilCheckInput>;
export type TApproveFilingInput = z.output<typeof ZApproveFilingInput>;
export type TRejectFilingInput = z.output<typeof ZRejectFilingInput>;
export type TFileActionInput = z.output<typeof ZFileActionInput>;
