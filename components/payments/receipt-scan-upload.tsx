"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type ChangeEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { ZUploadReceiptScanInput } from "@/lib/payments/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload, UPLOAD_PATHS } from "@/lib/uploads/post-upload";

const ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/** 上传签收表扫描件: the same route contract and size budget as evidence, checked before sending. */
export function ReceiptScanUpload({ batchId, limit }: { batchId: string; limit: TUploadLimit }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const [fileError, setFileError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);

  const onFileChange = (event: ChangeEvent<HTMLInputElement>) => {
    setFileError(fileTooLarge(event.currentTarget.files?.[0], limit));
    setMessage(null);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    const parsed = ZUploadReceiptScanInput.safeParse(formData);
    const problem = parsed.success
      ? fileTooLarge(parsed.data.file, limit)
      : (parsed.error.issues.find((i) => i.path[0] === "file")?.message ?? parsed.error.issues[0]?.message ?? "请选择签收表扫描件");
    if (problem) {
      setFileError(problem);
      setMessage(null);
      return;
    }
    setFileError(null);
    setMessage(null);
    startTransition(async () => {
      const result = await postUpload<{ id: string }>(UPLOAD_PATHS.receiptScan, formData, limit);
      if (!result.ok) {
        const field = result.fieldErrors?.file ?? null;
        setFileError(field);
        setMessage(field ? null : { tone: "error", text: result.error });
        return;
      }
      setMessage({ tone: "success", text: "签收表扫描件已上传。" });
      formRef.current?.reset();
      router.refresh();
    });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" noValidate>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <input type="hidden" name="batchId" value={batchId} />
      <Field label="签字后的签收表扫描件（PDF、JPG 或 PNG）" htmlFor="receipt-scan" error={fileError ?? undefined} hint={limit.hint}>
        <Input id="receipt-scan" name="file" type="file" accept={ACCEPT} onChange={onFileChange} aria-invalid={!!fileError} className="py-1.5" />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "正在上传……" : "上传扫描件"}
      </Button>
    </form>
  );
}
