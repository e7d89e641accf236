"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import type { TActionResult } from "@/lib/actions/result";
import { Button, type TButtonVariant } from "./button";

/** A button that asks for confirmation in a dialog, runs a server action and shows its error. */
export function ConfirmAction({
  label,
  title,
  message,
  confirmLabel = "确认",
  variant = "secondary",
  run,
}: {
  label: string;
  title: string;
  message: string;
  confirmLabel?: string;
  variant?: TButtonVariant;
  run: () => Promise<TActionResult<unknown>>;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const confirm = () =>
    startTransition(async () => {
      const result = await run();
      if (!result.ok) {
        setError(result.error);
        return;
      }
      dialog.current?.close();
      setError(null);
      router.refresh();
    });

  return (
    <>
      <Button variant={variant} onClick={() => dialog.current?.showModal()}>
        {label}
      </Button>
      <dialog ref={dialog} className="m-auto w-[calc(100%-1rem)] max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="p-6">
          <h2 className="text-base font-semibold">{title}</h2>
          <p className="mt-2 text-sm text-slate-600">{message}</p>
          {error && (
            <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
              {error}
            </p>
          )}
          <div className="mt-6 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()} disabled={pending}>
              取消
            </Button>
            <Button variant={variant === "danger" ? "danger" : "primary"} onClick={confirm} disabled={pending}>
              {pending ? "处理中……" : confirmLabel}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
