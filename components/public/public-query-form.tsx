"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { publicQueryAction } from "@/lib/public/actions";
import type { TOwnFileView } from "@/lib/public/query-own-file";
import { ZPublicQueryInput, type TPublicQueryInput } from "@/lib/public/schemas";
import { OwnFileView } from "./own-file-view";

export function PublicQueryForm() {
  const [message, setMessage] = useState<string | null>(null);
  const [file, setFile] = useState<TOwnFileView | null>(null);
  const form = useForm<TPublicQueryInput, unknown, TPublicQueryInput>({
    // Checked in the browser for format only; the answer about the file comes from the server.
    resolver: zodResolver(ZPublicQueryInput) as never,
    defaultValues: { name: "", residentId: "", code: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    setFile(null);
    const result = await publicQueryAction(values);
    if (!result.ok) {
      setMessage(applyServerErrors(result, form.setError));
      return;
    }
    if (!result.data.found) {
      setMessage(result.data.message);
      return;
    }
    // The code is not kept in the page once it has been used.
    form.reset({ name: "", residentId: "", code: "" });
    setFile(result.data.file);
  });

  if (file) {
    return (
      <div className="space-y-4">
        <OwnFileView file={file} />
        <button type="button" onClick={() => setFile(null)} className="min-h-12 w-full rounded-md border border-slate-300 bg-white px-4 text-base font-medium">
          退出查询
        </button>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" noValidate>
      {message && <Alert>{message}</Alert>}
      <Field label="姓名" htmlFor="q-name" error={errors.name?.message}>
        <Input id="q-name" autoComplete="name" className="min-h-12 text-base" aria-invalid={!!errors.name} {...form.register("name")} />
      </Field>
      <Field label="身份证号码" htmlFor="q-id" error={errors.residentId?.message}>
        <Input id="q-id" autoComplete="off" className="min-h-12 text-base" aria-invalid={!!errors.residentId} {...form.register("residentId")} />
      </Field>
      <Field label="查询码" htmlFor="q-code" error={errors.code?.message} hint="见建档告知书，10 位，如 7K4PX-M9QTA">
        <Input
          id="q-code"
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
        {isSubmitting ? "正在查询…" : "查询"}
      </button>
    </form>
  );
}
