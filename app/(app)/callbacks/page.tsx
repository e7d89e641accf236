import Link from "next/link";
import { RecordCallbackButton } from "@/components/payments/callback-buttons";
import { buttonClass } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { mayCallBack, mayReadCallbackReport, mayResolveCallbackProblems } from "@/lib/payments/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import { findCallbacks } from "@/lib/payments/find-callbacks";
import { CALLBACK_OUTCOME_LABELS, PAYMENT_METHOD_LABELS, PROBLEM_OUTCOMES } from "@/lib/payments/labels";
import { callbackCallerProblem } from "@/lib/payments/record-callback";
import { ZCallbackFilters } from "@/lib/payments/schemas";

export const metadata = { title: "回访核实" };

const STATUS_LABELS = { open: "待回访", done: "已回访", problem: "未收到或金额不符", all: "全部" } as const;

// 回访名单: the households drawn for a call-back in the actor's scope. A caller who took part in a
// batch sees its households but not the button (the domain refuses them as well).
export default async function CallbacksPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.callbacks);
  const params = await searchParams;
  const filters = ZCallbackFilters.parse(params);
  const result = await findCallbacks(actor, filters, pageFrom(params.page));
  const caller = mayCallBack(actor).ok;
  return (
    <>
      <PageHeader
        title="回访核实"
        description="批次发放完成后按比例随机抽取的家庭，请由未参与该批次编制、审批、发放的人员电话回访，核实款物是否到户。"
        actions={
          <span className="flex flex-wrap gap-2">
            {mayResolveCallbackProblems(actor).ok && (
              <Link href="/callbacks/problems" className={buttonClass("secondary")}>
                待核查问题
              </Link>
            )}
            {mayReadCallbackReport(actor).ok && (
              <Link href="/callbacks/coverage" className={buttonClass("secondary")}>
                覆盖率与问题率
              </Link>
            )}
          </span>
        }
      />
      <SearchForm>
        {filters.batchId && <input type="hidden" name="batchId" value={filters.batchId} />}
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">状态</span>
          <Select name="status" defaultValue={filters.status}>
            {Object.entries(STATUS_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">户主姓名</span>
          <Input name="q" defaultValue={filters.q} placeholder="如 张" />
        </label>
      </SearchForm>
      {filters.batchId && (
        <p className="mb-3 text-sm text-slate-600">
          仅显示一个批次的回访名单。
          <Link className="text-brand-700 underline" href={`/callbacks?status=${filters.status}`}>
            查看全部批次
          </Link>
        </p>
      )}
      {result.rows.length === 0 ? (
        <EmptyState title={filters.status === "open" ? "没有待回访的家庭" : "没有符合条件的回访记录"}>
          批次发放完成（已到账或已签收）后会自动抽取回访名单。
        </EmptyState>
      ) : (
        <>
          <Table head={["户主", "基层工会", "批次", "金额", "回访结果", "回访人 / 时间", ""]}>
            {result.rows.map((r) => {
              const refusal = callbackCallerProblem(r.batch, actor);
              return (
                <tr key={r.id} data-testid="callback-row">
                  <Td>
                    <Link href={`/files/${r.file.id}`} className="text-brand-700 hover:underline">
                      {r.file.holderName ?? "—"}
                    </Link>
                    <div className="text-xs text-slate-500">{r.file.fileNumber ?? ""}</div>
                  </Td>
                  <Td>{r.organisation.name}</Td>
                  <Td>
                    <Link href={`/batches/${r.batch.id}`} className="text-brand-700 hover:underline">
                      {r.batch.name}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {PAYMENT_METHOD_LABELS[r.batch.paymentMethod]}
                      {r.batch.goodsDescription ? `（${r.batch.goodsDescription}）` : ""}
                    </div>
                  </Td>
                  <Td className="tabular-nums">{formatFen(r.amountFen)}</Td>
                  <Td>
                    {r.outcome ? (
                      <Badge tone={PROBLEM_OUTCOMES.includes(r.outcome) ? "red" : r.outcome === "RECEIVED" ? "green" : "amber"}>
                        {CALLBACK_OUTCOME_LABELS[r.outcome]}
                      </Badge>
                    ) : (
                      <Badge>待回访</Badge>
                    )}
                    {r.note && <div className="mt-1 text-xs text-slate-600">{r.note}</div>}
                  </Td>
                  <Td className="text-xs">{r.calledBy ? `${r.calledBy.name} · ${formatDateTime(r.calledAt)}` : ""}</Td>
                  <Td>
                    {!r.outcome && caller && !refusal && <RecordCallbackButton callId={r.id} holderName={r.file.holderName ?? ""} />}
                    {!r.outcome && caller && refusal && (
                      <span className="text-xs text-slate-500" title={refusal}>
                        您参与了该批次，不能回访
                      </span>
                    )}
                  </Td>
                </tr>
              );
            })}
          </Table>
          <Pagination
            page={result.page}
            pageCount={result.pageCount}
            total={result.total}
            params={{ status: filters.status, q: filters.q, batchId: filters.batchId }}
          />
        </>
      )}
    </>
  );
}
