import Link from "next/link";
import { ReturnedActions } from "@/components/payments/returned-actions";
import { Field, Input } from "@/components/ui/field";
import { EmptyState, PageHeader, Card } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { mayHandleReturnedPayments } from "@/lib/payments/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import { findReturnedLines } from "@/lib/payments/find-returned-lines";
import { findReturnedDisbursements } from "@/lib/payments/find-returned-disbursements";
import { CloseReturnedDisbursement } from "@/components/payments/close-returned-disbursement";

export const metadata = { title: "发放退回待处理" };

export default async function ReturnedPaymentsPage({ searchParams }: { searchParams: Promise<{ page?: string; q?: string; spage?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.batches);
  const query = await searchParams;
  const q = query.q?.trim().slice(0, 20) || undefined;
  const [lines, singles] = await Promise.all([
    findReturnedLines(actor, { page: pageFrom(query.page), q }),
    findReturnedDisbursements(actor, { page: pageFrom(query.spage), q }),
  ]);
  const caseworker = mayHandleReturnedPayments(actor).ok;
  return (
    <>
      <PageHeader
        title="发放退回待处理"
        description="银行退回的付款（台账已写入银行退回冲回）：更正本人实名账户后重发，或写明原因关闭。每笔处理完后，原批次在全部付款到账或处理后自动成为“已发放”。"
      />
      <SearchForm>
        <Field label="建档职工姓名" htmlFor="q">
          <Input id="q" name="q" defaultValue={q} />
        </Field>
      </SearchForm>
      <Card>
        {lines.rows.length === 0 ? (
          <EmptyState title="没有待处理的退回付款" />
        ) : (
          <>
            <Table head={["建档职工", "批次", "金额", "退回原因", "退回的账户 / 现账户", ...(caseworker ? ["处理"] : [])]}>
              {lines.rows.map((l) => (
                <tr key={l.lineId} data-testid="returned-line">
                  <Td>
                    <Link href={`/files/${l.fileId}`} className="text-brand-700 hover:underline">
                      {l.holderName}
                    </Link>
                    <div className="text-xs text-slate-500">{formatDateTime(l.returnedAt)}</div>
                  </Td>
                  <Td>
                    <Link href={`/batches/${l.batchId}`} className="hover:underline">
                      {l.batchName}
                    </Link>
                  </Td>
                  <Td className="tabular-nums">{formatFen(l.amountFen)}</Td>
                  <Td>{l.reason}</Td>
                  <Td className="font-mono text-xs">
                    {l.returnedAccount}
                    <div className={l.corrected ? "text-green-700" : "text-slate-500"}>{l.corrected ? `已更正：${l.currentAccount}` : "尚未更正"}</div>
                  </Td>
                  {caseworker && (
                    <Td>
                      {l.reissue ? (
                        <Link href={`/batches/${l.reissue.batchId}`} className="text-brand-700 hover:underline">
                          已列入重发批次：{l.reissue.name}
                        </Link>
                      ) : (
                        <ReturnedActions
                          line={{ lineId: l.lineId, fileId: l.fileId, holderName: l.holderName, corrected: l.corrected, amount: formatFen(l.amountFen) }}
                        />
                      )}
                    </Td>
                  )}
                </tr>
              ))}
            </Table>
            <Pagination page={lines.page} pageCount={lines.pageCount} total={lines.total} params={{ q }} />
          </>
        )}
      </Card>
      {singles.total > 0 && (
        <Card title="单笔发放（代发汇总）退回">
          <p className="mb-3 text-sm text-slate-600">单笔发放退回后台账已冲回，不在原处重发：更正本人实名账户后另行申请一笔发放，并在关闭原因中注明。</p>
          <Table head={["建档职工", "代发汇总", "金额", "退回原因", "退回的账户", ...(caseworker ? ["处理"] : [])]}>
            {singles.rows.map((d) => (
              <tr key={d.disbursementId} data-testid="returned-single">
                <Td>
                  <Link href={`/files/${d.fileId}`} className="text-brand-700 hover:underline">
                    {d.holderName}
                  </Link>
                  <div className="text-xs text-slate-500">{formatDateTime(d.returnedAt)}</div>
                </Td>
                <Td>
                  <Link href={`/ledger/payment-runs/${d.runId}`} className="hover:underline">
                    {d.runName}
                  </Link>
                </Td>
                <Td className="tabular-nums">{formatFen(d.amountFen)}</Td>
                <Td>{d.reason}</Td>
                <Td className="font-mono text-xs">{d.returnedAccount}</Td>
                {caseworker && (
                  <Td>
                    <CloseReturnedDisbursement disbursementId={d.disbursementId} />
                  </Td>
                )}
              </tr>
            ))}
          </Table>
          <Pagination page={singles.page} pageCount={singles.pageCount} total={singles.total} params={{ q }} pageParam="spage" />
        </Card>
      )}
    </>
  );
}
