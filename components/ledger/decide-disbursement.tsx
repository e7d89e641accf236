"use client";

import { approveDisbursementAction, rejectDisbursementAction } from "@/lib/ledger/actions";
import { ZApproveDisbursementInput, ZRejectDisbursementInput } from "@/lib/ledger/schemas";
import { DialogForm } from "@/components/forms/dialog-form";

/** Approve (with a written reason when over the cap) or send back, each behind a confirmation. */
export function DecideDisbursement({ disbursementId, overCap, summary }: { disbursementId: string; overCap: boolean; summary: string }) {
  return (
    <div className="flex flex-wrap gap-2">
      <DialogForm
        label="审批通过"
        title="审批通过并入账"
        description={`${summary}。审批后即记入台账，不能修改或删除；如有错误只能冲正。`}
        confirmLabel="确认审批"
        schema={ZApproveDisbursementInput}
        defaults={{ disbursementId, capOverrideReason: "" }}
        fields={overCap ? [{ name: "capOverrideReason", label: "特批理由（超过年度上限，必填）", type: "textarea" }] : []}
        run={approveDisbursementAction}
      />
      <DialogForm
        label="退回"
        title="退回申请"
        variant="danger"
        buttonVariant="secondary"
        confirmLabel="确认退回"
        schema={ZRejectDisbursementInput}
        defaults={{ disbursementId, reason: "" }}
        fields={[{ name: "reason", label: "退回原因", type: "textarea" }]}
        run={rejectDisbursementAction}
      />
    </div>
  );
}
