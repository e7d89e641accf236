"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { resolveSignalAction } from "@/lib/signals/actions";
import { ZResolveSignalInput } from "@/lib/signals/schemas";

/** 核查结论: 合理 (explained) or 已纠正 (with what was done); recorded once and audited. */
export function ResolveSignal({ signalId, version }: { signalId: string; version: number }) {
  const ref = { signalId, expectedVersion: version };
  return (
    <DialogForm
      label="登记核查结论"
      title="登记核查结论"
      confirmLabel="确认登记"
      variant="primary"
      schema={ZResolveSignalInput}
      fixed={ref}
      defaults={{ ...ref, status: "" as never, note: "" }}
      description="合理：经核实情况属实（如夫妻分别建档但共用账户须写明依据）；已纠正：写明所做的纠正（如更换账户、追回资金、注销档案）。登记后不能修改；同一事实不再提示，事实变化时重新提示。"
      fields={[
        { name: "status", label: "核查结论", type: "select", options: { REASONABLE: "合理", CORRECTED: "已纠正" } },
        { name: "note", label: "核查情况", type: "textarea" },
      ]}
      run={resolveSignalAction}
    />
  );
}
