"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { recordCallbackAction, resolveCallbackProblemAction } from "@/lib/payments/actions";
import { CALLBACK_OUTCOME_LABELS } from "@/lib/payments/labels";
import { ZRecordCallbackInput, ZResolveCallbackProblemInput } from "@/lib/payments/schemas";

export function RecordCallbackButton({ callId, holderName }: { callId: string; holderName: string }) {
  return (
    <DialogForm
      label="登记回访"
      title={`回访：${holderName}家`}
      description="请电话联系建档职工本人，核实是否收到本批次的款物及金额。结果登记后不能修改；未收到或金额不符将转审计核查。"
      fields={[
        { name: "outcome", label: "回访结果", type: "select", options: CALLBACK_OUTCOME_LABELS },
        { name: "note", label: "回访记录（未收到、金额不符时必填）", type: "textarea" },
      ]}
      schema={ZRecordCallbackInput}
      defaults={{ callId, outcome: "" as never, note: "" }}
      confirmLabel="确认登记"
      buttonVariant="secondary"
      run={(values) => recordCallbackAction(values)}
    />
  );
}

export function ResolveProblemButton({ itemId, holderName }: { itemId: string; holderName: string }) {
  return (
    <DialogForm
      label="核查办结"
      title={`核查办结：${holderName}家`}
      description="请写明核查经过与结论（如银行流水、签收表、当面核实情况）。办结后记入审计日志。"
      fields={[{ name: "note", label: "核查结论", type: "textarea" }]}
      schema={ZResolveCallbackProblemInput}
      defaults={{ itemId, note: "" }}
      confirmLabel="确认办结"
      buttonVariant="secondary"
      run={(values) => resolveCallbackProblemAction(values)}
    />
  );
}
