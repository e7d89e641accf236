"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { formatDateTime } from "@/lib/format/datetime";
import { queryApplicationAction } from "@/lib/public/actions";
import { ZApplicationQueryInput, type TApplicationQueryInput } from "@/lib/public/application-schemas";
import { PUBLIC_APPLICATION_STATUS_LABELS } from "@/lib/applications/labels";
import type { TApplicationProgress } from "@/lib/public/query-application";

// What each state means for the applicant, beside its name (PUBLIC_APPLICATION_STATUS_LABELS).
const STATUS_TEXT = {
  SUBMITTED: "工会尚未受理，请耐心等待。",
  ACCEPTED: "工会已受理您的申请，会联系您入户核实。",
  CONVERTED: "工会已为您家庭建立档案，正在审核。审定后会给您建档告知书。",
  DECLINED: "工会未受理您的申请，理由见下。如有疑问请致电工会。",
} as const;

/** 网上申请进度查询: application number and query code, the same no-enumeration rules as the self-query. */
export function ApplicationQueryForm() {
  const [message, setMessage] = useState<string | null>(null);
  const [progress, setProgress] = useState<TApplicationProgress | null>(null);
  const form = useForm<TApplicationQueryInput, unknown, TApplicationQueryInput>({
    resolver: zodResolver(ZApplicationQueryInput) as never,
    defaultValues: { number: "", code: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    setProgress(null);
    const result = await queryApplicationAction(values);
    if (!result.ok) {
      setMessage(applyServerErrors(result, form.setError));
      return;
    }
    if (!result.data.found) {
      setMessage(result.data.message);
      return;
    }
    form.reset({ number: "", code: "" });
    setProgress(result.data.application);
  });

  if (progress) {
    const meaning = STATUS_TEXT[progress.status];
    return (
      <div className="space-y-4">
        <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="application-progress" aria-labelledby="progress-title">
          <h3 id="progress-title" className="mb-2 text-lg font-semibold">
            申请进度
          </h3>
          <dl>
            {[
              ["申请编号", progress.number],
              ["所选工会", progress.unionName],
              ["提交时间", formatDateTime(new Date(progress.submittedAt))],
              ["办理状态", PUBLIC_APPLICATION_STATUS_LABELS[progress.status]],
              ...(progress.status === "CONVERTED" ? [["档案编号", progress.fileNumber ?? "审定建档后生成"]] : []),
              ...(progress.status === "DECLINED" ? [["不予受理的理由", progress.declineReason ?? ""]] : []),
            ].map(([label, value]) => (
              <div key={label} className="flex justify-between gap-4 border-b border-slate-100 py-2 last:border-0">
                <dt className="shrink-0 text-slate-600">{label}</dt>
                <dd className="text-right font-medium">{value}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-2 text-sm text-slate-700">{meaning}</p>
        </section>
        <button
          type="button"
          onClick={() => setProgress(null)}
          className="min-h-12 w-full rounded-md border border-slate-300 bg-white px-4 text-base font-medium"
        >
          退出查询
        </button>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" noValidate aria-label="网上申请进度查询">
      {message && <Alert>{message}</Alert>}
      <Field label="申请编号" htmlFor="a-number" error={errors.number?.message} hint="提交申请后页面上显示的 SQ 开头的编号">
        <Input
          id="a-number"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          className="min-h-12 text-base uppercase"
          aria-invalid={!!errors.number}
          {...form.register("number")}
        />
      </Field>
      <Field label="查询码" htmlFor="a-code" error={errors.code?.message} hint="10 位，如 7K4PX-M9QTA">
        <Input
          id="a-code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          className="min-h-12 text-base uppercase"
          aria-invalid={!!errors.code}
          {...form.register("code")}
        />
      </Field>
      <button
        type="submit"
        disabled={isSubmitting}
        className="min-h-12 w-full rounded-md bg-brand-700 px-4 text-base font-semibold text-white hover:bg-brand-800 disabled:bg-brand-700/50"
      >
        {isSubmitting ? "正在查询…" : "查询进度"}
      </button>
    </form>
  );
}
