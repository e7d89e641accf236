import { Badge, Card } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { shownRefusal } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import { canDecideChange } from "@/lib/dynamic/rules";
import type { getFileFollowUp } from "@/lib/dynamic/find";
import { TIER_LABELS } from "@/lib/labels/household-file";
import {
  CANCEL_REASON_LABELS,
  CHANGE_KIND_LABELS,
  CHANGE_STATUS_LABELS,
  EXIT_REASON_LABELS,
  MEASURE_STATUS_LABELS,
  RECHECK_OUTCOME_LABELS,
} from "@/lib/filing/labels";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";
import type { Tier } from "@/lib/generated/prisma/enums";
import { formatFen } from "@/lib/money/money";
import { describeChange } from "@/lib/dynamic/describe-change";
import { ChangeDecision, MeasureProgress } from "./follow-up-actions";
import { VISIT_EVENT_LABELS } from "@/lib/warnings/labels";

type TFollowUp = Awaited<ReturnType<typeof getFileFollowUp>>;
type TFile = {
  holderName: string | null;
  fileNumber: string | null;
  tier: Tier | null;
  perCapitaMonthlyFen: number | null;
  suggestedTier: Tier | null;
  organisationName: string;
};

const tierLabel = (t: Tier | null) => (t ? TIER_LABELS[t] : "—");

/** 变更申请: each request beside the file as it stands, with the official's decision where it is theirs to make. */
export function ChangeRequestsCard({ followUp, file, actor }: { followUp: TFollowUp; file: TFile; actor: TActor }) {
  if (followUp.changes.length === 0) return null;
  return (
    <Card title="变更申请">
      <div className="space-y-4">
        {followUp.changes.map((c) => {
          const proposed =
            c.kind === "TIER_CHANGE"
              ? `困难类别：${tierLabel(c.proposedTier)}`
              : c.kind === "EXIT"
                ? `退档：${c.exitReason ? EXIT_REASON_LABELS[c.exitReason] : ""}${c.cancelReason ? `（${CANCEL_REASON_LABELS[c.cancelReason]}）` : ""}`
                : `转至：${c.targetOrganisation?.name ?? ""}`;
          const open = c.status === "PENDING" || c.status === "AWAITING_RECEIVER";
          // One predicate for the buttons and the server (decideChange): role, pending, not the proposer.
          const decide = canDecideChange(actor, c);
          const refusal = shownRefusal(decide);
          return (
            <div key={c.id} className={`rounded-md border p-4 ${open ? "border-amber-300 bg-amber-50/50" : "border-slate-200"}`} data-testid="change-request">
              <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
                <span className="font-medium">{CHANGE_KIND_LABELS[c.kind]}</span>
                <Badge tone={c.status === "APPROVED" ? "green" : c.status === "REJECTED" ? "red" : "amber"}>{CHANGE_STATUS_LABELS[c.status]}</Badge>
                <span className="text-slate-500">
                  {c.requestedBy.name} 于 {formatDateTime(c.requestedAt)} 提出
                </span>
              </div>
              <div className="grid gap-4 text-sm sm:grid-cols-2">
                <div className="rounded bg-white p-3">
                  <p className="text-xs text-slate-500">现状（申请时）</p>
                  <p>
                    困难类别：{tierLabel(c.currentTier)}；单位：{file.organisationName}
                  </p>
                  <p>
                    人均月收入：{file.perCapitaMonthlyFen === null ? "—" : formatFen(file.perCapitaMonthlyFen)}，系统建议：{tierLabel(c.suggestedTier)}
                  </p>
                </div>
                <div className="rounded bg-white p-3">
                  <p className="text-xs text-slate-500">申请变更为</p>
                  <p className="font-medium">{proposed}</p>
                  <p className="mt-1 text-slate-600">理由：{c.reason}</p>
                </div>
              </div>
              {(c.decidedBy || c.receivedBy) && (
                <p className="mt-2 text-sm text-slate-600">
                  {c.decidedBy && `审批：${c.decidedBy.name}（${formatDateTime(c.decidedAt)}）`}
                  {c.receivedBy && `；接收：${c.receivedBy.name}（${formatDateTime(c.receivedAt)}）`}
                  {c.decisionComment && `；意见：${c.decisionComment}`}
                </p>
              )}
              {decide.ok && (
                <div className="mt-3">
                  <ChangeDecision
                    requestId={c.id}
                    version={c.version}
                    summary={describeChange({
                      ...c,
                      holderName: file.holderName,
                      fileNumber: file.fileNumber,
                      fromOrganisation: file.organisationName,
                      targetOrganisation: c.targetOrganisation?.name ?? null,
                    })}
                  />
                </div>
              )}
              {refusal && <p className="mt-2 text-xs text-slate-500">{refusal}</p>}
            </div>
          );
        })}
      </div>
    </Card>
  );
}

export function PairingCard({
  followUp,
  cadreName,
  contactName,
  contactPhone,
  actions,
}: {
  followUp: TFollowUp;
  cadreName: string | null;
  contactName: string | null;
  contactPhone: string | null;
  actions: React.ReactNode;
}) {
  return (
    <Card title="六、结对帮扶与走访记录">
      <dl className="mb-4 grid gap-4 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-500">帮扶责任人</dt>
          <dd>{cadreName ?? <span className="text-red-700">未落实</span>}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">联系人</dt>
          <dd>{contactName ? `${contactName}（${contactPhone}）` : "—"}</dd>
        </div>
      </dl>
      {actions}
      <div className="mt-4">
        {followUp.visits.length === 0 ? (
          <p className="text-sm text-slate-500">还没有走访记录。</p>
        ) : (
          <Table head={["走访日期", "走访人员", "走访情况", "登记人"]}>
            {followUp.visits.map((v) => (
              <tr key={v.id}>
                <Td className="whitespace-nowrap">{dateOnlyString(v.visitDate)}</Td>
                <Td>{v.visitors}</Td>
                <Td>
                  {v.findings}
                  {(v.events.length > 0 || v.perCapitaMonthlyFen !== null) && (
                    <span className="mt-1 block text-xs text-red-700">
                      {v.events.map((e) => VISIT_EVENT_LABELS[e]).join("、")}
                      {v.events.length > 0 && v.perCapitaMonthlyFen !== null && "；"}
                      {v.perCapitaMonthlyFen !== null && `人均月收入 ${formatFen(v.perCapitaMonthlyFen)}`}
                    </span>
                  )}
                </Td>
                <Td>{v.recordedBy.name}</Td>
              </tr>
            ))}
          </Table>
        )}
      </div>
    </Card>
  );
}

export function PlanCard({ followUp, canUpdate }: { followUp: TFollowUp; canUpdate: boolean }) {
  const done = followUp.measures.filter((m) => m.status === "DONE").length;
  return (
    <Card title={`四、困难需求与帮扶计划（一户一计划：措施 ${followUp.measures.length} 项，已解决 ${done} 项）`}>
      {followUp.measures.length === 0 ? (
        <p className="text-sm text-slate-500">还没有帮扶措施。</p>
      ) : (
        <Table head={["困难需求", "帮扶措施", "责任部门/人", "完成时限", "进展", "落实情况", ""]}>
          {followUp.measures.map((m) => (
            <tr key={m.id}>
              <Td>{m.need}</Td>
              <Td>{m.measure}</Td>
              <Td>{m.responsible}</Td>
              <Td className="whitespace-nowrap">{dateOnlyString(m.dueDate)}</Td>
              <Td>
                <Badge tone={m.status === "DONE" ? "green" : m.status === "CANCELLED" ? "slate" : "amber"}>{MEASURE_STATUS_LABELS[m.status]}</Badge>
              </Td>
              <Td>{m.outcome ?? "—"}</Td>
              <Td>{canUpdate && <MeasureProgress measureId={m.id} version={m.version} status={m.status} outcome={m.outcome} />}</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

export function RecheckCard({
  followUp,
  nextCheckDue,
  today,
  actions,
}: {
  followUp: TFollowUp;
  nextCheckDue: Date | null;
  today: string;
  actions: React.ReactNode;
}) {
  const due = nextCheckDue ? dateOnlyString(nextCheckDue) : null;
  return (
    <Card title="动态核查与困难类别记录">
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <span>
          下次核查：{due ?? "—"} {due && due < today && <Badge tone="red">已逾期</Badge>}
        </span>
        {actions}
      </div>
      {/* min-w-0: a grid item is as wide as its content by default, so the table (which scrolls in its own
          box) or a long entry widened the page on a phone. */}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          {followUp.rechecks.length === 0 ? (
            <p className="text-sm text-slate-500">还没有核查记录。</p>
          ) : (
            <Table head={["核查日期", "核查人员", "人均月收入", "系统建议", "结论", "情况"]}>
              {followUp.rechecks.map((r) => (
                <tr key={r.id}>
                  <Td className="whitespace-nowrap">{dateOnlyString(r.checkDate)}</Td>
                  <Td>{r.visitors}</Td>
                  <Td>{formatFen(r.perCapitaMonthlyFen)}</Td>
                  <Td>{r.suggestedTier ? TIER_LABELS[r.suggestedTier] : "不符合条件"}</Td>
                  <Td>{RECHECK_OUTCOME_LABELS[r.outcome]}</Td>
                  <Td>
                    {r.note ?? "—"}
                    {r.deviationReason && <span className="block text-xs text-amber-800">与系统建议不一致的理由：{r.deviationReason}</span>}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </div>
        <div className="min-w-0">
          <h3 className="mb-2 text-sm font-medium">困难类别记录</h3>
          <ol className="space-y-1 text-sm break-words" data-testid="tier-history">
            {followUp.tiers.map((t) => (
              <li key={t.id}>
                {formatDateTime(t.decidedAt)} · <span className="font-medium">{TIER_LABELS[t.tier]}</span> · {t.decidedBy.name}
                <span className="text-slate-500">（{t.source === "FILING" ? "建档审定" : "类别调整"}）</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </Card>
  );
}
