"use client";

import {
  addMeasureAction,
  decideChangeAction,
  endObservationAction,
  proposeExitAction,
  proposeTierChangeAction,
  proposeTransferAction,
  receiveTransferAction,
  recordVisitAction,
  setPairingAction,
  updateMeasureAction,
} from "@/lib/dynamic/actions";
import { DialogForm, type TFieldSpec } from "@/components/forms/dialog-form";
import { EXIT_PATH_LABELS, VISIT_EVENT_LABELS } from "@/lib/warnings/labels";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DisabledStep } from "@/components/ui/disabled-step";
import { shownRefusal, type TAllowed } from "@/lib/auth/allowed";
import {
  ZAddMeasureInput,
  ZDecideChangeInput,
  ZProposeExitInput,
  ZProposeTierChangeInput,
  ZProposeTransferInput,
  ZRecordVisitInput,
  ZSetPairingInput,
  ZUpdateMeasureInput,
} from "@/lib/dynamic/schemas";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { CANCEL_REASON_LABELS, EXIT_REASON_LABELS, MEASURE_STATUS_LABELS } from "@/lib/filing/labels";
import type { MeasureStatus, Tier } from "@/lib/generated/prisma/enums";

type TProps = {
  /** The answers of lib/dynamic/rules.ts for this actor and file, asked by the page. */
  allowed: { visit: TAllowed; pairing: TAllowed; plan: TAllowed; propose: TAllowed; endObservation: TAllowed };
  file: { id: string; version: number; tier: Tier | null; contactName: string | null; contactPhone: string | null; responsibleCadreId: string | null };
  today: string;
  cadres: Array<{ id: string; label: string }>;
};

const VISIT_FIELDS: TFieldSpec[] = [
  { name: "visitDate", label: "走访日期", type: "date" },
  { name: "visitors", label: "走访人员", type: "text" },
  { name: "findings", label: "走访情况", type: "textarea" },
  { name: "events", label: "走访发现（如有）", type: "checkboxes", options: VISIT_EVENT_LABELS, hint: "新发重病、残疾、失业或主要劳动力死亡将列入返困预警" },
  { name: "perCapitaMonthlyFen", label: "了解到的人均月收入（元，可不填）", type: "text", inputMode: "decimal" },
];

/** 脱困后回访: a closed 脱困 file is still visited (recorded like any visit). */
export function PostExitVisit({ fileId, today }: { fileId: string; today: string }) {
  return (
    <DialogForm
      title="登记回访"
      confirmLabel="确认登记"
      variant="secondary"
      schema={ZRecordVisitInput}
      fixed={{ fileId }}
      defaults={{ fileId, visitDate: today, visitors: "", findings: "", events: [], perCapitaMonthlyFen: "" }}
      fields={VISIT_FIELDS}
      run={recordVisitAction}
    />
  );
}

/** The follow-up steps a caseworker or official can take on an open (or observed) file. */
export function FollowUpActions({ file, allowed, today, cadres }: TProps) {
  const ref = { fileId: file.id, expectedVersion: file.version };
  // Pairing is open to whoever follows an open or observed file: without it there is nothing here.
  if (!allowed.pairing.ok) return null;
  const endObservationRefusal = shownRefusal(allowed.endObservation);
  const otherTiers = Object.fromEntries(Object.entries(TIER_LABELS).filter(([t]) => t !== file.tier));
  return (
    <div className="flex flex-wrap gap-2">
      {allowed.visit.ok && (
        <DialogForm
          title="登记走访"
          confirmLabel="确认登记"
          variant="secondary"
          schema={ZRecordVisitInput}
          fixed={{ fileId: file.id }}
          defaults={{ fileId: file.id, visitDate: today, visitors: "", findings: "", events: [], perCapitaMonthlyFen: "" }}
          fields={VISIT_FIELDS}
          run={recordVisitAction}
        />
      )}
      <DialogForm
        title="设置结对帮扶"
        confirmLabel="确认保存"
        variant="secondary"
        schema={ZSetPairingInput}
        fixed={ref}
        defaults={{ ...ref, responsibleCadreId: file.responsibleCadreId ?? "", contactName: file.contactName ?? "", contactPhone: file.contactPhone ?? "" }}
        fields={[
          { name: "responsibleCadreId", label: "帮扶责任人", type: "select", options: Object.fromEntries(cadres.map((c) => [c.id, c.label])) },
          { name: "contactName", label: "联系人", type: "text", hint: "社区、单位或家属中的联系人" },
          { name: "contactPhone", label: "联系电话", type: "text" },
        ]}
        run={setPairingAction}
      />
      {allowed.plan.ok && (
        <DialogForm
          title="添加帮扶措施"
          confirmLabel="确认添加"
          variant="secondary"
          schema={ZAddMeasureInput}
          fixed={{ fileId: file.id }}
          defaults={{ fileId: file.id, need: "", measure: "", responsible: "", dueDate: "" }}
          fields={[
            { name: "need", label: "困难需求", type: "text" },
            { name: "measure", label: "帮扶措施", type: "textarea" },
            { name: "responsible", label: "责任部门或责任人", type: "text" },
            { name: "dueDate", label: "完成时限", type: "date" },
          ]}
          run={addMeasureAction}
        />
      )}
      {allowed.propose.ok && (
        <>
          <DialogForm
            title="申请调整类别"
            confirmLabel="确认提交申请"
            variant="secondary"
            schema={ZProposeTierChangeInput}
            fixed={ref}
            defaults={{ ...ref, proposedTier: "" as never, reason: "" }}
            description="由其他审批人审批；审批前档案如有变化，需按最新情况重新申请。"
            fields={[
              { name: "proposedTier", label: "调整为", type: "select", options: otherTiers },
              { name: "reason", label: "调整理由（附证明材料请在证明材料中上传）", type: "textarea" },
            ]}
            run={proposeTierChangeAction}
          />
          <DialogForm
            title="申请退档"
            confirmLabel="确认提交申请"
            variant="secondary"
            schema={ZProposeExitInput}
            fixed={ref}
            defaults={{ ...ref, exitReason: "", cancelReason: "", exitPath: "", reason: "" }}
            description="脱困退档后进入渐退期继续跟踪；注销退档直接关闭档案。转出请用“申请转出”。"
            fields={[
              { name: "exitReason", label: "退档原因", type: "select", options: EXIT_REASON_LABELS },
              { name: "cancelReason", label: "注销原因（注销时填写）", type: "select", options: CANCEL_REASON_LABELS },
              { name: "exitPath", label: "脱困主要路径（脱困时填写）", type: "select", options: EXIT_PATH_LABELS },
              { name: "reason", label: "退档理由", type: "textarea" },
            ]}
            run={proposeExitAction}
          />
          <DialogForm
            title="申请转出"
            confirmLabel="确认提交申请"
            variant="secondary"
            schema={ZProposeTransferInput}
            fixed={ref}
            defaults={{ ...ref, targetOrganisationCode: "", reason: "" }}
            description="本单位审批后，由接收单位的审批人确认接收；档案及全部记录随之转移。"
            fields={[
              { name: "targetOrganisationCode", label: "接收单位组织代码", type: "text", hint: "如 GSTSQZ（可在组织机构中查到）" },
              { name: "reason", label: "转出理由", type: "textarea" },
            ]}
            run={proposeTransferAction}
          />
        </>
      )}
      {endObservationRefusal && <DisabledStep label="渐退期满，结束跟踪" reason={endObservationRefusal} />}
      {allowed.endObservation.ok && (
        <ConfirmAction
          label="渐退期满，结束跟踪"
          title="结束渐退期跟踪？"
          message="渐退期满且未返困的家庭将关闭档案。如再次陷入困难，可在原档案上返困重新启用。"
          confirmLabel="结束跟踪"
          run={() => endObservationAction(ref)}
        />
      )}
    </div>
  );
}

/** An official's decision on a change request: approve, or reject with a reason. */
/** `summary` restates what is decided (lib/dynamic/describe-change.ts): the household and the change. */
export function ChangeDecision({ requestId, version, receiving, summary }: { requestId: string; version: number; receiving?: boolean; summary: string }) {
  const fixed = { requestId, expectedVersion: version };
  const run = receiving ? receiveTransferAction : decideChangeAction;
  return (
    <div className="flex gap-2">
      <DialogForm
        title={receiving ? "确认接收" : "批准"}
        description={`${receiving ? "接收" : "批准"}：${summary}。`}
        confirmLabel={receiving ? "确认接收" : "确认批准"}
        schema={ZDecideChangeInput}
        fixed={{ ...fixed, approve: true }}
        defaults={{ ...fixed, approve: true, comment: "" }}
        fields={[{ name: "comment", label: "审批意见", type: "textarea" }]}
        run={run}
      />
      <DialogForm
        title={receiving ? "拒绝接收" : "不批准"}
        description={`${receiving ? "拒绝接收" : "不批准"}：${summary}。`}
        confirmLabel={receiving ? "确认拒绝" : "确认不批准"}
        variant="danger"
        schema={ZDecideChangeInput}
        fixed={{ ...fixed, approve: false }}
        defaults={{ ...fixed, approve: false, comment: "" }}
        fields={[{ name: "comment", label: "理由", type: "textarea" }]}
        run={run}
      />
    </div>
  );
}

export function MeasureProgress({
  measureId,
  version,
  status,
  outcome,
}: {
  measureId: string;
  version: number;
  status: MeasureStatus;
  outcome: string | null;
}) {
  return (
    <DialogForm
      title="更新进展"
      confirmLabel="确认更新"
      variant="ghost"
      schema={ZUpdateMeasureInput}
      fixed={{ measureId, expectedVersion: version }}
      defaults={{ measureId, expectedVersion: version, status, outcome: outcome ?? "" }}
      fields={[
        { name: "status", label: "进展", type: "select", options: MEASURE_STATUS_LABELS },
        { name: "outcome", label: "落实情况", type: "textarea" },
      ]}
      run={updateMeasureAction}
    />
  );
}
