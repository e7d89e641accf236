"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DisabledStep } from "@/components/ui/disabled-step";
import type { TAllowed } from "@/lib/filing/rules";
import { actOnWarningAction } from "@/lib/warnings/actions";
import { ZDismissWarningInput } from "@/lib/warnings/schemas";

type TProps = {
  warningId: string;
  version: number;
  holderName: string;
  reason: string;
  allowed: { recheck: TAllowed; reopen: TAllowed; dismiss: TAllowed };
  /** 返困重新建档 is a caseworker's step (the relapse path). */
  canReopen: boolean;
};

/** 发起复核 / 返困重新建档 / 排除 on one warning; what is not possible now is shown disabled with its reason. */
export function WarningActions({ warningId, version, holderName, reason, allowed, canReopen }: TProps) {
  const ref = { warningId, expectedVersion: version };
  return (
    <div className="flex flex-wrap gap-2">
      {allowed.recheck.ok ? (
        <ConfirmAction
          label="发起复核"
          title={`对 ${holderName} 户发起复核？`}
          confirmLabel="确认发起复核"
          variant="primary"
          message={`该户的下次核查日期将提前到今天，列入“核查已逾期”，由经办人入户核查后录入。预警原因：${reason}`}
          run={() => actOnWarningAction({ ...ref, action: "RECHECK" })}
        />
      ) : (
        <DisabledStep label="发起复核" reason={allowed.recheck.reason} />
      )}
      {canReopen &&
        (allowed.reopen.ok ? (
          <ConfirmAction
            label="返困重新建档"
            title={`${holderName} 户返困重新建档？`}
            confirmLabel="确认重新建档"
            variant="primary"
            message="原档案将转为草稿并开始新的建档周期（档号不变），按建档流程重新核实、公示和审定。该户其他待处理预警一并记为“已返困重新建档”。此操作不能撤销。"
            run={() => actOnWarningAction({ ...ref, action: "REOPEN" })}
          />
        ) : (
          <DisabledStep label="返困重新建档" reason={allowed.reopen.reason} />
        ))}
      {allowed.dismiss.ok ? (
        <DialogForm
          label="排除"
          title="排除该预警"
          confirmLabel="确认排除"
          variant="secondary"
          buttonVariant="secondary"
          schema={ZDismissWarningInput}
          fixed={{ ...ref, action: "DISMISS" }}
          defaults={{ ...ref, action: "DISMISS" as const, note: "" }}
          description="请写明核实的情况（如收入已恢复、情况已另行解决）。排除后不再列为待处理，理由与处理人留存备查；同一事实不会再次预警。"
          fields={[{ name: "note", label: "排除理由", type: "textarea" }]}
          run={(values) => actOnWarningAction(values)}
        />
      ) : (
        <DisabledStep label="排除" reason={allowed.dismiss.reason} />
      )}
    </div>
  );
}
