import Link from "next/link";
import { ResolveProblemButton } from "@/components/payments/callback-buttons";
import { EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import { findCallbackProblems } from "@/lib/payments/find-callbacks";
import { CALLBACK_OUTCOME_LABELS, PAYMENT_METHOD_LABELS } from "@/lib/payments/labels";

export const metadata = { title: "回访问题核查" };

// The auditor's call-back problems: 未收到 or 金额不符, with the line, the call and who called.
export default async function CallbackProblemsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor("AUDITOR");
  const result = await findCallbackProblems(actor, pageFrom((await searchParams).page));
  return (
    <>
      <PageHeader title="回访问题核查" description="回访中家庭称未收到或金额不符的记录（可能存在截留、冒领），请核查后写明结论办结。" />
      {result.rows.length === 0 ? (
        <EmptyState title="没有待核查的回访问题" />
      ) : (
        <>
          <Table head={["户主", "基层工会", "批次 / 发放方式", "应发金额", "回访结果", "回访记录", "回访人 / 时间", ""]}>
            {result.rows.map((r) => (
              <tr key={r.itemId} data-testid="callback-problem">
                <Td>
                  <Link href={`/files/${r.file.id}`} className="text-brand-700 hover:underline">
                    {r.file.holderName ?? "—"}
                  </Link>
                </Td>
                <Td>{r.organisation.name}</Td>
                <Td>
                  {r.batch.name}
                  <div className="text-xs text-slate-500">{PAYMENT_METHOD_LABELS[r.batch.paymentMethod]}</div>
                </Td>
                <Td className="tabular-nums">{formatFen(r.amountFen)}</Td>
                <Td>{r.outcome ? CALLBACK_OUTCOME_LABELS[r.outcome] : "—"}</Td>
                <Td className="text-xs">{r.note}</Td>
                <Td className="text-xs">
                  {r.calledBy?.name ?? ""} · {formatDateTime(r.calledAt)}
                </Td>
                <Td>
                  <ResolveProblemButton itemId={r.itemId} holderName={r.file.holderName ?? ""} />
                </Td>
              </tr>
            ))}
          </Table>
          <Pagination page={result.page} pageCount={result.pageCount} total={result.total} params={{}} />
        </>
      )}
    </>
  );
}
