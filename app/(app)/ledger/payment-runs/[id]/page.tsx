import Link from "next/link";
import { notFound } from "next/navigation";
import { ReturnUpload } from "@/components/payments/return-upload";
import { Card, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { canConfirmRunReturn, mayHandleBankFiles } from "@/lib/payments/rules";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { PAGE_SIZE, pageFrom } from "@/lib/data/pagination";
import { NotFoundError } from "@/lib/errors/domain-error";
import { formatDateTime } from "@/lib/format/datetime";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { getPaymentRun } from "@/lib/payments/find-payment-runs";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/labels";
import { listBankLayouts } from "@/lib/payments/layouts";
import { runPaymentFileLines } from "@/lib/payments/produce-run-payment-file";
import { RETURN_UPLOAD_LIMIT } from "@/lib/uploads/limits";

export const metadata = { title: "代发汇总" };

export default async function PaymentRunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.ledger);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const page = pageFrom((await searchParams).page);
  const run = await getPaymentRun(actor, id).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const [layouts, lines] = await Promise.all([listBankLayouts(actor), runPaymentFileLines(actor, run.id)]);
  const all = [
    ...lines.payable.map((l) => ({ ...l, reason: null as string | null })),
    ...lines.notPayable.map((l) => ({ ...l, paymentStatus: null, reason: l.reason })),
  ].sort((a, b) => a.seq - b.seq);
  const shown = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const payer = mayHandleBankFiles(actor).ok;
  const confirmReturn = canConfirmRunReturn(actor, run);
  const c = run.counts;
  return (
    <>
      <PageHeader
        title={run.name}
        description={`${run.organisation.name} · ${FUND_SOURCE_LABELS[run.fundSource]} · ${run.createdBy.name} 汇总于 ${formatDateTime(run.createdAt)}`}
        actions={
          <Link href="/ledger/payment-runs" className="text-sm text-brand-700 hover:underline">
            全部代发汇总
          </Link>
        }
      />
      <div className="space-y-4">
        <Card title="银行代发与回盘">
          <div className="space-y-4 text-sm">
            <p data-testid="run-progress">
              共 {c.WAITING + c.PAID + c.RETURNED + c.CLOSED} 笔 {formatFen(c.totalFen)}：待回盘 {c.WAITING} 笔，已到账 {c.PAID} 笔，退回待处理 {c.RETURNED}{" "}
              笔，退回后已关闭 {c.CLOSED} 笔。
            </p>
            {payer && (
              <div>
                <h3 className="mb-2 font-medium">下载代发文件（{lines.payable.length} 笔）</h3>
                <div className="flex flex-wrap gap-2">
                  {layouts.map((l) => (
                    <a
                      key={l.id}
                      href={`/ledger/payment-runs/${run.id}/payment-file?layout=${l.id}`}
                      className="rounded border border-brand-700 px-3 py-1 text-brand-700 hover:bg-brand-50"
                      download
                    >
                      {l.name}
                      {l.isDefault ? "（默认）" : ""}
                    </a>
                  ))}
                </div>
                <p className="mt-1 text-xs text-slate-500">同一汇总、同一格式每次生成的文件完全相同（SHA-256 记入审计日志）；请勿向银行重复提交。</p>
              </div>
            )}
            {payer && c.WAITING > 0 && (
              <div>
                <h3 className="mb-2 font-medium">导入银行回盘</h3>
                <ReturnUpload
                  runId={run.id}
                  layouts={layouts}
                  limit={RETURN_UPLOAD_LIMIT}
                  canConfirm={confirmReturn.ok}
                  confirmNote={confirmReturn.ok ? null : confirmReturn.reason}
                />
              </div>
            )}
            {run.returns.length > 0 && (
              <Table head={["已导入的回盘", "到账", "退回", "导入人"]}>
                {run.returns.map((r) => (
                  <tr key={r.id}>
                    <Td>{r.fileName}</Td>
                    <Td className="tabular-nums">
                      {r.paidLines} 笔 {formatFen(Number(r.paidFen))}
                    </Td>
                    <Td className="tabular-nums">
                      {r.returnedLines} 笔 {formatFen(Number(r.returnedFen))}
                    </Td>
                    <Td>
                      {r.appliedBy.name} · {formatDateTime(r.appliedAt)}
                    </Td>
                  </tr>
                ))}
              </Table>
            )}
          </div>
        </Card>
        <Card title="付款明细">
          <Table head={["序号", "收款人", "金额", "参考号", "状态"]}>
            {shown.map((l) => (
              <tr key={l.reference} data-testid="run-line">
                <Td className="tabular-nums">{l.seq}</Td>
                <Td>{l.name}</Td>
                <Td className="tabular-nums">{formatFen(l.amountFen)}</Td>
                <Td className="font-mono text-xs">{l.reference}</Td>
                <Td>
                  {l.reason ? <span className="text-red-700">不能代发：{l.reason}</span> : l.paymentStatus ? PAYMENT_STATUS_LABELS[l.paymentStatus] : "—"}
                </Td>
              </tr>
            ))}
          </Table>
          <Pagination page={page} pageCount={Math.max(1, Math.ceil(all.length / PAGE_SIZE))} total={all.length} params={{}} />
        </Card>
      </div>
    </>
  );
}
