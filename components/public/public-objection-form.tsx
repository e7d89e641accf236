"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Field, Input, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { filePublicObjectionAction } from "@/lib/public/actions";
import type { TPublicObjectionReceipt } from "@/lib/public/file-public-objection";
import { PUBLIC_OBJECTION_LIMITS } from "@/lib/public/limits";
import { ZPublicObjectionInput, type TPublicObjectionInput } from "@/lib/public/schemas";

const big = "min-h-12 w-full rounded-md px-4 text-base font-semibold";

/** 提出异议 on one file of the public notice: written, checked, confirmed, then filed once. */
export function PublicObjectionForm({ token }: { token: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [receipt, setReceipt] = useState<TPublicObjectionReceipt | null>(null);
  const form = useForm<TPublicObjectionInput, unknown, TPublicObjectionInput>({
    resolver: zodResolver(ZPublicObjectionInput) as never,
    defaultValues: { token, content: "", name: "", contact: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const content = form.watch("content") ?? "";

  const submit = form.handleSubmit(async (values) => {
    setMessage(null);
    const result = await filePublicObjectionAction(values);
    setConfirming(false);
    if (!result.ok) {
      setMessage(applyServerErrors(result, form.setError));
      return;
    }
    setReceipt(result.data);
  });

  if (receipt) {
    return (
      <div role="status" className="space-y-2 rounded-lg border border-green-200 bg-green-50 p-4 text-base text-green-900" data-testid="objection-receipt">
        <p className="font-semibold">异议已提交（{receipt.receivedOn}）。</p>
        <p>工会将在审定前核实处理，处理之前不会审定该户建档。{receipt.named ? "" : "您选择了匿名提交。"}留有联系方式的，工会核实后会与您联系。</p>
      </div>
    );
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (confirming) return void submit();
        // Checked before the confirmation, so it confirms what will be filed.
        void form.trigger().then((ok) => ok && setConfirming(true));
      }}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      noValidate
    >
      {message && <Alert>{message}</Alert>}
      <input type="hidden" {...form.register("token")} />
      <Field
        label="异议内容"
        htmlFor="o-content"
        error={errors.content?.message}
        hint={`请写明您了解的事实（如收入、财产、家庭情况），${content.length}/${PUBLIC_OBJECTION_LIMITS.contentChars} 字`}
      >
        <textarea
          id="o-content"
          rows={6}
          maxLength={PUBLIC_OBJECTION_LIMITS.contentChars}
          className={`${inputClass} text-base`}
          aria-invalid={!!errors.content}
          disabled={confirming}
          {...form.register("content")}
        />
      </Field>
      <Field label="您的姓名（选填）" htmlFor="o-name" error={errors.name?.message} hint="不填即为匿名提交">
        <Input
          id="o-name"
          autoComplete="name"
          maxLength={PUBLIC_OBJECTION_LIMITS.nameChars}
          className="min-h-12 text-base"
          aria-invalid={!!errors.name}
          disabled={confirming}
          {...form.register("name")}
        />
      </Field>
      <Field label="联系方式（选填）" htmlFor="o-contact" error={errors.contact?.message} hint="电话等，需要答复时填写；只有工会工作人员能看到">
        <Input
          id="o-contact"
          autoComplete="tel"
          maxLength={PUBLIC_OBJECTION_LIMITS.contactChars}
          className="min-h-12 text-base"
          aria-invalid={!!errors.contact}
          disabled={confirming}
          {...form.register("contact")}
        />
      </Field>
      {confirming ? (
        <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3" data-testid="objection-confirm">
          <p className="text-base text-amber-900">
            确认提交这条异议？提交后不能修改或撤回。{form.getValues("name") ? `将以“${form.getValues("name")}”实名提交。` : "将匿名提交。"}
          </p>
          <button type="submit" disabled={isSubmitting} className={`${big} bg-brand-700 text-white hover:bg-brand-800 disabled:bg-brand-700/50`}>
            {isSubmitting ? "正在提交…" : "确认提交"}
          </button>
          <button
            type="button"
            disabled={isSubmitting}
            onClick={() => setConfirming(false)}
            className={`${big} border border-slate-300 bg-white text-slate-900`}
          >
            返回修改
          </button>
        </div>
      ) : (
        <button type="submit" className={`${big} bg-brand-700 text-white hover:bg-brand-800`}>
          提交异议
        </button>
      )}
    </form>
  );
}
