import Link from "next/link";
import { Field, Input, Select } from "@/components/ui/field";
import { Alert, Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/session";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/labels";
import { groupByFundAndMonth, reconcileBatches } from "@/lib/payments/reconcile";
import { ZReconQuery } from "@/lib/payments/schemas";

export const metadata = { title: "资金对账" };

/** The differences listed on the page; the export lists every one. */
const LISTED = 200;

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor("OFFICIAL", "AUDITOR");
  const raw = await searchParams;
  const parsed = ZReconQuery.safeParse(raw);
  const filters = parsed.success ? parsed.data : ZReconQuery.parse({});
  const batches = await reconcileBatches(actor, { ...filters, listed: LISTED });
  const groups = groupByFundAndMonth(batches);
  const differences = batches.flatMap((b) => b.differences).slice(0, LISTED);
  const differenceCount = batches.reduce((sum, b) => sum + b.differenceCount, 0);
  const exportQuery = new URLSearchParams({ from: filters.fromMonth, to: filters.toMonth, ...(filters.fundSource ? { fund: filters.fundSource } : {}) });
  return (
    <>
      <PageHeader
        title="资金对账"
        description="每个银行代发批次：审批金额 − 银行退回 = 已到账（另列待回盘）；台账净额须等于审批 − 退回；银行回盘文件自身的合计须与逐笔状态一致。"
        actions={
          <a
            className="rounded border border-brand-700 px-3 py-1.5 text-sm text-brand-700 hover:bg-brand-50"
            href={`/ledger/reconciliation/export?${exportQuery}`}
          >
            导出 Excel
          </a>
        }
      />
      {!parsed.success && (
        <div className="mb-4">
          <Alert>{parsed.error.issues[0]?.message}</Alert>
        </div>
      )}
      <SearchForm>
        <Field label="起始月份" htmlFor="from">
          <Input id="from" name="from" type="month" defaultValue={filters.fromMonth} />
        </Field>
        <Field label="截止月份" htmlFor="to">
          <Input id="to" name="to" type="month" defaultValue={filters.toMonth} />
        </Field>
        <Field label="资金来源" htmlFor="fund">
          <Select id="fund" name="fund" defaultValue={filters.fundSource ?? ""}>
            <option value="">全部</option>
            {Object.entries(FUND_SOURCE_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
        </Field>
      </SearchForm>
      <div className="space-y-6">
        <p className="text-sm" data-testid="recon-summary">
          {batches.length} 个批次，差异 <Badge tone={differenceCount ? "red" : "green"}>{differenceCount} 条</Badge>
          {batches.length === 500 && "（只列出前 500 个批次，请缩小期间）"}
        </p>
        <Card title="按资金来源和月份">
          {groups.length === 0 ? (
            <EmptyState title="该期间没有已审批的批次" />
          ) : (
            <Table head={["月份", "资金来源", "批次", "审批", "退回", "已到账", "待回盘", "台账净额", "回盘合计（到账 / 退回）", "差异"]}>
              {groups.map((g) => (
                <tr key={`${g.month}${g.fundSource}`}>
                  <Td>{g.month}</Td>
                  <Td>{FUND_SOURCE_LABELS[g.fundSource]}</Td>
                  <Td>{g.batches}</Td>
                  <Td className="tabular-nums">{formatFen(g.approvedFen)}</Td>
                  <Td className="tabular-nums">{formatFen(g.returnedFen)}</Td>
                  <Td className="tabular-nums">{formatFen(g.paidFen)}</Td>
                  <Td className="tabular-nums">{formatFen(g.waitingFen)}</Td>
                  <Td className="tabular-nums">{formatFen(g.ledgerNetFen)}</Td>
                  <Td className="tabular-nums">
                    {formatFen(g.returnFilePaidFen)} / {formatFen(g.returnFileReturnedFen)}
                  </Td>
                  <Td>{g.differences}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        {batches.length > 0 && (
          <Card title="按批次">
            <Table head={["批次", "审批", "退回", "已到账", "待回盘", "台账净额", "差异"]}>
              {batches.map((b) => (
                <tr key={b.batchId} data-testid="recon-batch">
                  <Td>
                    {b.name}
                    <div className="text-xs text-slate-500">
                      {b.month} · {FUND_SOURCE_LABELS[b.fundSource]}
                    </div>
                  </Td>
                  <Td className="tabular-nums">
                    {b.approvedLines} 笔 {formatFen(b.approvedFen)}
                  </Td>
                  <Td className="tabular-nums">
                    {b.returnedLines} 笔 {formatFen(b.returnedFen)}
                  </Td>
                  <Td className="tabular-nums">
                    {b.paidLines} 笔 {formatFen(b.paidFen)}
                  </Td>
                  <Td className="tabular-nums">
                    {b.waitingLines} 笔 {formatFen(b.waitingFen)}
                  </Td>
                  <Td className="tabular-nums">{formatFen(b.ledgerNetFen)}</Td>
                  <Td>
                    <Badge tone={b.differenceCount ? "red" : "green"}>{b.differenceCount}</Badge>
                  </Td>
                </tr>
              ))}
            </Table>
          </Card>
        )}
        {differences.length > 0 && (
          <Card title="差异明细">
            <Table head={["批次", "建档职工", "金额", "付款状态", "台账净额", "应为", "差异"]}>
              {differences.map((d, i) => (
                <tr key={`${d.lineId ?? d.batchId}${i}`}>
                  <Td>{d.batchName}</Td>
                  <Td>{d.holderName}</Td>
                  <Td className="tabular-nums">{formatFen(d.amountFen)}</Td>
                  <Td>{d.status ? PAYMENT_STATUS_LABELS[d.status] : "—"}</Td>
                  <Td className="tabular-nums">{formatFen(d.ledgerNetFen)}</Td>
                  <Td className="tabular-nums">{formatFen(d.expectedLedgerFen)}</Td>
                  <Td>{d.problem}</Td>
                </tr>
              ))}
            </Table>
            {differenceCount > differences.length && (
              <p className="mt-2 text-sm text-slate-600">
                只列出前 {differences.length} 条，共 {differenceCount} 条；全部见导出的 Excel。
              </p>
            )}
          </Card>
        )}
        <p className="text-sm">
          <Link href="/ledger" className="text-brand-700 hover:underline">
            返回台账
          </Link>
        </p>
      </div>
    </>
  );
}
