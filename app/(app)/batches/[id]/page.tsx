import Link from "next/link";
import { notFound } from "next/navigation";
import { AllocationHeadroom } from "@/components/allocations/allocation-headroom";
import { BatchActions, LineActions } from "@/components/ledger/batch-actions";
import { Alert, Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { ExportLinks } from "@/components/exports/export-links";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { remainingAllocation } from "@/lib/allocations/balance";
import { shownRefusal } from "@/lib/auth/allowed";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { pageFrom } from "@/lib/data/pagination";
import { NotFoundError } from "@/lib/errors/domain-error";
import { FILE_LEVEL_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { formatDateTime } from "@/lib/format/datetime";
import { findBatchLines, getBatch } from "@/lib/ledger/find-batches";
import { canApproveBatch, canEditBatch, canRejectBatch, canSubmitBatch } from "@/lib/ledger/rules";
import { canConfirmBatchReturn } from "@/lib/payments/rules";
import { AID_TYPE_LABELS, BATCH_STATUS_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { fenToYuanString, formatFen } from "@/lib/money/money";
import { findBatchPayments } from "@/lib/payments/find-batch-payments";
import { findBatchReceipts } from "@/lib/payments/find-batch-receipts";
import { RETURN_UPLOAD_LIMIT } from "@/lib/uploads/limits";
import { ReturnUpload } from "@/components/payments/return-upload";
import { ReceiptMarking } from "@/components/payments/receipt-marking";
import { ReceiptScanUpload } from "@/components/payments/receipt-scan-upload";
import { buttonClass } from "@/components/ui/button";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";
import type { CallbackOutcome, PaymentStatus } from "@/lib/generated/prisma/enums";
import { findCallbackSample } from "@/lib/payments/find-callbacks";
import { CALLBACK_OUTCOME_LABELS, PAYMENT_METHOD_LABELS, PAYMENT_STATUS_LABELS, paymentStatusLabel } from "@/lib/payments/labels";

export const metadata = { title: "发放批次" };

const TONES = { DRAFT: "slate", SUBMITTED: "amber", APPROVED: "sky", PAID: "green" } as const;

export default async function BatchPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ page?: string; view?: string; built?: string; waiting?: string }>;
}) {
  const actor = await requirePageActor(...SECTION_ROLES.batches);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const query = await searchParams;
  const removedView = query.view === "removed";
  const batch = await getBatch(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const [lines, receipts, sample] = await Promise.all([
    findBatchLines(actor, id, { removed: removedView, page: pageFrom(query.page) }),
    findBatchReceipts(actor, id, { waitingPage: pageFrom(query.waiting) }),
    findCallbackSample(actor, id),
  ]);
  const settling = batch.status === "APPROVED" || batch.status === "PAID";
  // What this actor may do now: the predicates the domain functions enforce (lib/ledger/rules.ts).
  const editable = canEditBatch(actor, batch).ok;
  const confirmReturn = canConfirmBatchReturn(actor, batch);
  const payments = (batch.status === "APPROVED" || batch.status === "PAID") && batch.paymentMethod === "BANK" ? await findBatchPayments(actor, batch.id) : null;
  const batchRef = { batchId: batch.id, expectedVersion: batch.version };
  // The approving official's union pays: before approval, its remaining allocation beside the batch's total.
  const allocationYear = Number(batch.entryDate.slice(0, 4));
  const remaining =
    batch.status === "DRAFT" || batch.status === "SUBMITTED"
      ? await remainingAllocation(actor, { organisationId: actor.organisation.id, fundSource: batch.fundSource, year: allocationYear })
      : null;
  return (
    <>
      {/* The "built" notice belongs to the draft just generated; once submitted the page says so instead. */}
      {query.built && batch.status === "DRAFT" && (
        <div className="mb-4">
          <Alert tone="success">已按规则生成名单 {Number(query.built).toLocaleString("zh-CN")} 条，请核对后提交审批。</Alert>
        </div>
      )}
      {batch.status === "SUBMITTED" && (
        <div className="mb-4" data-testid="batch-status-notice">
          <Alert tone="success">已提交{batch.submittedBy ? `（${batch.submittedBy} · ${formatDateTime(batch.submittedAt)}）` : ""}，等待其他审批人审批。</Alert>
        </div>
      )}
      <PageHeader
        title={batch.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={TONES[batch.status]}>{BATCH_STATUS_LABELS[batch.status]}</Badge>
            <span>
              {AID_TYPE_LABELS[batch.aidType]} · {FUND_SOURCE_LABELS[batch.fundSource]} · {PAYMENT_METHOD_LABELS[batch.paymentMethod]}
              {batch.goodsDescription ? `（${batch.goodsDescription}）` : ""} · 发放日期 {batch.entryDate} · {batch.organisationName}（含下级）
            </span>
          </span>
        }
        actions={
          <BatchActions
            batch={{
              id: batch.id,
              name: batch.name,
              summary: `${AID_TYPE_LABELS[batch.aidType]} · ${FUND_SOURCE_LABELS[batch.fundSource]} · ${PAYMENT_METHOD_LABELS[batch.paymentMethod]}`,
              version: batch.version,
              includedLines: batch.includedLines,
              total: formatFen(batch.totalFen),
              method: batch.paymentMethod,
            }}
            allowed={{
              submit: canSubmitBatch(actor, batch).ok,
              approve: canApproveBatch(actor, batch).ok,
              reject: canRejectBatch(actor, batch).ok,
              refusal: shownRefusal(canApproveBatch(actor, batch)),
            }}
          />
        }
      />
      <div className="space-y-6">
        {batch.rejectionReason && batch.status === "DRAFT" && <Alert>审批人退回：{batch.rejectionReason}</Alert>}
        <Card title="规则与办理">
          <dl className="grid gap-4 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-xs text-slate-500">标准金额</dt>
              <dd>{batch.standardAmountFen !== null ? formatFen(batch.standardAmountFen) : "按档案级别的政策标准"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">困难类别</dt>
              <dd>{batch.tiers.length ? batch.tiers.map((t) => TIER_LABELS[t]).join("、") : "全部"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">档案级别</dt>
              <dd>{batch.fileLevels.length ? batch.fileLevels.map((l) => FILE_LEVEL_LABELS[l]).join("、") : "全部"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">用途</dt>
              <dd>{batch.purpose}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">编制</dt>
              <dd>
                {batch.createdBy} · {formatDateTime(batch.createdAt)}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">提交</dt>
              <dd>{batch.submittedBy ? `${batch.submittedBy} · ${formatDateTime(batch.submittedAt)}` : "—"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">审批</dt>
              <dd>{batch.approvedBy ? `${batch.approvedBy} · ${formatDateTime(batch.approvedAt)}` : "—"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">发放</dt>
              <dd>{batch.paidBy ? `${batch.paidBy} · ${formatDateTime(batch.paidAt)}` : "—"}</dd>
            </div>
          </dl>
        </Card>
        {payments && (
          <Card title="银行代发与回盘">
            <div className="space-y-4 text-sm">
              <p data-testid="payment-progress">
                {batch.status === "PAID" ? "全部付款已到账或已处理，批次已发放。" : "批次在每笔付款已到账或退回已处理后自动成为“已发放”。"}{" "}
                {payments.counts.map((c) => `${PAYMENT_STATUS_LABELS[c.status]} ${c.lines} 笔（${formatFen(c.fen)}）`).join("，")}
              </p>
              <div>
                <h3 className="mb-2 font-medium">下载代发文件（{payments.payableLines} 笔）</h3>
                <div className="flex flex-wrap gap-2">
                  {payments.layouts.map((l) => (
                    <a
                      key={l.id}
                      href={`/batches/${batch.id}/payment-file?layout=${l.id}`}
                      className="rounded border border-brand-700 px-3 py-1 text-brand-700 hover:bg-brand-50"
                      download
                    >
                      {l.name}
                      {l.isDefault ? "（默认）" : ""}
                    </a>
                  ))}
                </div>
                <p className="mt-1 text-xs text-slate-500">同一批次、同一格式每次生成的文件完全相同（SHA-256 记入审计日志）；请勿向银行重复提交。</p>
              </div>
              {payments.notPayable.length > 0 && (
                <div>
                  <h3 className="mb-2 font-medium text-red-700">不能代发 {payments.notPayable.length} 笔（不在代发文件中）</h3>
                  <Table head={["序号", "收款人", "金额", "原因"]}>
                    {payments.notPayable.slice(0, 50).map((l) => (
                      <tr key={l.reference}>
                        <Td>{l.seq}</Td>
                        <Td>{l.name}</Td>
                        <Td className="tabular-nums">{formatFen(l.amountFen)}</Td>
                        <Td className="text-xs">{l.reason}</Td>
                      </tr>
                    ))}
                  </Table>
                </div>
              )}
              {batch.status === "APPROVED" && (
                <div>
                  <h3 className="mb-2 font-medium">导入银行回盘</h3>
                  <ReturnUpload
                    batchId={batch.id}
                    layouts={payments.layouts}
                    limit={RETURN_UPLOAD_LIMIT}
                    canConfirm={confirmReturn.ok}
                    confirmNote={confirmReturn.ok ? null : confirmReturn.reason}
                  />
                </div>
              )}
              {payments.returns.length > 0 && (
                <Table head={["已导入的回盘", "到账", "退回", "导入人"]}>
                  {payments.returns.map((r) => (
                    <tr key={r.id}>
                      <Td>
                        <div>{r.fileName}</div>
                        <div className="break-all font-mono text-xs text-slate-500">{r.sha256.slice(0, 16)}…</div>
                      </Td>
                      <Td className="tabular-nums">
                        {r.paidLines} 笔 {formatFen(r.paidFen)}
                      </Td>
                      <Td className="tabular-nums">
                        {r.returnedLines} 笔 {formatFen(r.returnedFen)}
                      </Td>
                      <Td>
                        {r.appliedBy} · {formatDateTime(r.appliedAt)}
                      </Td>
                    </tr>
                  ))}
                </Table>
              )}
            </div>
          </Card>
        )}
        <Card
          title="按组织和资金来源汇总"
          actions={<ExportLinks href={`/batches/${batch.id}/export`} params={{ batch: batch.id }} auditor={false} kind="BATCH_LINES" />}
        >
          {remaining !== null && (
            <div className="mb-3">
              <AllocationHeadroom
                organisationName={actor.organisation.name}
                year={allocationYear}
                fundLabel={FUND_SOURCE_LABELS[batch.fundSource]}
                remainingFen={remaining}
                neededFen={batch.totalFen}
                what="本批次合计"
              />
            </div>
          )}
          <p className="mb-3 text-sm" data-testid="batch-totals">
            发放名单 <span className="font-semibold">{batch.includedLines.toLocaleString("zh-CN")}</span> 条，合计{" "}
            <span className="font-semibold">{formatFen(batch.totalFen)}</span>（{FUND_SOURCE_LABELS[batch.fundSource]}）；移出 {batch.removedLines} 条
          </p>
          {batch.organisations.length > 0 && (
            <Table head={["组织", "资金来源", "户（人）数", "金额"]}>
              {batch.organisations.map((o) => (
                <tr key={o.organisationId}>
                  <Td>{o.name}</Td>
                  <Td>{FUND_SOURCE_LABELS[batch.fundSource]}</Td>
                  <Td className="tabular-nums">{o.lines.toLocaleString("zh-CN")}</Td>
                  <Td className="tabular-nums">{formatFen(o.totalFen)}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        {settling && receipts.method !== "BANK" && (
          <Card title="发放结果">
            <p className="text-sm" data-testid="payment-outcomes">
              {(Object.keys(PAYMENT_STATUS_LABELS) as PaymentStatus[])
                .filter((k) => receipts.outcomes[k])
                .map((k) => `${paymentStatusLabel(k, receipts.method)} ${receipts.outcomes[k]} 户`)
                .join("，") || "—"}
            </p>
          </Card>
        )}
        {receipts.method !== "BANK" && settling && (
          <Card
            title="签收表与签收登记"
            actions={
              <a href={`/print/receipts/${batch.id}`} target="_blank" rel="noopener" className={buttonClass("secondary")}>
                打印签收表
              </a>
            }
          >
            <div className="space-y-4">
              <p className="text-sm text-slate-600">
                打印签收表，由领取人本人签字并填写日期；将签字后的签收表扫描上传，再逐户标记已签收或未领取。审批后超过政策规定天数仍未签收的户，由每日任务冲回台账并记为未领取。
              </p>
              {receipts.scans.length > 0 && (
                <ul className="space-y-1 text-sm" data-testid="receipt-scans">
                  {receipts.scans.map((s) => (
                    <li key={s.id}>
                      <a href={`/api/receipt-scans/${s.id}`} target="_blank" rel="noopener" className="text-brand-700 hover:underline">
                        {s.originalName}
                      </a>
                      <span className="text-slate-500">
                        {" "}
                        · {Math.max(1, Math.ceil(s.sizeBytes / 1024))} KB · {s.uploadedBy.name} · {formatDateTime(s.uploadedAt)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {!receipts.scanRefusal && batch.status === "APPROVED" && <ReceiptScanUpload batchId={batch.id} limit={currentEvidenceUploadLimit()} />}
              {receipts.waiting.total > 0 && (
                <>
                  <h3 className="text-sm font-semibold text-slate-800">待签收 {receipts.waiting.total} 户</h3>
                  <ReceiptMarking
                    batchId={batch.id}
                    goods={receipts.goods}
                    refusal={receipts.markRefusal}
                    lines={receipts.waiting.rows.map((l) => ({
                      id: l.id,
                      holderName: l.holderName,
                      organisationName: l.organisationName,
                      amount: formatFen(l.amountFen),
                    }))}
                  />
                  <Pagination
                    page={receipts.waiting.page}
                    pageCount={receipts.waiting.pageCount}
                    total={receipts.waiting.total}
                    pageParam="waiting"
                    params={{ view: removedView ? "removed" : undefined, page: query.page }}
                  />
                </>
              )}
            </div>
          </Card>
        )}
        {sample && (
          <Card
            title="回访核实抽样"
            actions={
              <Link href={`/callbacks?batchId=${batch.id}&status=all`} className={buttonClass("secondary")}>
                回访名单
              </Link>
            }
          >
            <div className="space-y-3 text-sm" data-testid="callback-sample">
              <p>
                批次发放完成后，从已到账、已签收的 {sample.population} 户中按 {(sample.share * 100).toFixed(0)}% 抽取（每个基层工会至少 1 户），共{" "}
                {sample.sampled} 户； 随机种子 <span className="font-mono">{sample.seed}</span>（按户的编号排序后用该种子洗牌，可复现）。抽样时间{" "}
                {formatDateTime(sample.drawnAt)}。
              </p>
              <p>
                回访进度：已回访 {sample.sampled - (sample.outcomes.OPEN ?? 0)} / {sample.sampled} 户
                {(Object.keys(CALLBACK_OUTCOME_LABELS) as CallbackOutcome[])
                  .filter((k) => sample.outcomes[k])
                  .map((k) => `，${CALLBACK_OUTCOME_LABELS[k]} ${sample.outcomes[k]}`)
                  .join("")}
                。
              </p>
              {receipts.callerRefusal && <p className="text-amber-800">{receipts.callerRefusal}</p>}
              <Table head={["基层工会", "已到账/已签收（户）", "抽取（户）"]}>
                {sample.perUnion.map((u) => (
                  <tr key={u.organisationId}>
                    <Td>{u.name}</Td>
                    <Td className="tabular-nums">{u.population}</Td>
                    <Td className="tabular-nums">{u.sampled}</Td>
                  </tr>
                ))}
              </Table>
            </div>
          </Card>
        )}
        <Card title="名单">
          <div className="mb-3 flex gap-2 text-sm">
            <Link
              href={`/batches/${batch.id}`}
              className={`rounded-full border px-3 py-1 ${!removedView ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
            >
              发放名单 {batch.includedLines}
            </Link>
            <Link
              href={`/batches/${batch.id}?view=removed`}
              className={`rounded-full border px-3 py-1 ${removedView ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
            >
              移出名单 {batch.removedLines}
            </Link>
          </div>
          {lines.rows.length === 0 ? (
            <EmptyState title={removedView ? "没有移出的对象" : "名单为空"} />
          ) : (
            <>
              <Table
                head={[
                  "建档职工",
                  "组织",
                  "生成时类别 / 级别",
                  "收款账户",
                  "金额",
                  removedView ? "移出原因" : "调整",
                  ...(settling && !removedView ? ["发放结果"] : []),
                  ...(editable ? [""] : []),
                ]}
              >
                {lines.rows.map((l) => (
                  <tr key={l.id} data-testid="batch-line">
                    <Td>
                      <Link href={`/files/${l.fileId}`} className="text-brand-700 hover:underline">
                        {l.holderName}
                      </Link>
                      {l.student && <div className="text-xs text-slate-500">学生 {l.student}</div>}
                    </Td>
                    <Td>{l.organisationName}</Td>
                    <Td>
                      {l.tier ? TIER_LABELS[l.tier] : "—"} / {l.fileLevel ? FILE_LEVEL_LABELS[l.fileLevel] : "—"}
                    </Td>
                    <Td className="font-mono text-xs">{l.account ?? "—"}</Td>
                    <Td className="tabular-nums">
                      {l.adjustedAmountFen !== null ? (
                        <>
                          <s className="text-slate-500">{formatFen(l.amountFen)}</s> {formatFen(l.adjustedAmountFen)}
                        </>
                      ) : (
                        formatFen(l.amountFen)
                      )}
                    </Td>
                    <Td className="text-xs">{removedView ? l.removedReason : (l.adjustReason ?? "")}</Td>
                    {settling && !removedView && (
                      <Td className="text-xs">
                        {l.paymentStatus ? paymentStatusLabel(l.paymentStatus, batch.paymentMethod) : "—"}
                        {l.paymentReason ? <div className="text-slate-500">{l.paymentReason}</div> : null}
                      </Td>
                    )}
                    {editable && (
                      <Td>
                        <LineActions
                          batchRef={batchRef}
                          line={{ id: l.id, removed: removedView, amount: fenToYuanString(l.adjustedAmountFen ?? l.amountFen) }}
                        />
                      </Td>
                    )}
                  </tr>
                ))}
              </Table>
              <Pagination page={lines.page} pageCount={lines.pageCount} total={lines.total} params={{ view: removedView ? "removed" : undefined }} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
