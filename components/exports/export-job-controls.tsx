"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { buttonClass, type TButtonVariant } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { cancelExportAction, requestExportAction } from "@/lib/exports/actions";
import type { ExportJobKind } from "@/lib/generated/prisma/enums";

/** 后台导出: asks for the export with the page's filters, then opens 我的导出 with the new job highlighted. */
export function BackgroundExportButton({
  kind,
  format,
  full = false,
  params,
  label,
  variant = "secondary",
}: {
  kind: ExportJobKind;
  format: "xlsx" | "csv";
  full?: boolean;
  params: Record<string, string>;
  label: string;
  variant?: TButtonVariant;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await requestExportAction({ kind, format, full, params });
          if (!result.ok) {
            setError(result.error);
            return;
          }
          router.push(`/exports?job=${result.data.jobId}`);
        });
      }}
    >
      <button type="submit" disabled={pending} className={buttonClass(variant)}>
        {pending ? "正在提交……" : label}
      </button>
      {error && (
        <p role="alert" className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}

/** While an export is queued or running, the page reloads its figures every 2 s. */
export function ExportsAutoRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(timer);
  }, [active, router]);
  return null;
}

export function CancelExportButton({ jobId, what }: { jobId: string; what: string }) {
  return (
    <ConfirmAction
      label="取消导出"
      title="停止这个导出？"
      message={`${what}将停止写入，已写入的部分会被删除。需要时可以重新导出。`}
      confirmLabel="停止导出"
      run={() => cancelExportAction({ jobId })}
    />
  );
}
