"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { DialogForm } from "@/components/forms/dialog-form";
import { BankAccountDialog } from "@/components/ledger/ledger-buttons";
import { Button } from "@/components/ui/button";
import { closeReturnedLineAction, createReissueBatchAction } from "@/lib/payments/actions";
import { ZCloseReturnedInput } from "@/lib/payments/schemas";

/**
 * What a caseworker does with a payment the bank returned: correct the holder's own account (the
 * file's bank-account form, audited), then re-issue it in a new draft batch; or close it with a
 * reason. 重发 is offered only once the account differs from the one the bank returned.
 */
export function ReturnedActions({ line }: { line: { lineId: string; fileId: string; holderName: string; corrected: boolean; amount: string } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [key] = useState(() => crypto.randomUUID());
  return (
    <div className="flex flex-wrap items-start gap-2">
      <BankAccountDialog fileId={line.fileId} holderName={line.holderName} replacing />
      {line.corrected ? (
        <Button onClick={() => setOpen(true)}>重发</Button>
      ) : (
        <Button disabled title="请先更正本人银行账户">
          重发（须先更正账户）
        </Button>
      )}
      <DialogForm
        label="关闭"
        title="关闭退回的付款"
        description="关闭后不再重发，台账中的银行退回冲回保留。请写明原因。"
        buttonVariant="ghost"
        variant="danger"
        confirmLabel="确认关闭"
        schema={ZCloseReturnedInput}
        defaults={{ lineId: line.lineId, reason: "" }}
        fields={[{ name: "reason", label: "关闭原因", type: "textarea" }]}
        run={closeReturnedLineAction}
      />
      {open && (
        <div role="dialog" aria-label="退回重发？" aria-modal className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4">
          <div className="w-full max-w-md rounded-lg bg-white p-6 shadow-xl">
            <h2 className="text-base font-semibold">退回重发？</h2>
            <p className="mt-2 text-sm text-slate-600">
              将为{line.holderName}生成一个重发批次（草稿），金额 {line.amount}，发往更正后的本人账户。批次须提交并经其他审批人审批后入账。
            </p>
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
                    const result = await createReissueBatchAction({ lineIds: [line.lineId], idempotencyKey: key });
                    if (!result.ok) return setError(result.error);
                    router.push(`/batches/${(result.data as { batchId: string }).batchId}`);
                  })
                }
              >
                {pending ? "正在生成……" : "确认"}
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
