"use client";

import { useRouter } from "next/navigation";
import { DialogForm } from "@/components/forms/dialog-form";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DisabledStep } from "@/components/ui/disabled-step";
import { acceptApplicationAction, convertApplicationAction, declineApplicationAction } from "@/lib/applications/actions";
import { ZApplicationActionInput, ZDeclineApplicationInput } from "@/lib/applications/schemas";
import type { TAllowed } from "@/lib/filing/rules";

/**
 * A caseworker's steps on an online application. What is offered comes from lib/applications/rules
 * (the page passes each predicate's answer); a step not possible yet is shown disabled with the reason.
 */
export function ApplicationActions({
  application,
  allowed,
}: {
  application: { id: string; version: number };
  allowed: { accept: TAllowed; convert: TAllowed; decline: TAllowed };
}) {
  const router = useRouter();
  const ref = { applicationId: application.id, expectedVersion: application.version };
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="application-actions">
      {allowed.accept.ok && (
        <ConfirmAction
          label="受理"
          title="受理这份申请？"
          message="受理后，申请人查询进度时会看到“受理中”。请尽快联系申请人入户核实。"
          confirmLabel="确认受理"
          variant="primary"
          run={() => acceptApplicationAction(ref)}
        />
      )}
      {allowed.convert.ok ? (
        <DialogForm
          title="转为建档草稿"
          confirmLabel="确认转为草稿"
          schema={ZApplicationActionInput}
          defaults={ref}
          fixed={ref}
          fields={[]}
          description="申请中填写的家庭成员、收支和致困原因都会带入新的建档草稿，上传的材料作为证明材料附在草稿上。转换后不能撤回；草稿可以继续修改。"
          run={convertApplicationAction}
          onDone={(data) => router.push(`/files/${(data as { fileId: string }).fileId}/edit`)}
        />
      ) : (
        allowed.accept.ok && <DisabledStep label="转为建档草稿" reason={allowed.convert.reason} />
      )}
      {allowed.decline.ok && (
        <DialogForm
          title="不予受理"
          confirmLabel="确认不予受理"
          variant="danger"
          buttonVariant="secondary"
          schema={ZDeclineApplicationInput}
          description="申请人查询进度时会看到“不予受理”和您填写的理由，请写清原因和可以怎样办理。提交后不能撤回。"
          defaults={{ ...ref, reason: "" }}
          fixed={ref}
          fields={[{ name: "reason", label: "不予受理的理由（申请人可见）", type: "textarea" }]}
          run={declineApplicationAction}
        />
      )}
    </div>
  );
}
