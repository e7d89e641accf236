"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { closeReferralAction, createReferralAction } from "@/lib/referrals/actions";
import { ZCloseReferralInput, ZCreateReferralInput } from "@/lib/referrals/schemas";
import { REFERRAL_DEPARTMENT_HINTS, REFERRAL_DEPARTMENT_LABELS, REFERRAL_OUTCOME_LABELS } from "@/lib/warnings/labels";

const departments = Object.fromEntries(
  Object.entries(REFERRAL_DEPARTMENT_LABELS).map(([k, label]) => [k, `${label}（${REFERRAL_DEPARTMENT_HINTS[k as keyof typeof REFERRAL_DEPARTMENT_HINTS]}）`]),
);

/** 转介到部门: from the file's plan, a need referred to another department with its contact and due date. */
export function CreateReferral({ fileId, today, measures }: { fileId: string; today: string; measures: Array<{ id: string; need: string }> }) {
  return (
    <DialogForm
      title="转介到部门"
      confirmLabel="确认转介"
      variant="secondary"
      schema={ZCreateReferralInput}
      fixed={{ fileId }}
      defaults={{ fileId, measureId: "", department: "" as never, item: "", referredOn: today, contact: "", dueDate: "" }}
      description="转介后请跟踪办理情况，到期未登记结果的将在工作台提示逾期。"
      fields={[
        ...(measures.length
          ? [
              {
                name: "measureId",
                label: "对应的帮扶措施（可不选）",
                type: "select" as const,
                options: Object.fromEntries(measures.map((m) => [m.id, m.need])),
              },
            ]
          : []),
        { name: "department", label: "转介部门", type: "select", options: departments },
        { name: "item", label: "转介事项", type: "text", hint: "如：申请公益性岗位、申请低保" },
        { name: "referredOn", label: "转介日期", type: "date" },
        { name: "contact", label: "对接人及联系方式", type: "text" },
        { name: "dueDate", label: "办结时限", type: "date" },
      ]}
      run={createReferralAction}
    />
  );
}

/** 登记结果: 办结 (with what was granted), 不符合 or 未办结. */
export function CloseReferral({ referralId, version, today }: { referralId: string; version: number; today: string }) {
  const ref = { referralId, expectedVersion: version };
  return (
    <DialogForm
      label="登记结果"
      title="登记转介办理结果"
      confirmLabel="确认登记"
      variant="secondary"
      buttonVariant="ghost"
      schema={ZCloseReferralInput}
      fixed={ref}
      defaults={{ ...ref, outcome: "" as never, outcomeOn: today, outcomeNote: "" }}
      description="登记后不能修改。办结请写明落实的政策或待遇（如：公益性岗位，月工资 2,000 元）。"
      fields={[
        { name: "outcome", label: "办理结果", type: "select", options: REFERRAL_OUTCOME_LABELS },
        { name: "outcomeOn", label: "结果日期", type: "date" },
        { name: "outcomeNote", label: "办理情况", type: "textarea" },
      ]}
      run={closeReferralAction}
    />
  );
}
