"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { recordDisbursementAction } from "@/lib/ledger/actions";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { Field, Input, inputClass, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { EDUCATION_LABELS } from "@/lib/filing/labels";
import type { AidType } from "@/lib/generated/prisma/enums";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { ZRecordDisbursementInput, type TRecordDisbursementFormValues } from "@/lib/ledger/schemas";
import { formatFen } from "@/lib/money/money";

type TPolicyHint = { aidType: AidType; standardAmountFen: number | null; annualCapFen: number | null; capPer: string; cash: boolean; specific: boolean };

export function DisbursementForm({
  fileId,
  today,
  students,
  policies,
  hasAccount,
}: {
  fileId: string;
  today: string;
  students: Array<{ index: number; name: string; education: string }>;
  policies: TPolicyHint[];
  hasAccount: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [askOverride, setAskOverride] = useState(false);
  const [askNotDuplicate, setAskNotDuplicate] = useState(false);
  // Made once per form: a double click, a retry after a timeout or a resubmission all send the same key.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const form = useForm<TRecordDisbursementFormValues>({
    resolver: zodResolver(ZRecordDisbursementInput) as never,
    defaultValues: {
      idempotencyKey,
      fileId,
      aidType: "" as never,
      fundSource: "" as never,
      amountFen: "",
      entryDate: today,
      purpose: "",
      evidence: "",
      studentIndex: "",
      overCapNote: "",
    },
  });
  const errors = form.formState.errors;
  const aidType = form.watch("aidType") as AidType | "";
  const policy = aidType ? policies.filter((p) => p.aidType === aidType).sort((a, b) => Number(b.specific) - Number(a.specific))[0] : undefined;

  // The action parses the raw form values with the same schema (handleSubmit would hand over its output).
  // One submission at a time with this form's key: a second click in the same instant is dropped.
  const inFlight = useRef(false);
  const onSubmit = form.handleSubmit(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    const result = await recordDisbursementAction(form.getValues() as never).finally(() => {
      inFlight.current = false;
    });
    if (!result.ok) {
      if (result.code === "OVER_CAP") setAskOverride(true);
      if (result.code === "POSSIBLE_DUPLICATE") setAskNotDuplicate(true);
      setError(applyServerErrors(result, form.setError));
      return;
    }
    router.push(`/ledger/disbursements/${result.data.disbursementId}?recorded=1`);
  });

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      {error && <Alert>{error}</Alert>}
      {!hasAccount && <Alert tone="info">该户尚未登记建档职工本人银行账户：现金救助须先在档案页登记账户；就业帮扶等不发放现金的可直接登记。</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="救助类型" htmlFor="aidType" error={errors.aidType?.message}>
          <Select id="aidType" {...form.register("aidType")}>
            <option value="">请选择</option>
            {Object.entries(AID_TYPE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="资金来源" htmlFor="fundSource" error={errors.fundSource?.message}>
          <Select id="fundSource" {...form.register("fundSource")}>
            <option value="">请选择</option>
            {Object.entries(FUND_SOURCE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="金额（元）"
          htmlFor="amountFen"
          error={errors.amountFen?.message}
          hint={
            policy
              ? [
                  policy.standardAmountFen !== null ? `标准 ${formatFen(policy.standardAmountFen)}` : null,
                  policy.annualCapFen !== null
                    ? `年度上限 ${formatFen(policy.annualCapFen)}（${policy.capPer === "STUDENT" ? "每生" : "每户"}）`
                    : "无年度上限",
                  policy.cash ? null : "可不发放现金，填 0",
                ]
                  .filter(Boolean)
                  .join("；")
              : "精确到分，例如 1234.56"
          }
        >
          <Input id="amountFen" inputMode="decimal" {...form.register("amountFen")} />
        </Field>
        <Field label="发放日期" htmlFor="entryDate" error={errors.entryDate?.message}>
          <Input id="entryDate" type="date" {...form.register("entryDate")} />
        </Field>
        {aidType === "EDUCATION" && (
          <Field
            label="受助学生"
            htmlFor="studentIndex"
            error={errors.studentIndex?.message}
            hint={students.length === 0 ? "该户没有在学成员，不能享受助学救助" : undefined}
          >
            <Select id="studentIndex" {...form.register("studentIndex")}>
              <option value="">请选择</option>
              {students.map((s) => (
                <option key={s.index} value={s.index}>
                  {s.name}（{EDUCATION_LABELS[s.education as keyof typeof EDUCATION_LABELS] ?? s.education}）
                </option>
              ))}
            </Select>
          </Field>
        )}
      </div>
      <Field label="用途" htmlFor="purpose" error={errors.purpose?.message}>
        <Input id="purpose" {...form.register("purpose")} />
      </Field>
      <Field label="凭证说明" htmlFor="evidence" error={errors.evidence?.message} hint="如医疗票据、录取通知书、事故证明的编号或说明（选填）">
        <textarea id="evidence" rows={2} className={inputClass} {...form.register("evidence")} />
      </Field>
      {askOverride && (
        <Field
          label="超限说明（申请审批人特批）"
          htmlFor="overCapNote"
          error={errors.overCapNote?.message}
          hint="超过年度上限的发放须由审批人填写特批理由后才能入账"
        >
          <textarea id="overCapNote" rows={2} className={inputClass} {...form.register("overCapNote")} />
        </Field>
      )}
      {askNotDuplicate && (
        <Field
          label="疑似重复发放"
          htmlFor="confirmNotDuplicate"
          error={errors.confirmNotDuplicate?.message}
          hint="近期已有同类型、同金额的发放；确认不是重复登记后再提交"
        >
          <label className="flex items-center gap-2 text-sm">
            <input id="confirmNotDuplicate" type="checkbox" {...form.register("confirmNotDuplicate")} />
            确认不是重复发放
          </label>
        </Field>
      )}
      <div className="flex justify-end">
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? "正在提交……" : "提交审批"}
        </Button>
      </div>
    </form>
  );
}
