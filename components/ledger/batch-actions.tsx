"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { adjustLineAction, approveBatchAction, rejectBatchAction, removeLineAction, restoreLineAction, submitBatchAction } from "@/lib/ledger/actions";
import { Button } from "@/components/ui/button";
import type { TActionResult } from "@/lib/actions/result";
import type { PaymentMethod } from "@/lib/generated/prisma/enums";
import { ZAdjustLineInput, ZRejectBatchInput, ZRemoveLineInput } from "@/lib/ledger/schemas";
import { DialogForm } from "@/components/forms/dialog-form";

/**
 * A confirmation dialog for a batch step. While the step runs (approving 10,000 lines takes about
 * a second) the dialog says so and shows how many lines are being processed.
 */
function ConfirmStep({
  label,
  title,
  message,
  lines,
  run,
  variant = "primary",
}: {
  label: string;
  title: string;
  message: string;
  lines: number;
  run: () => Promise<TActionResult<unknown>>;
  variant?: "primary" | "secondary";
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)}>
        {label}
      </Button>
      {open && (
        <div role="dialog" aria-label={title} aria-modal className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40">
          <div className="w-full max-w-md rounded-lg bg-white p-6 shadow-xl">
            <h2 className="text-base font-semibold">{title}</h2>
            <p className="mt-2 text-sm text-slate-600">{message}</p>
            {pending && (
              <p role="status" className="mt-3 flex items-center gap-2 text-sm text-slate-700">
                <span className="inline-block size-4 animate-spin rounded-full border-2 border-brand-700 border-t-transparent" aria-hidden />
                正在处理 {lines.toLocaleString("zh-CN")} 条名单……
              </p>
            )}
            {error && (
              <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
                {error}
              </p>
            )}
            <div className="mt-6 flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
                取消
              </Button>
              <Button
                disabled={pending}
                onClick={() =>
                  start(async () => {
                    const result = await run();
                    if (!result.ok) return setError(result.error);
                    setError(null);
                    setOpen(false);
                    router.refresh();
                  })
                }
              >
                {pending ? "处理中……" : "确认"}
              </Button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}

/** `allowed` is what lib/ledger/rules.ts answers for this actor and batch (the page asks; approveBatch etc. enforce the same). */
export function BatchActions({
  batch,
  allowed,
}: {
  batch: { id: string; name: string; summary: string; version: number; includedLines: number; total: string; method?: PaymentMethod };
  allowed: { submit: boolean; approve: boolean; reject: boolean; refusal: string | null };
}) {
  const ref = { batchId: batch.id, expectedVersion: batch.version };
  const steps: React.ReactNode[] = [];
  if (allowed.submit) {
    steps.push(
      <ConfirmStep
        key="submit"
        label="提交审批"
        title="提交批次审批？"
        lines={batch.includedLines}
        message={`名单 ${batch.includedLines} 条，合计 ${batch.total}。提交后不能再修改名单，除非审批人退回。`}
        run={() => submitBatchAction(ref)}
      />,
    );
  }
  if (allowed.approve) {
    steps.push(
      <ConfirmStep
        key="approve"
        label="审批通过"
        title="审批通过并入账？"
        lines={batch.includedLines}
        message={`批次“${batch.name}”（${batch.summary}）：将为 ${batch.includedLines} 条名单写入台账，合计 ${batch.total}。入账后不能修改或删除，错误只能逐笔冲正。`}
        run={() => approveBatchAction(ref)}
      />,
    );
  }
  if (allowed.reject) {
    steps.push(
      <DialogForm
        key="reject"
        label="退回"
        title="退回批次"
        buttonVariant="secondary"
        variant="danger"
        confirmLabel="确认退回"
        schema={ZRejectBatchInput}
        defaults={{ ...ref, reason: "" }}
        fields={[{ name: "reason", label: "退回原因", type: "textarea" }]}
        run={(v) => rejectBatchAction({ ...v, ...ref })}
      />,
    );
  }
  if (allowed.refusal)
    steps.push(
      <p key="own" className="text-sm text-slate-600">
        {allowed.refusal}
      </p>,
    );
  return steps.length ? <div className="flex flex-wrap items-center gap-2">{steps}</div> : null;
}

export function LineActions({
  batchRef,
  line,
}: {
  batchRef: { batchId: string; expectedVersion: number };
  line: { id: string; removed: boolean; amount: string };
}) {
  if (line.removed) {
    return <RestoreButton batchRef={batchRef} lineId={line.id} />;
  }
  return (
    <div className="flex gap-1">
      <DialogForm
        label="调整"
        title="调整金额"
        buttonVariant="ghost"
        confirmLabel="确认调整"
        schema={ZAdjustLineInput}
        defaults={{ ...batchRef, lineId: line.id, amountFen: line.amount, reason: "" }}
        fields={[
          { name: "amountFen", label: "调整后金额（元）", type: "text", inputMode: "decimal" },
          { name: "reason", label: "调整原因", type: "textarea" },
        ]}
        run={(v) => adjustLineAction({ ...v, ...batchRef })}
      />
      <DialogForm
        label="移出"
        title="移出名单"
        buttonVariant="ghost"
        variant="danger"
        confirmLabel="确认移出"
        schema={ZRemoveLineInput}
        defaults={{ ...batchRef, lineId: line.id, reason: "" }}
        fields={[{ name: "reason", label: "移出原因", type: "textarea" }]}
        run={(v) => removeLineAction({ ...v, ...batchRef })}
      />
    </div>
  );
}

function RestoreButton({ batchRef, lineId }: { batchRef: { batchId: string; expectedVersion: number }; lineId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="ghost"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await restoreLineAction({ ...batchRef, lineId });
            if (!result.ok) return setError(result.error);
            router.refresh();
          })
        }
      >
        恢复
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </span>
  );
}
