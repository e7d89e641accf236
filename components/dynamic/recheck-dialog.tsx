"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useForm, useWatch, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { recordRecheckAction } from "@/lib/dynamic/actions";
import { applyServerErrors } from "@/components/forms/server-errors";
import { IncomeExpenseEditor, type TMoneyFields } from "@/components/filing/income-expense-editor";
import { Button } from "@/components/ui/button";
import { Field, Input, inputClass, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { ZRecordRecheckInput } from "@/lib/dynamic/schemas";
import { EXIT_PATH_LABELS } from "@/lib/warnings/labels";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { CANCEL_REASON_LABELS, EXIT_REASON_LABELS, RECHECK_FINDING_LABELS, RECHECK_OUTCOME_LABELS } from "@/lib/filing/labels";

type TValues = z.input<typeof ZRecordRecheckInput>;

function Options({ labels }: { labels: Record<string, string> }) {
  return (
    <>
      <option value="">请选择</option>
      {Object.entries(labels).map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
    </>
  );
}

/** 动态核查: the visit, the household's current figures (starting from the last ones) and the conclusion. */
export function RecheckDialog({
  fileId,
  version,
  today,
  visitor,
  incomes,
  expenditures,
  currentTier,
}: {
  fileId: string;
  currentTier: keyof typeof TIER_LABELS | null;
  version: number;
  today: string;
  visitor: string;
  incomes: Array<{ source: string; monthlyYuan: string }>;
  expenditures: Array<{ kind: string; annualYuan: string; note: string }>;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<TValues>({
    resolver: zodResolver(ZRecordRecheckInput) as never,
    defaultValues: {
      fileId,
      expectedVersion: version,
      checkDate: today,
      visitors: visitor,
      outcome: "" as never,
      finding: "" as never,
      note: "",
      deviationReason: "",
      incomes: incomes.map((i) => ({ source: i.source, monthlyFen: i.monthlyYuan })) as never,
      expenditures: expenditures.map((x) => ({ kind: x.kind, annualFen: x.annualYuan, note: x.note })) as never,
    },
  });
  const outcome = useWatch({ control: form.control, name: "outcome" });
  const exitReason = useWatch({ control: form.control, name: "exitReason" });
  const errors = form.formState.errors as Record<string, unknown>;
  const err = (path: string) => {
    let node: unknown = errors;
    for (const part of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
    return (node as { message?: string } | undefined)?.message;
  };

  // eslint-disable-next-line react-hooks/refs -- handleSubmit only wraps the callback: the ref is read when the form is submitted, not while rendering
  const onSubmit = form.handleSubmit(async () => {
    const result = await recordRecheckAction({ ...form.getValues(), fileId, expectedVersion: version });
    if (!result.ok) {
      setError(applyServerErrors(result, form.setError));
      return;
    }
    dialog.current?.close();
    router.refresh();
  });

  return (
    <>
      <Button onClick={() => dialog.current?.showModal()}>录入核查</Button>
      <dialog ref={dialog} aria-label="录入核查" className="m-auto w-[calc(100%-1rem)] max-w-3xl rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <form onSubmit={onSubmit} className="space-y-4 p-6" noValidate>
          <h2 className="text-base font-semibold">录入动态核查</h2>
          {error && <Alert>{error}</Alert>}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="核查日期" htmlFor="recheck-date" error={err("checkDate")}>
              <Input id="recheck-date" type="date" {...form.register("checkDate")} />
            </Field>
            <Field label="核查人员" htmlFor="recheck-visitors" error={err("visitors")}>
              <Input id="recheck-visitors" {...form.register("visitors")} />
            </Field>
          </div>
          <IncomeExpenseEditor
            form={form as unknown as UseFormReturn<TMoneyFields>}
            errorAt={err}
            labelPrefix="核查"
            incomeTitle="当前月收入（元/月）"
            expenditureTitle="当前年刚性支出（元/年）"
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="核查结论" htmlFor="recheck-outcome" error={err("outcome")}>
              <Select id="recheck-outcome" {...form.register("outcome")}>
                <Options labels={RECHECK_OUTCOME_LABELS} />
              </Select>
            </Field>
            <Field label="核查发现" htmlFor="recheck-finding" error={err("finding")}>
              <Select id="recheck-finding" {...form.register("finding")}>
                <Options labels={RECHECK_FINDING_LABELS} />
              </Select>
            </Field>
            {outcome === "PROPOSE_TIER_CHANGE" && (
              <Field label="建议调整为" htmlFor="recheck-tier" error={err("proposedTier")}>
                <Select id="recheck-tier" {...form.register("proposedTier")}>
                  <Options labels={TIER_LABELS} />
                </Select>
              </Field>
            )}
            {outcome === "PROPOSE_EXIT" && (
              <Field label="退档原因" htmlFor="recheck-exit" error={err("exitReason")}>
                <Select id="recheck-exit" {...form.register("exitReason")}>
                  <Options labels={EXIT_REASON_LABELS} />
                </Select>
              </Field>
            )}
            {outcome === "PROPOSE_EXIT" && exitReason === "RESOLVED" && (
              <Field label="脱困主要路径" htmlFor="recheck-path" error={err("exitPath")}>
                <Select id="recheck-path" {...form.register("exitPath")}>
                  <Options labels={EXIT_PATH_LABELS} />
                </Select>
              </Field>
            )}
            {outcome === "PROPOSE_EXIT" && exitReason === "CANCELLED" && (
              <Field label="注销原因" htmlFor="recheck-cancel" error={err("cancelReason")}>
                <Select id="recheck-cancel" {...form.register("cancelReason")}>
                  <Options labels={CANCEL_REASON_LABELS} />
                </Select>
              </Field>
            )}
          </div>
          <Field
            label="核查情况 / 理由"
            htmlFor="recheck-note"
            error={err("note")}
            hint="必填：入户所见、收支有无变化；提出调整或退档时将作为申请理由交审批人审批"
          >
            <textarea id="recheck-note" rows={3} className={inputClass} {...form.register("note")} />
          </Field>
          <Field
            label="与系统建议不一致的理由"
            htmlFor="recheck-deviation"
            error={err("deviationReason")}
            hint={`现类别：${currentTier ? TIER_LABELS[currentTier] : "—"}。系统按本次录入的收支重新计算建议类别；结论与建议不一致时必填`}
          >
            <textarea id="recheck-deviation" rows={2} className={inputClass} {...form.register("deviationReason")} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              取消
            </Button>
            <Button type="submit" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? "正在保存……" : "确认录入"}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
