"use client";

import { useRef, useState, useTransition, type ChangeEvent, type FormEvent, type ReactNode } from "react";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { zodFieldErrors } from "@/lib/actions/result";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload } from "@/lib/uploads/post-upload";

/** What the page makes of the route's answer: a refusal or a success to show, or nothing (it moved on). */
export type TUploadAnswer = { error: string } | { success: string } | null;

/**
 * One file sent to an upload route (lib/actions/upload-route.ts), as the roster, the import and the
 * receipt scan do it: the limit stated beside the field and checked on selection and again before
 * sending (the route enforces it too, so this only spares sending 30 MB for nothing); the form
 * parsed with the route's own schema; the button disabled and saying so while the file is on its
 * way. A problem with the file is shown under the field; any other refusal, and a success, above
 * the form. After a success the form is emptied.
 */
export function FileUploadForm<T>({
  path,
  limit,
  schema,
  file,
  submit,
  hidden,
  className = "space-y-3",
  children,
  onCleared,
  onUploaded,
}: {
  path: string;
  limit: TUploadLimit;
  /** The route's schema over the FormData; its `file` message names what is missing. */
  schema: z.ZodType<{ file: File }>;
  file: { id: string; label: string; accept: string; className?: string };
  submit: { label: string; pending: string };
  hidden?: Record<string, string>;
  className?: string;
  /** Fields of the form before the file, or what the last answer showed (a table of problems). */
  children?: ReactNode;
  /** The file changed or is being sent again: what the last answer showed is stale. */
  onCleared?: () => void;
  onUploaded: (data: T) => TUploadAnswer;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const [fileError, setFileError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);

  const onFileChange = (event: ChangeEvent<HTMLInputElement>) => {
    setFileError(fileTooLarge(event.currentTarget.files?.[0], limit));
    setMessage(null);
    onCleared?.();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    setMessage(null);
    onCleared?.();
    const parsed = schema.safeParse(formData);
    const problem = parsed.success
      ? fileTooLarge(parsed.data.file, limit)
      : (zodFieldErrors(parsed.error).file ?? parsed.error.issues[0]?.message ?? "请选择文件");
    setFileError(problem);
    if (problem) return;
    startTransition(async () => {
      const result = await postUpload<T>(path, formData, limit);
      if (!result.ok) {
        const field = result.fieldErrors?.file ?? null;
        setFileError(field);
        setMessage(field ? null : { tone: "error", text: result.error });
        return;
      }
      const answer = onUploaded(result.data);
      if (answer && "error" in answer) setMessage({ tone: "error", text: answer.error });
      if (answer && "success" in answer) {
        setMessage({ tone: "success", text: answer.success });
        formRef.current?.reset();
      }
    });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} className={className} aria-busy={pending} noValidate>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <Field label={file.label} htmlFor={file.id} error={fileError ?? undefined} hint={limit.hint}>
        <Input id={file.id} name="file" type="file" accept={file.accept} onChange={onFileChange} aria-invalid={!!fileError} className={file.className} />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? submit.pending : submit.label}
      </Button>
    </form>
  );
}
