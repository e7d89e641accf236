import Link from "next/link";
import { CreatePaymentRun } from "@/components/payments/create-payment-run";
import { Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { mayHandleBankFiles } from "@/lib/payments/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { findPaymentRuns } from "@/lib/payments/find-payment-runs";

export const metadata = { title: "单笔发放代发汇总" };

export default async function PaymentRunsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.ledger);
  const query = await searchParams;
  const runs = await findPaymentRuns(actor, { page: pageFrom(query.page) });
  const canGroup = mayHandleBankFiles(actor).ok;
  return (
    <>
      <PageHeader
        title="单笔发放代发汇总"
        description="把本单位已审批、发往本人实名银行账户、尚未代发的单笔发放，按资金来源汇总成一份银行代发文件；银行回盘导入后逐笔标记已到账或退回（退回的自动在台账中写入银行退回冲回）。"
        actions={canGroup ? <CreatePaymentRun organisationId={actor.organisation.id} organisationName={actor.organisation.name} /> : undefined}
      />
      <Card>
        {runs.rows.length === 0 ? (
          <EmptyState title="还没有代发汇总" />
        ) : (
          <>
            <Table head={["名称", "付款单位 · 资金来源", "笔数 · 金额", "待回盘 / 已到账 / 退回 / 已关闭", "汇总人"]}>
              {runs.rows.map((r) => (
                <tr key={r.id} data-testid="payment-run">
                  <Td>
                    <Link href={`/ledger/payment-runs/${r.id}`} className="text-brand-700 hover:underline">
                      {r.name}
                    </Link>
                  </Td>
                  <Td>
                    {r.organisation.name}
                    <div className="text-xs text-slate-500">{FUND_SOURCE_LABELS[r.fundSource]}</div>
                  </Td>
                  <Td className="tabular-nums">
                    {r.counts.WAITING + r.counts.PAID + r.counts.RETURNED + r.counts.CLOSED} 笔 · {formatFen(r.counts.totalFen)}
                  </Td>
                  <Td className="tabular-nums">
                    {r.counts.WAITING} / {r.counts.PAID} / {r.counts.RETURNED} / {r.counts.CLOSED}
                  </Td>
                  <Td>
                    {r.createdBy.name}
                    <div className="text-xs text-slate-500">{formatDateTime(r.createdAt)}</div>
                  </Td>
                </tr>
              ))}
            </Table>
            <Pagination page={runs.page} pageCount={runs.pageCount} total={runs.total} params={{}} />
          </>
        )}
      </Card>
    </>
  );
}
