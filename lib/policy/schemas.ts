// The policy administration forms' schemas, used in the browser and by the server actions.
import { z } from "zod";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { CAUSE_LABELS, FILE_LEVEL_LABELS } from "@/lib/labels/household-file";
import { keysOf } from "@/lib/labels/keys-of";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { blankToUndefined, calendarDate, optionalCalendarDate, optionalText, optionalYuanToFen, yuanToFen } from "@/lib/forms/zod-fields";
import { PARAMETER_KEYS, PARAMETER_SPECS } from "./catalogue";

/** '' = national (全国); otherwise a 6-digit region code. */
const region = z.string().regex(/^(|[0-9]{6})$/, "请选择地区");
const yesNo = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean("请选择"));
/** A checkbox group posts one value as a string and several as an array; none as false. */
const checked = <T extends string>(keys: [T, ...T[]], message: string) =>
  z.preprocess((v) => (Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []), z.array(z.enum(keys)).min(1, message));

const period = {
  regionCode: region,
  effectiveFrom: calendarDate("请选择生效日期"),
  effectiveTo: optionalCalendarDate("请选择截止日期"),
  note: optionalText(200, "说明"),
};

const periodChecks = (v: { effectiveFrom: string; effectiveTo?: string }, ctx: z.RefinementCtx) => {
  if (v.effectiveTo && v.effectiveTo <= v.effectiveFrom) ctx.addIssue({ code: "custom", path: ["effectiveTo"], message: "截止日期须晚于生效日期" });
};

export const ZAddDibaoInput = z.object({ kind: z.literal("DIBAO"), monthlyFen: yuanToFen(), ...period }).superRefine((v, ctx) => {
  periodChecks(v, ctx);
  if (v.monthlyFen <= 0) ctx.addIssue({ code: "custom", path: ["monthlyFen"], message: "低保标准须大于 0" });
});

export const ZAddParameterInput = z
  .object({ kind: z.literal("PARAMETER"), key: z.enum(PARAMETER_KEYS as [string, ...string[]], "请选择参数"), value: z.coerce.number("请填写数值"), ...period })
  .superRefine((v, ctx) => {
    periodChecks(v, ctx);
    const spec = PARAMETER_SPECS[v.key as keyof typeof PARAMETER_SPECS];
    if (!spec) return;
    if (spec.integer && !Number.isInteger(v.value)) ctx.addIssue({ code: "custom", path: ["value"], message: `${spec.label}须为整数` });
    if (v.value < spec.min || v.value > spec.max)
      ctx.addIssue({ code: "custom", path: ["value"], message: `${spec.label}须在 ${spec.min} 到 ${spec.max} 之间` });
  });

export const ZAddAidPolicyInput = z
  .object({
    kind: z.literal("AID"),
    aidType: z.enum(keysOf(AID_TYPE_LABELS), "请选择救助类型"),
    // '' = every level without a row of its own.
    fileLevel: z.preprocess(blankToUndefined, z.enum(keysOf(FILE_LEVEL_LABELS)).optional()),
    standardAmountFen: optionalYuanToFen(),
    annualCapFen: optionalYuanToFen(),
    capPer: z.enum(["HOUSEHOLD", "STUDENT"], "请选择上限口径"),
    allowedInObservation: yesNo,
    cash: yesNo,
    ...period,
  })
  .superRefine((v, ctx) => {
    periodChecks(v, ctx);
    if (!v.cash && (v.standardAmountFen ?? 0) > 0) ctx.addIssue({ code: "custom", path: ["standardAmountFen"], message: "不发放现金的救助不能设置发放标准" });
    if (v.standardAmountFen !== undefined && v.annualCapFen !== undefined && v.standardAmountFen > v.annualCapFen) {
      ctx.addIssue({ code: "custom", path: ["standardAmountFen"], message: "发放标准不能高于年度上限" });
    }
  });

export const ZAddFundRuleInput = z
  .object({
    kind: z.literal("FUND"),
    fundSource: z.enum(keysOf(FUND_SOURCE_LABELS), "请选择资金来源"),
    aidTypes: checked(keysOf(AID_TYPE_LABELS), "请至少选择一种可支付的救助类型"),
    ...period,
  })
  .superRefine(periodChecks);

export const ZAddCauseRuleInput = z
  .object({
    kind: z.literal("CAUSE"),
    cause: z.enum(keysOf(CAUSE_LABELS), "请选择致困原因"),
    evidenceKinds: z.preprocess((v) => (Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []), z.array(z.enum(keysOf(EVIDENCE_KIND_LABELS)))),
    ...period,
  })
  .superRefine(periodChecks);

export const ZAddPolicyRowInput = z.union([ZAddDibaoInput, ZAddParameterInput, ZAddAidPolicyInput, ZAddFundRuleInput, ZAddCauseRuleInput]);
export type TAddPolicyRowInput = z.output<typeof ZAddPolicyRowInput>;
