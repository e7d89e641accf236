"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DisabledStep } from "@/components/ui/disabled-step";
import { dismissResultAction, openRecheckFromResultAction, proposeExitFromResultAction } from "@/lib/civil/actions";
import type { TCivilAllowed } from "@/lib/civil/rules";
import { ZDismissResultInput, ZProposeExitFromResultInput } from "@/lib/civil/schemas";
import { CANCEL_REASON_LABELS, EXIT_REASON_LABELS } from "@/lib/filing/labels";
import { EXIT_PATH_LABELS } from "@/lib/warnings/labels";

type TProps = {
  resultId: string;
  version: number;
  fileVersion: number | null;
  holderName: string | null;
  reasonText: string;
  defaultExit: { exitReason: string; cancelReason: string };
  allowed: { recheck: TCivilAllowed; exit: TCivilAllowed; dismiss: TCivilAllowed };
  canExit: boolean;
};

/** 发起复核 / 提出退档 / 不属实 on one mismatch; what is not possible is shown disabled with its reason. */
export function ResultActions({ resultId, version, fileVersion, holderName, reasonText, defaultExit, allowed, canExit }: TProps) {
  const ref = { resultId, expectedVersion: version };
  return (
    <div className="flex flex-wrap gap-2">
      {fileVersion !== null &&
        (allowed.recheck.ok ? (
          <ConfirmAction
            label="发起复核"
            title={`对 ${holderName ?? ""} 户发起复核？`}
            confirmLabel="确认发起复核"
            variant="primary"
            message={`该户的下次核查日期将提前到今天，并列入待办事项“复核到期”，由经办人入户核查后按复核表录入。原因：${reasonText}`}
            run={() => openRecheckFromResultAction({ ...ref, fileVersion })}
          />
        ) : (
          <DisabledStep label="发起复核" reason={allowed.recheck.reason} />
        ))}
      {fileVersion !== null &&
        canExit &&
        (allowed.exit.ok ? (
          <DialogForm
            label="提出退档"
            title={`提出 ${holderName ?? ""} 户退档申请`}
            confirmLabel="确认提交申请"
            variant="secondary"
            schema={ZProposeExitFromResultInput}
            fixed={{ ...ref, fileVersion }}
            defaults={{
              ...ref,
              fileVersion,
              exitReason: defaultExit.exitReason as never,
              cancelReason: defaultExit.cancelReason as never,
              exitPath: "" as never,
              reason: `民政比对：${reasonText}`,
            }}
            description="退档申请提交后须由其他审批人审批；审批前档案仍在档。"
            fields={[
              { name: "exitReason", label: "退档原因", type: "select", options: EXIT_REASON_LABELS },
              { name: "cancelReason", label: "注销原因（注销时填写）", type: "select", options: CANCEL_REASON_LABELS },
              { name: "exitPath", label: "脱困主要路径（脱困时填写）", type: "select", options: EXIT_PATH_LABELS },
              { name: "reason", label: "退档理由", type: "textarea" },
            ]}
            run={proposeExitFromResultAction}
          />
        ) : (
          <DisabledStep label="提出退档" reason={allowed.exit.reason} />
        ))}
      {allowed.dismiss.ok ? (
        <DialogForm
          label="不属实"
          title="标记为不属实（忽略）"
          confirmLabel="确认忽略"
          variant="secondary"
          buttonVariant="secondary"
          schema={ZDismissResultInput}
          fixed={ref}
          defaults={{ ...ref, note: "" }}
          description="请写明核实的情况（如名单数据有误、已另行处理）。忽略后该条不再列为待处理，说明与处理人会留存备查。"
          fields={[{ name: "note", label: "不属实的说明", type: "textarea" }]}
          run={dismissResultAction}
        />
      ) : (
        <DisabledStep label="不属实" reason={allowed.dismiss.reason} />
      )}
    </div>
  );
}
