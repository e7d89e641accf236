"use client";

import Link from "next/link";
import {
  approveFilingAction, deleteDraftAction, recordCivilCheckAction, recordObjectionAction, rejectFilingAction, reopenFileAction,
  reviewFilingAction, startPublicityAction,
} from "@/lib/filing/actions";
import { DialogForm } from "@/components/forms/dialog-form";
import { buttonClass } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DisabledStep } from "@/components/ui/disabled-step";
import type { TAllowed } from "@/lib/filing/rules";
import type { FileStatus, Role, Tier } from "@/lib/generated/prisma/enums";
import { CIVIL_CHECK_LABELS, TIER_LABELS } from "@/lib/filing/labels";
import {
  ZApproveFilingInput, ZRecordCivilCheckInput, ZRecordObjectionInput, ZRejectFilingInput, ZReviewFilingInput, ZStartPublicityInput,
} from "@/lib/filing/schemas";

export type TWorkflowFile = {
  id: string;
  version: number;
  status: FileStatus;
  proposedTier: Tier | null;
  isOwnSubmission: boolean;
  /** isDeletableDraft(file), from lib/filing/rules. */
  deletable: boolean;
  /** canApprove(file, today), from lib/filing/rules. */
  approval: TAllowed;
};

export function WorkflowPanel({ file, roles, today }: { file: TWorkflowFile; roles: Role[]; today: string }) {
  const ref = { fileId: file.id, expectedVersion: file.version };
  const official = roles.includes("OFFICIAL");
  const caseworker = roles.includes("CASEWORKER");
  const inReview = ["SUBMITTED", "REVIEWED", "PUBLICITY"].includes(file.status);
  const canDecide = official && !file.isOwnSubmission;
  const steps: React.ReactNode[] = [];

  if (file.status === "DRAFT" && caseworker) {
    steps.push(
      <Link key="edit" href={`/files/${file.id}/edit`} className={buttonClass()}>
        继续填写
      </Link>,
    );
    if (file.deletable) {
      steps.push(
        <ConfirmAction key="delete" label="删除草稿" title="删除这份草稿？" message="草稿及其已上传的材料将被删除，不能恢复。" confirmLabel="删除" variant="danger" run={() => deleteDraftAction(ref)} />,
      );
    }
  }
  if (file.status === "SUBMITTED" && canDecide) {
    steps.push(
      <DialogForm fixed={ref} key="review" title="初审通过" confirmLabel="确认初审" schema={ZReviewFilingInput} defaults={{ ...ref, homeVisitDate: today, note: "" }}
        description="确认已入户核查，家庭情况与申请一致。"
        fields={[{ name: "homeVisitDate", label: "入户核查日期", type: "date" }, { name: "note", label: "初审意见", type: "textarea" }]}
        run={reviewFilingAction} />,
    );
  }
  if (file.status === "REVIEWED" && official) {
    steps.push(
      <DialogForm fixed={ref} key="publicity" title="开始公示" confirmLabel="确认开始公示" schema={ZStartPublicityInput} defaults={{ ...ref, startDate: today }}
        description="公示期按本地区政策参数计算，期满后方可审定。"
        fields={[{ name: "startDate", label: "公示开始日期", type: "date" }]} run={startPublicityAction} />,
    );
  }
  if (file.status === "PUBLICITY" && (official || caseworker)) {
    steps.push(
      <DialogForm fixed={ref} key="objection" title="登记公示异议" confirmLabel="确认登记" variant="secondary" schema={ZRecordObjectionInput}
        defaults={{ ...ref, receivedOn: today, content: "", handling: "" }}
        fields={[{ name: "receivedOn", label: "收到日期", type: "date" }, { name: "content", label: "异议内容", type: "textarea" }, { name: "handling", label: "处理情况", type: "textarea" }]}
        run={recordObjectionAction} />,
    );
  }
  if (inReview && (official || caseworker)) {
    steps.push(
      <DialogForm fixed={ref} key="civil" title="录入民政核对结果" confirmLabel="确认录入" variant="secondary" schema={ZRecordCivilCheckInput}
        defaults={{ ...ref, checkDate: today, result: "" as never, note: "" }}
        fields={[{ name: "checkDate", label: "核对日期", type: "date" }, { name: "result", label: "核对结果", type: "select", options: CIVIL_CHECK_LABELS }, { name: "note", label: "核对说明", type: "textarea" }]}
        run={recordCivilCheckAction} />,
    );
  }
  if (file.status === "PUBLICITY" && canDecide && !file.approval.ok) {
    steps.push(<DisabledStep key="approve" label="审定建档" variant="primary" reason={file.approval.reason} />);
  }
  if (file.status === "PUBLICITY" && canDecide && file.approval.ok) {
    steps.push(
      <DialogForm fixed={ref} key="approve" title="审定建档" confirmLabel="确认审定" schema={ZApproveFilingInput}
        defaults={{ ...ref, tier: (file.proposedTier ?? "") as never, note: "" }}
        description="审定后档案编号生效、建档完成。困难类别以审定为准。"
        fields={[{ name: "tier", label: "审定困难类别", type: "select", options: TIER_LABELS }, { name: "note", label: "审定意见", type: "textarea" }]}
        run={approveFilingAction} />,
    );
  }
  if (inReview && canDecide) {
    steps.push(
      <DialogForm fixed={ref} key="reject" title="退回" confirmLabel="确认退回" variant="danger" schema={ZRejectFilingInput} defaults={{ ...ref, reason: "" }}
        description="退回后申请回到帮扶干部的草稿中，修改后可重新提交。"
        fields={[{ name: "reason", label: "退回原因", type: "textarea" }]} run={rejectFilingAction} />,
    );
  }
  if ((file.status === "CLOSED" || file.status === "OBSERVATION") && caseworker) {
    steps.push(
      <ConfirmAction key="reopen" label="返困重新启用" title="重新启用这份档案？" variant="primary"
        message="家庭再次陷入困难时，在原档案上重新建档（新的一期），经审核、公示、审定后恢复在档。不会新建档案。"
        confirmLabel="重新启用" run={() => reopenFileAction(ref)} />,
    );
  }

  if (steps.length === 0) {
    if (inReview && official && file.isOwnSubmission) return <p className="text-sm text-slate-500">这是您提交的申请，须由其他审批人审核。</p>;
    // Open and observed files are followed up through the dynamic-management actions beside this panel.
    if (file.status === "OPEN" || file.status === "OBSERVATION") return null;
    return <p className="text-sm text-slate-500">当前没有您可以办理的操作。</p>;
  }
  return <div className="flex flex-wrap gap-2">{steps}</div>;
}
