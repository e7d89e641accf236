// Forms of dynamic management, shared by the browser and the server actions.
import { z } from "zod";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { keysOf } from "@/lib/labels/keys-of";
import {
  CANCEL_REASON_LABELS,
  EXIT_REASON_LABELS,
  EXPENDITURE_KIND_LABELS,
  INCOME_SOURCE_LABELS,
  MEASURE_STATUS_LABELS,
  RECHECK_FINDING_LABELS,
  RECHECK_OUTCOME_LABELS,
} from "@/lib/filing/labels";
import { calendarDate, optionalChoice, optionalText, optionalYuanToFen, requiredText, yuanToFen } from "@/lib/forms/zod-fields";
import { EXIT_PATH_LABELS, VISIT_EVENT_LABELS } from "@/lib/warnings/labels";

const text = (label: string, max: number) => requiredText(1, max, label);
const ZFileRef = { fileId: z.uuid("档案不存在"), expectedVersion: z.number().int() };
const tier = z.enum(keysOf(TIER_LABELS), "请选择困难类别");
const yuan = yuanToFen();

/** What an exit needs, whether proposed on its own or by a re-check. */
export function checkExit(value: { exitReason?: string; cancelReason?: string; exitPath?: string }, ctx: z.RefinementCtx) {
  if (!value.exitReason) ctx.addIssue({ code: "custom", path: ["exitReason"], message: "请选择退档原因" });
  // 脱困 names its main path (issue 25), for the province's "几个一批" table.
  if (value.exitReason === "RESOLVED" && !value.exitPath) ctx.addIssue({ code: "custom", path: ["exitPath"], message: "脱困退档须选择脱困主要路径" });
  if (value.exitReason === "CANCELLED" && !value.cancelReason) {
    ctx.addIssue({ code: "custom", path: ["cancelReason"], message: "注销须选择具体原因" });
  }
}

export const ZRecordRecheckInput = z
  .object({
    ...ZFileRef,
    checkDate: calendarDate("请填写核查日期"),
    visitors: text("核查人员", 100),
    incomes: z.array(z.object({ source: z.enum(keysOf(INCOME_SOURCE_LABELS), "请选择收入来源"), monthlyFen: yuan })).max(20, "收入项目不能超过 20 项"),
    expenditures: z
      .array(z.object({ kind: z.enum(keysOf(EXPENDITURE_KIND_LABELS), "请选择支出类别"), annualFen: yuan, note: optionalText(100, "说明") }))
      .max(20, "支出项目不能超过 20 项"),
    outcome: z.enum(keysOf(RECHECK_OUTCOME_LABELS), "请选择核查结论"),
    // No default: a re-check records what was found, so the caseworker chooses it (issue 26).
    finding: z.enum(keysOf(RECHECK_FINDING_LABELS), "请选择核查发现"),
    proposedTier: optionalChoice(TIER_LABELS, "请选择建议的困难类别"),
    exitReason: optionalChoice(EXIT_REASON_LABELS, "请选择退档原因"),
    cancelReason: optionalChoice(CANCEL_REASON_LABELS, "请选择注销原因"),
    exitPath: optionalChoice(EXIT_PATH_LABELS, "请选择脱困主要路径"),
    note: optionalText(1000, "核查情况"),
    /** Why the conclusion departs from the suggested tier; required then (lib/dynamic/recheck-rules.ts). */
    deviationReason: optionalText(1000, "不一致的理由"),
  })
  .superRefine((value, ctx) => {
    if (value.outcome === "PROPOSE_TIER_CHANGE" && !value.proposedTier) {
      ctx.addIssue({ code: "custom", path: ["proposedTier"], message: "请选择建议的困难类别" });
    }
    if (value.outcome === "PROPOSE_EXIT") checkExit(value, ctx);
    if (value.outcome !== "CONFIRM" && !value.note) {
      ctx.addIssue({ code: "custom", path: ["note"], message: "提出调整或退档时请写明理由" });
    }
    // The facts a 维持原类别 rests on are written down too: one click cannot record a formal re-check.
    if (value.outcome === "CONFIRM" && !value.note) {
      ctx.addIssue({ code: "custom", path: ["note"], message: "请填写核查情况（入户所见、收支有无变化）" });
    }
  });
export type TRecordRecheckInput = z.output<typeof ZRecordRecheckInput>;

export const ZRecordVisitInput = z.object({
  fileId: z.uuid("档案不存在"),
  visitDate: calendarDate("请填写走访日期"),
  visitors: text("走访人员", 100),
  findings: text("走访情况", 2000),
  // What the return-to-hardship rules read (issue 25): events found, and the income heard, if any.
  events: z.preprocess(
    (v) => (v === false || v === undefined || v === null ? [] : typeof v === "string" ? [v] : v),
    z.array(z.enum(keysOf(VISIT_EVENT_LABELS), "请选择走访发现的情况")).max(4, "请选择走访发现的情况"),
  ),
  perCapitaMonthlyFen: optionalYuanToFen(),
});
type TVisitOutput = z.output<typeof ZRecordVisitInput>;
/** Callers other than the form (the demo seed) may leave out what the rules read. */
export type TRecordVisitInput = Omit<TVisitOutput, "events" | "perCapitaMonthlyFen"> & Partial<Pick<TVisitOutput, "events" | "perCapitaMonthlyFen">>;

export const ZSetPairingInput = z.object({
  ...ZFileRef,
  responsibleCadreId: z.uuid("请选择帮扶责任人"),
  contactName: text("联系人", 40),
  contactPhone: z
    .string()
    .trim()
    .regex(/^[0-9+ -]{5,20}$/, "联系电话格式不正确"),
});
export type TSetPairingInput = z.output<typeof ZSetPairingInput>;

export const ZAddMeasureInput = z.object({
  fileId: z.uuid("档案不存在"),
  need: text("困难需求", 200),
  measure: text("帮扶措施", 500),
  responsible: text("责任部门或责任人", 100),
  dueDate: calendarDate("请填写完成时限"),
});
export type TAddMeasureInput = z.output<typeof ZAddMeasureInput>;

export const ZUpdateMeasureInput = z
  .object({
    measureId: z.uuid("措施不存在"),
    expectedVersion: z.number().int(),
    status: z.enum(keysOf(MEASURE_STATUS_LABELS), "请选择进展"),
    outcome: optionalText(1000, "落实情况"),
  })
  .superRefine((value, ctx) => {
    if (value.status === "DONE" && !value.outcome) ctx.addIssue({ code: "custom", path: ["outcome"], message: "已解决的措施请写明落实情况" });
  });
export type TUpdateMeasureInput = z.output<typeof ZUpdateMeasureInput>;

export const ZProposeTierChangeInput = z.object({ ...ZFileRef, proposedTier: tier, reason: text("调整理由", 1000) });
export type TProposeTierChangeInput = z.output<typeof ZProposeTierChangeInput>;

export const ZProposeExitInput = z
  .object({
    ...ZFileRef,
    exitReason: optionalChoice(EXIT_REASON_LABELS, "请选择退档原因"),
    cancelReason: optionalChoice(CANCEL_REASON_LABELS, "请选择注销原因"),
    exitPath: optionalChoice(EXIT_PATH_LABELS, "请选择脱困主要路径"),
    reason: text("退档理由", 1000),
  })
  .superRefine(checkExit);
export type TProposeExitInput = z.output<typeof ZProposeExitInput>;

export const ZProposeTransferInput = z.object({
  ...ZFileRef,
  targetOrganisationCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z-]{2,32}$/, "请填写接收单位的组织代码"),
  reason: text("转出理由", 1000),
});
export type TProposeTransferInput = z.output<typeof ZProposeTransferInput>;

export const ZDecideChangeInput = z
  .object({
    requestId: z.uuid("申请不存在"),
    expectedVersion: z.number().int(),
    approve: z.boolean(),
    comment: optionalText(1000, "审批意见"),
  })
  .superRefine((value, ctx) => {
    if (!value.approve && !value.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: "不批准时请写明理由" });
  });
export type TDecideChangeInput = z.output<typeof ZDecideChangeInput>;

export const ZEndObservationInput = z.object(ZFileRef);
export type TEndObservationInput = z.output<typeof ZEndObservationInput>;
