import { buttonClass } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Alert, EmptyState, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/session";
import { todayInShanghai } from "@/lib/format/datetime";
import { CALLBACK_REPORT_READERS, findCallbackCoverage, type TCoverageRow } from "@/lib/payments/callback-coverage";
import { ZCoveragePeriod } from "@/lib/payments/schemas";

export const metadata = { title: "回访覆盖率与问题率" };

const percent = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

function Row({ r, total = false }: { r: TCoverageRow; total?: boolean }) {
  const cell = total ? "font-semibold" : "";
  return (
    <tr data-testid={total ? "coverage-total" : "coverage-row"}>
      <Td className={cell}>{r.name}</Td>
      {[r.paidLines, r.sampled, r.called, r.received, r.notReceived, r.amountMismatch, r.unreachable].map((n, i) => (
        <Td key={i} className={`tabular-nums ${cell}`}>
          {n}
        </Td>
      ))}
      <Td className={`tabular-nums ${cell}`}>{percent(r.coverage)}</Td>
      <Td className={`tabular-nums ${cell}`}>{percent(r.problemRate)}</Td>
    </tr>
  );
}

export default async function CoveragePage({ searchParams }: { searchParams: Promise<{ from?: string; to?: string }> }) {
  const actor = await requirePageActor(...CALLBACK_REPORT_READERS);
  const params = await searchParams;
  const today = todayInShanghai();
  const parsed = ZCoveragePeriod.safeParse({ from: params.from || `${today.slice(0, 4)}-01-01`, to: params.to || today });
  const report = parsed.success ? await findCallbackCoverage(actor, parsed.data) : null;
  return (
    <>
      <PageHeader
        title="回访覆盖率与问题率"
        description="按发放对象所在基层工会统计期间内发放完成的批次：已到账或已签收户数、抽取与已回访户数、各回访结果；覆盖率 = 已回访 ÷ 已到账/已签收，问题率 = （未收到 + 金额不符）÷ 已回访。"
        actions={
          report && (
            <a href={`/callbacks/coverage/export?from=${report.period.from}&to=${report.period.to}`} className={buttonClass("secondary")}>
              下载 Excel
            </a>
          )
        }
      />
      <SearchForm>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">起始日期</span>
          <Input type="date" name="from" defaultValue={params.from || `${today.slice(0, 4)}-01-01`} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">截止日期</span>
          <Input type="date" name="to" defaultValue={params.to || today} />
        </label>
      </SearchForm>
      {!parsed.success && <Alert>{parsed.error.issues[0]?.message}</Alert>}
      {report &&
        (report.rows.length === 0 ? (
          <EmptyState title="该期间没有发放完成的批次" />
        ) : (
          <Table head={["基层工会", "已到账/已签收", "抽取", "已回访", "已收到", "未收到", "金额不符", "联系不上", "覆盖率", "问题率"]}>
            {report.rows.map((r) => (
              <Row key={r.organisationId} r={r} />
            ))}
            <Row r={report.total} total />
          </Table>
        ))}
    </>
  );
}
