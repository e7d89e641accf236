import Link from "next/link";
import { notFound } from "next/navigation";
import { AllocationHeadroom } from "@/components/allocations/allocation-headroom";
import { DecideDisbursement } from "@/components/ledger/decide-disbursement";
import { Alert, Badge, Card, PageHeader, DetailItem } from "@/components/ui/page";
import { remainingAllocation } from "@/lib/allocations/balance";
import { shownRefusal } from "@/lib/auth/allowed";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { formatDateTime } from "@/lib/format/datetime";
import { getDisbursement } from "@/lib/ledger/find-disbursements";
import { canApproveDisbursement } from "@/lib/ledger/rules";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/labels";
import { AID_TYPE_LABELS, DISBURSEMENT_STATUS_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";

export const metadata = { title: "救助发放申请" };

export default async function DisbursementPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ recorded?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.ledger);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const d = await getDisbursement(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const title = d.reverses ? "冲正申请" : "救助发放申请";
  const overCap = !!d.cap && d.cap.usedFen + d.amountFen > d.cap.annualCapFen;
  // The approving official's union pays: its remaining allocation for the fund and year, shown before approval.
  const allocationYear = Number(d.entryDate.slice(0, 4));
  // Rejecting follows the same rule as approving (lib/ledger/rules.ts): one answer decides the card.
  const decide = canApproveDisbursement(actor, d);
  const refusal = shownRefusal(decide);
  const remaining =
    decide.ok && !d.reverses
      ? await remainingAllocation(actor, { organisationId: actor.organisation.id, fundSource: d.fundSource, year: allocationYear })
      : null;
  const tone = d.status === "APPROVED" ? "green" : d.status === "REJECTED" ? "red" : "amber";
  return (
    <>
      {(await searchParams).recorded && (
        <div className="mb-4">
          <Alert tone="success">已登记，等待审批人审批后入账。</Alert>
        </div>
      )}
      <PageHeader
        title={title}
        description={
          <span className="flex items-center gap-2">
            <Badge tone={tone}>{DISBURSEMENT_STATUS_LABELS[d.status]}</Badge>
            <Link href={`/files/${d.file.id}`} className="text-brand-700 hover:underline">
              {d.file.holderName}家庭
            </Link>
            <span>
              · {d.file.fileNumber} · {d.organisationName} · 档案状态 {FILE_STATUS_LABELS[d.file.status]}
            </span>
          </span>
        }
      />
      <div className="space-y-6">
        <Card title="申请内容">
          <dl className="grid gap-4 sm:grid-cols-4">
            <DetailItem label="救助类型">{AID_TYPE_LABELS[d.aidType]}</DetailItem>
            <DetailItem label="资金来源">{FUND_SOURCE_LABELS[d.fundSource]}</DetailItem>
            <DetailItem label="金额">
              <span className={`text-base font-semibold ${d.amountFen < 0 ? "text-red-700" : ""}`}>{formatFen(d.amountFen)}</span>
            </DetailItem>
            <DetailItem label="发放日期">{d.entryDate}</DetailItem>
            <DetailItem label={d.reverses ? "冲正原因" : "用途"}>{d.purpose}</DetailItem>
            <DetailItem label="收款账户">{d.account ? `${d.account.bankName} ${d.account.masked}` : "不发放现金"}</DetailItem>
            {d.student && <DetailItem label="受助学生">{d.student}</DetailItem>}
            {d.evidence && <DetailItem label="凭证说明">{d.evidence}</DetailItem>}
            <DetailItem label="经办">
              {d.recordedBy} · {formatDateTime(d.recordedAt)}
            </DetailItem>
            {d.decidedBy && (
              <DetailItem label="审批">
                {d.decidedBy} · {formatDateTime(d.decidedAt)}
              </DetailItem>
            )}
            {d.payment && (
              <DetailItem label="银行代发">
                <Link href={`/ledger/payment-runs/${d.payment.runId}`} className="text-brand-700 hover:underline">
                  {d.payment.runName}
                </Link>
                {" · "}
                {PAYMENT_STATUS_LABELS[d.payment.status]}
                {d.payment.reason ? `（${d.payment.reason}）` : ""}
              </DetailItem>
            )}
            {d.reverses && (
              <DetailItem label="冲正的原记录">
                {d.reverses.entryDate} {formatFen(d.reverses.amountFen)} · {d.reverses.purpose}
              </DetailItem>
            )}
          </dl>
          {d.cap && (
            <p className={`mt-4 text-sm ${overCap ? "text-red-700" : "text-slate-600"}`}>
              年度上限 {formatFen(d.cap.annualCapFen)}（{d.cap.perStudent ? "每生" : "每户"}），本年已发放及待审批 {formatFen(d.cap.usedFen)}
              {overCap ? "，本次将超过上限，须审批人填写特批理由。" : "。"}
            </p>
          )}
          {d.overCapNote && <p className="mt-2 text-sm text-amber-800">经办人超限说明：{d.overCapNote}</p>}
          {d.capOverrideReason && <p className="mt-2 text-sm text-amber-800">审批人特批理由：{d.capOverrideReason}</p>}
          {d.rejectionReason && <p className="mt-2 text-sm text-red-700">退回原因：{d.rejectionReason}</p>}
        </Card>
        {(decide.ok || refusal) && (
          <Card title="审批">
            {refusal ? (
              <p className="text-sm text-slate-600">{refusal}</p>
            ) : (
              <>
                {remaining !== null && (
                  <div className="mb-3">
                    <AllocationHeadroom
                      organisationName={actor.organisation.name}
                      year={allocationYear}
                      fundLabel={FUND_SOURCE_LABELS[d.fundSource]}
                      remainingFen={remaining}
                      neededFen={d.amountFen}
                      what="本次发放"
                    />
                  </div>
                )}
                <DecideDisbursement
                  disbursementId={d.id}
                  overCap={overCap}
                  summary={`${d.file.holderName}家庭 · ${d.reverses ? `冲正 ${d.reverses.entryDate} 的 ${AID_TYPE_LABELS[d.aidType]} 记录` : AID_TYPE_LABELS[d.aidType]} · 金额 ${formatFen(d.amountFen)}`}
                />
              </>
            )}
          </Card>
        )}
      </div>
    </>
  );
}
