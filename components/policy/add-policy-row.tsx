"use client";

import { addPolicyRowAction } from "@/lib/policy/actions";
import { DialogForm, type TFieldSpec } from "@/components/forms/dialog-form";
import { CAUSE_LABELS, FILE_LEVEL_LABELS } from "@/lib/labels/household-file";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { PARAMETER_SPECS, POLICY_KIND_LABELS, type TPolicyKind } from "@/lib/policy/catalogue";
import { ZAddAidPolicyInput, ZAddCauseRuleInput, ZAddDibaoInput, ZAddFundRuleInput, ZAddParameterInput } from "@/lib/policy/schemas";

const PERIOD: TFieldSpec[] = [
  { name: "effectiveFrom", label: "生效日期", type: "date", hint: "今天或以后；已执行的政策不能更改" },
  { name: "effectiveTo", label: "截止日期（不含，可不填）", type: "date", hint: "不填：一直执行到下一次调整" },
  { name: "note", label: "依据或说明", type: "textarea" },
];

const FIELDS: Record<TPolicyKind, TFieldSpec[]> = {
  DIBAO: [{ name: "monthlyFen", label: "城市低保标准（元/人·月）", type: "text", inputMode: "decimal" }, ...PERIOD],
  PARAMETER: [
    {
      name: "key",
      label: "参数",
      type: "select",
      options: Object.fromEntries(Object.entries(PARAMETER_SPECS).map(([k, s]) => [k, `${s.label}（${s.min}–${s.max}${s.unit ? ` ${s.unit}` : ""}）`])),
    },
    { name: "value", label: "数值", type: "text", inputMode: "decimal" },
    ...PERIOD,
  ],
  AID: [
    { name: "aidType", label: "救助类型", type: "select", options: AID_TYPE_LABELS },
    { name: "fileLevel", label: "档案级别（不选：适用于没有单独标准的各级）", type: "select", options: FILE_LEVEL_LABELS },
    { name: "standardAmountFen", label: "发放标准（元，可不填）", type: "text", inputMode: "decimal" },
    { name: "annualCapFen", label: "年度上限（元，不填为不限）", type: "text", inputMode: "decimal" },
    { name: "capPer", label: "上限口径", type: "select", options: { HOUSEHOLD: "每户每年", STUDENT: "每生每年" } },
    { name: "cash", label: "发放现金", type: "select", options: { true: "是", false: "否（服务类帮扶）" } },
    { name: "allowedInObservation", label: "渐退期内可享受", type: "select", options: { true: "是", false: "否" } },
    ...PERIOD,
  ],
  FUND: [
    { name: "fundSource", label: "资金来源", type: "select", options: FUND_SOURCE_LABELS },
    { name: "aidTypes", label: "只能用于以下救助", type: "checkboxes", options: AID_TYPE_LABELS },
    ...PERIOD,
  ],
  CAUSE: [
    { name: "cause", label: "致困原因", type: "select", options: CAUSE_LABELS },
    { name: "evidenceKinds", label: "提交时须上传（申请书、授权书总是必需）", type: "checkboxes", options: EVIDENCE_KIND_LABELS },
    ...PERIOD,
  ],
};

const SCHEMAS = { DIBAO: ZAddDibaoInput, PARAMETER: ZAddParameterInput, AID: ZAddAidPolicyInput, FUND: ZAddFundRuleInput, CAUSE: ZAddCauseRuleInput } as const;

const DEFAULTS: Record<TPolicyKind, Record<string, unknown>> = {
  DIBAO: { monthlyFen: "" },
  PARAMETER: { key: "", value: "" },
  AID: { aidType: "", fileLevel: "", standardAmountFen: "", annualCapFen: "", capPer: "HOUSEHOLD", cash: "true", allowedInObservation: "false" },
  FUND: { fundSource: "", aidTypes: [] },
  CAUSE: { cause: "", evidenceKinds: [] },
};

/** 新增: one dated row for the chosen region; the server cuts the current row and refuses overlaps. */
export function AddPolicyRow({ kind, regionCode, regionLabel, today }: { kind: TPolicyKind; regionCode: string; regionLabel: string; today: string }) {
  return (
    <DialogForm
      label={`新增${POLICY_KIND_LABELS[kind]}`}
      title={`新增${POLICY_KIND_LABELS[kind]}：${regionLabel}`}
      description="保存后从生效日期起执行；在此之前作出的决定保留当时所用的数值。此操作会记入审计日志。"
      fields={FIELDS[kind]}
      schema={SCHEMAS[kind] as never}
      defaults={{ kind, regionCode, effectiveFrom: today, effectiveTo: "", note: "", ...DEFAULTS[kind] }}
      confirmLabel="保存"
      buttonVariant="secondary"
      run={(values) => addPolicyRowAction(values as never)}
    />
  );
}
