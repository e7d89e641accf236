"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { closeReturnedDisbursementAction } from "@/lib/payments/actions";
import { ZCloseReturnedDisbursementInput } from "@/lib/payments/schemas";

/** 关闭退回的单笔付款: the 银行退回 reversal stays in the ledger; a new request pays it again if needed. */
export function CloseReturnedDisbursement({ disbursementId }: { disbursementId: string }) {
  return (
    <DialogForm
      label="关闭"
      title="关闭退回的单笔付款"
      description="台账中的银行退回冲回保留。如需重新发放，请更正本人实名账户后另行申请一笔发放，并在此注明。"
      buttonVariant="ghost"
      variant="danger"
      confirmLabel="确认关闭"
      schema={ZCloseReturnedDisbursementInput}
      defaults={{ disbursementId, reason: "" }}
      fields={[{ name: "reason", label: "关闭原因", type: "textarea" }]}
      run={closeReturnedDisbursementAction}
    />
  );
}
