"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { useForm, type FieldValues, type Path } from "react-hook-form";
import type { z } from "zod";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button, type TButtonVariant } from "@/components/ui/button";
import { Field, Input, inputClass, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import type { TActionResult } from "@/lib/actions/result";

export type TFieldSpec = {
  name: string;
  label: string;
  type: "date" | "text" | "textarea" | "select" | "checkboxes";
  options?: Record<string, string>;
  hint?: string;
  inputMode?: "decimal";
};

/**
 * A button that opens a small form in a dialog — validated in the browser with the action's own
 * schema — and runs the action when confirmed. Used for every workflow step, decision and other
 * irreversible or reasoned step.
 */
export function DialogForm<T extends FieldValues>({
  label,
  title,
  description,
  fields,
  schema,
  defaults,
  fixed,
  confirmLabel,
  variant = "primary",
  buttonVariant,
  run,
  onDone,
  idempotent = false,
}: {
  /** The button's text; the dialog's title when not given. */
  label?: string;
  title: string;
  description?: string;
  fields: TFieldSpec[];
  schema: z.ZodType<unknown, T>;
  defaults: T;
  /** Values sent as the page now shows them (ids, the record's current version), over what the form started with. */
  fixed?: Record<string, unknown>;
  confirmLabel: string;
  variant?: TButtonVariant;
  buttonVariant?: TButtonVariant;
  run: (values: T) => Promise<TActionResult<unknown>>;
  onDone?: (data: unknown) => void;
  /**
   * The action takes an `idempotencyKey`: the dialog makes one when it first renders and sends it with
   * every try (a double click, a retry after a timeout), and makes a new one only after a success.
   */
  idempotent?: boolean;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  // Several dialogs on one page share field names: ids must differ for labels to find their fields.
  const idPrefix = useId();
  const [error, setError] = useState<string | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const form = useForm<T>({
    resolver: zodResolver(schema as never) as never,
    defaultValues: (idempotent ? { ...defaults, idempotencyKey } : defaults) as never,
  });
  const errors = form.formState.errors as Record<string, { message?: string } | undefined>;
  // One submission at a time: a second click in the same instant is dropped, not sent.
  const inFlight = useRef(false);

  // eslint-disable-next-line react-hooks/refs -- handleSubmit only wraps the callback: the ref is read when the form is submitted, not while rendering
  const onSubmit = form.handleSubmit(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    let result: TActionResult<unknown>;
    try {
      result = await run({ ...form.getValues(), ...fixed, ...(idempotent ? { idempotencyKey } : {}) });
    } finally {
      inFlight.current = false;
    }
    if (!result.ok) {
      setError(applyServerErrors(result, form.setError));
      return;
    }
    if (idempotent) {
      const next = crypto.randomUUID();
      setIdempotencyKey(next);
      form.setValue("idempotencyKey" as Path<T>, next as never);
    }
    setError(null);
    dialog.current?.close();
    onDone?.(result.data);
    router.refresh();
  });

  return (
    <>
      <Button variant={buttonVariant ?? variant} onClick={() => dialog.current?.showModal()}>
        {label ?? title}
      </Button>
      <dialog ref={dialog} className="m-auto w-[calc(100%-1rem)] max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40" aria-label={title}>
        <form onSubmit={onSubmit} className="space-y-4 p-6" noValidate>
          <h2 className="text-base font-semibold">{title}</h2>
          {description && <p className="text-sm text-slate-600">{description}</p>}
          {error && <Alert>{error}</Alert>}
          {fields.map((f) => (
            <Field key={f.name} label={f.label} htmlFor={`${idPrefix}-${f.name}`} error={errors[f.name]?.message} hint={f.hint}>
              {f.type === "checkboxes" ? (
                <div id={`${idPrefix}-${f.name}`} className="flex flex-wrap gap-x-4 gap-y-2">
                  {Object.entries(f.options ?? {}).map(([value, label]) => (
                    <label key={value} className="flex items-center gap-1.5 text-sm">
                      <input type="checkbox" value={value} {...form.register(f.name as Path<T>)} />
                      {label}
                    </label>
                  ))}
                </div>
              ) : f.type === "textarea" ? (
                <textarea id={`${idPrefix}-${f.name}`} rows={3} className={inputClass} {...form.register(f.name as Path<T>)} />
              ) : f.type === "select" ? (
                <Select id={`${idPrefix}-${f.name}`} {...form.register(f.name as Path<T>)}>
                  <option value="">请选择</option>
                  {Object.entries(f.options ?? {}).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </Select>
              ) : (
                <Input id={`${idPrefix}-${f.name}`} type={f.type} inputMode={f.inputMode} {...form.register(f.name as Path<T>)} />
              )}
            </Field>
          ))}
          <div className="flex justify-end gap-2 pt-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              取消
            </Button>
            <Button type="submit" variant={variant === "danger" ? "danger" : "primary"} disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? "处理中……" : confirmLabel}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
