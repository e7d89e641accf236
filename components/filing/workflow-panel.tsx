"use client";

import Link from "next/link";
import {
  approveFilingAction,
  deleteDraftAction,
  recordCivilCheckAction,
  recordObjectionAction,
  rejectFilingAction,
  reopenFileAction,
  resolveObjectionAction,
  reviewFilingAction,
  startPublicityAction,
} from "@/lib/filing/actions";
import { DialogForm } from "@/components/forms/dialog-form";
import { Button, buttonClass } from "@/components/ui/button";
import { OWN_SUBMISSION_REFUSED, type TFilingSteps } from "@/lib/filing/filing-rules";
import { ConfirmAction } from "@/components/ui/confirm-action";
import type { Tier } from "@/lib/generated/prisma/enums";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { CIVIL_CHECK_LABELS } from "@/lib/filing/labels";
import {
  ZApproveFilingInput,
  ZRecordCivilCheckInput,
  ZRecordObjectionInput,
  ZRejectFilingInput,
  ZResolveObjectionInput,
  ZReviewFilingInput,
  ZStartPublicityInput,
} from "@/lib/filing/schemas";

export type TWorkflowFile = {
  id: string;
  version: number;
  proposedTier: Tier | null;
};

/** Every step shown comes from lib/filing/filing-rules.ts (filingSteps), the table the server enforces. */
export function WorkflowPanel({
  file,
  today,
  allowed,
  civilRuns = {},
}: {
  file: TWorkflowFile;
  today: string;
  allowed: TFilingSteps;
  civilRuns?: Record<string, string>;
}) {
  const ref = { fileId: file.id, expectedVersion: file.version };
  const steps: React.ReactNode[] = [];

  if (allowed.editDraft) {
    steps.push(
      <Link key="edit" href={`/files/${file.id}/edit`} className={buttonClass()}>
        继续填写
      </Link>,
    );
    if (allowed.deleteDraft) {
      steps.push(
        <ConfirmAction
          key="delete"
          label="删除草稿"
          title="删除这份草稿？"
          message="草稿及其已上传的材料将被删除，不能恢复。"
          confirmLabel="删除"
          variant="danger"
          run={() => deleteDraftAction(ref)}
        />,
      );
    }
  }
  if (allowed.review) {
    steps.push(
      <DialogForm
        fixed={ref}
        key="review"
        title="初审通过"
        confirmLabel="确认初审"
        schema={ZReviewFilingInput}
        defaults={{ ...ref, homeVisitDate: today, note: "" }}
        description="确认已入户核查，家庭情况与申请一致。"
        fields={[
          { name: "homeVisitDate", label: "入户核查日期", type: "date" },
          { name: "note", label: "初审意见", type: "textarea" },
        ]}
        run={reviewFilingAction}
      />,
    );
  }
  if (allowed.startPublicity) {
    steps.push(
      <DialogForm
        fixed={ref}
        key="publicity"
        title="开始公示"
        confirmLabel="确认开始公示"
        schema={ZStartPublicityInput}
        defaults={{ ...ref, startDate: today }}
        description="公示开始日期不能早于初审日期，最多可提前几天预定。公示期按本地区政策参数计算，期满次日起方可审定。"
        fields={[{ name: "startDate", label: "公示开始日期", type: "date" }]}
        run={startPublicityAction}
      />,
    );
  }
  if (allowed.recordObjection) {
    steps.push(
      <DialogForm
        fixed={ref}
        key="objection"
        title="登记公示异议"
        confirmLabel="确认登记"
        variant="secondary"
        schema={ZRecordObjectionInput}
        defaults={{ ...ref, receivedOn: today, content: "", handling: "" }}
        description="异议登记后须由审批人登记处理结果，处理完毕前不能审定。"
        fields={[
          { name: "receivedOn", label: "收到日期", type: "date" },
          { name: "content", label: "异议内容", type: "textarea" },
        ]}
        run={recordObjectionAction}
      />,
    );
  }
  if (allowed.civilCheck) {
    steps.push(
      <DialogForm
        fixed={ref}
        key="civil"
        title="录入民政核对结果"
        confirmLabel="确认录入"
        variant="secondary"
        schema={ZRecordCivilCheckInput}
        defaults={{ ...ref, checkDate: today, result: "" as never, note: "", comparisonRunId: "" as never }}
        description={Object.keys(civilRuns).length > 0 ? "可引用名单中包含该户成员的民政比对记录，作为核对依据。" : undefined}
        fields={[
          { name: "checkDate", label: "核对日期", type: "date" },
          { name: "result", label: "核对结果", type: "select", options: CIVIL_CHECK_LABELS },
          ...(Object.keys(civilRuns).length > 0
            ? [{ name: "comparisonRunId", label: "引用民政比对（可不选）", type: "select" as const, options: civilRuns }]
            : []),
          { name: "note", label: "核对说明", type: "textarea" },
        ]}
        run={recordCivilCheckAction}
      />,
    );
  }
  if (allowed.approve && allowed.approveBlocked) {
    steps.push(
      <span key="approve" className="flex flex-wrap items-center gap-2">
        <Button disabled>审定建档</Button>
        <span className="text-sm text-slate-500">{allowed.approveBlocked}</span>
      </span>,
    );
  } else if (allowed.approve) {
    steps.push(
      <DialogForm
        fixed={ref}
        key="approve"
        title="审定建档"
        confirmLabel="确认审定"
        schema={ZApproveFilingInput}
        defaults={{ ...ref, tier: (file.proposedTier ?? "") as never, note: "" }}
        description="审定后档案编号生效、建档完成。困难类别以审定为准。"
        fields={[
          { name: "tier", label: "审定困难类别", type: "select", options: TIER_LABELS },
          { name: "note", label: "审定意见", type: "textarea" },
        ]}
        run={approveFilingAction}
      />,
    );
  }
  if (allowed.reject) {
    steps.push(
      <DialogForm
        fixed={ref}
        key="reject"
        title="退回"
        confirmLabel="确认退回"
        variant="danger"
        schema={ZRejectFilingInput}
        defaults={{ ...ref, reason: "" }}
        description="退回后申请回到帮扶干部的草稿中，修改后可重新提交。"
        fields={[{ name: "reason", label: "退回原因", type: "textarea" }]}
        run={rejectFilingAction}
      />,
    );
  }
  if (allowed.reopen) {
    steps.push(
      <ConfirmAction
        key="reopen"
        label="返困重新启用"
        title="重新启用这份档案？"
        variant="primary"
        message="家庭再次陷入困难时，在原档案上重新建档（新的一期），经审核、公示、审定后恢复在档。不会新建档案。"
        confirmLabel="重新启用"
        run={() => reopenFileAction(ref)}
      />,
    );
  }

  if (allowed.ownSubmission)
    steps.push(
      <p key="own" className="text-sm text-slate-500">
        {OWN_SUBMISSION_REFUSED}
      </p>,
    );
  if (steps.length === 0) {
    // Open and observed files are followed up through the dynamic-management actions beside this panel.
    if (allowed.followedUp) return null;
    return <p className="text-sm text-slate-500">当前没有您可以办理的操作。</p>;
  }
  return <div className="flex flex-wrap gap-2">{steps}</div>;
}

/** 登记处理结果 for one unresolved objection; offered only when filingSteps allows resolveObjection. */
export function ResolveObjectionButton({ fileRef, objectionId }: { fileRef: { fileId: string; expectedVersion: number }; objectionId: string }) {
  return (
    <DialogForm
      fixed={{ ...fileRef, objectionId }}
      label="登记处理结果"
      title="登记异议处理结果"
      confirmLabel="确认登记"
      buttonVariant="secondary"
      schema={ZResolveObjectionInput}
      defaults={{ ...fileRef, objectionId, resolution: "" }}
      description="写明核实经过和结论。登记后不能修改；若异议属实，请退回申请。"
      fields={[{ name: "resolution", label: "处理结果", type: "textarea" }]}
      run={resolveObjectionAction}
    />
  );
}
