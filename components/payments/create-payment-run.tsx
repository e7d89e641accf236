"use client";

import { useRouter } from "next/navigation";
import { DialogForm } from "@/components/forms/dialog-form";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { createPaymentRunAction } from "@/lib/payments/actions";
import { ZCreatePaymentRunInput } from "@/lib/payments/schemas";

/** 新建代发汇总: the paying union is the user's own (a payment is paid by the union of the official who approved it). */
export function CreatePaymentRun({ organisationId, organisationName }: { organisationId: string; organisationName: string }) {
  const router = useRouter();
  return (
    <DialogForm
      label="汇总单笔发放"
      title="汇总单笔发放"
      description={`将${organisationName}已审批、发往本人实名账户、尚未代发的该资金来源单笔发放全部汇总，生成一份代发文件。`}
      confirmLabel="确认汇总"
      schema={ZCreatePaymentRunInput}
      defaults={{ organisationId, fundSource: "WARMTH_FUND", name: "" }}
      fields={[
        { name: "fundSource", label: "资金来源", type: "select", options: FUND_SOURCE_LABELS },
        { name: "name", label: "汇总名称（如 2027年1月单笔代发）", type: "text" },
      ]}
      run={createPaymentRunAction}
      onDone={(data) => router.push(`/ledger/payment-runs/${(data as { runId: string }).runId}`)}
    />
  );
}
