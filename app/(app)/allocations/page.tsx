import Link from "next/link";
import { AllocationForm } from "@/components/allocations/allocation-form";
import { Input, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { findAdjustableAllocations, findAllocations, findBalances } from "@/lib/allocations/find-allocations";
import { ALLOCATION_KIND_LABELS, ENTERABLE_KINDS, mayReceiveFromOutside } from "@/lib/allocations/labels";
import { mayRecordAllocation } from "@/lib/allocations/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import type { AllocationKind, FundSource } from "@/lib/generated/prisma/enums";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";

export const metadata = { title: "资金下拨与额度" };

type TParams = { year?: string; fund?: string; kind?: string; org?: string; page?: string };
const FUNDS = Object.keys(FUND_SOURCE_LABELS) as FundSource[];

export default async function AllocationsPage({ searchParams }: { searchParams: Promise<TParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.allocations);
  const params = await searchParams;
  const today = todayInShanghai();
  const year = /^\d{4}$/.test(params.year ?? "") ? Number(params.year) : Number(today.slice(0, 4));
  const fundSource = FUNDS.includes(params.fund as FundSource) ? (params.fund as FundSource) : undefined;
  const kind = params.kind && params.kind in ALLOCATION_KIND_LABELS ? (params.kind as AllocationKind) : undefined;
  const organisationId = params.org && isUuid(params.org) ? params.org : undefined;
  const mayEnter = mayRecordAllocation(actor).ok;
  const [balances, list, adjustable] = await Promise.all([
    findBalances(actor, year),
    findAllocations(actor, { year, fundSource, kind, organisationId, page: pageFrom(params.page) }),
    mayEnter ? findAdjustableAllocations(actor, year) : Promise.resolve([]),
  ]);
  const own = balances.find((b) => b.own)!;
  const children = balances.filter((b) => !b.own);
  const top = mayReceiveFromOutside(own.level);
  const kept = { year: String(year), fund: fundSource, kind, org: organisationId };

  return (
    <>
      <PageHeader
        title="资金下拨与额度"
        description={`${actor.organisation.name} · ${year} 年度。审批发放时，审批人所在单位的可用额度须足够支付。`}
        actions={
          <Link href={`/allocations/report?kind=year&year=${year}`} className="text-sm text-brand-700 hover:underline">
            资金额度使用报表
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title={`${year} 年可用额度`}>
          <Table head={["单位", ...FUNDS.map((f) => FUND_SOURCE_LABELS[f])]}>
            {[own, ...children].map((b) => (
              <tr key={b.organisationId} className={b.own ? "bg-brand-50/40 font-medium" : ""}>
                <Td className="whitespace-nowrap">
                  <Link href={`/allocations?year=${year}&org=${b.organisationId}`} className="text-brand-700 hover:underline">
                    {b.name}
                  </Link>
                  {b.own && <span className="ml-1 text-xs text-slate-500">（本单位）</span>}
                </Td>
                {FUNDS.map((f) => (
                  <Td key={f} className="text-right tabular-nums whitespace-nowrap">
                    {formatFen(b.byFund[f] ?? 0)}
                  </Td>
                ))}
              </tr>
            ))}
          </Table>
        </Card>
        {mayEnter && (
          <Card title="登记拨入、下拨或调整">
            <AllocationForm
              kinds={ENTERABLE_KINDS.filter((k) => k !== "RECEIVED" || top)}
              organisationName={actor.organisation.name}
              recipients={children.map((c) => ({ id: c.organisationId, name: c.name }))}
              adjustable={adjustable.map((a) => ({
                id: a.id,
                fundSource: a.fundSource,
                recipient: a.recipient,
                netFen: a.netFen,
                year,
                label: `${a.entryDate} ${ALLOCATION_KIND_LABELS[a.kind]}${a.recipient ? ` ${a.recipient}` : ""} ${FUND_SOURCE_LABELS[a.fundSource]} ${formatFen(a.netFen)}`,
              }))}
              balances={Object.fromEntries([["", own.byFund], ...children.map((c) => [c.organisationId, c.byFund])])}
              year={year}
              today={today}
            />
          </Card>
        )}
        <Card title="登记簿">
          <SearchForm>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">年度</span>
              <Input name="year" inputMode="numeric" defaultValue={String(year)} className="w-24" />
            </label>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">资金来源</span>
              <Select name="fund" defaultValue={fundSource ?? ""}>
                <option value="">全部</option>
                {FUNDS.map((f) => (
                  <option key={f} value={f}>
                    {FUND_SOURCE_LABELS[f]}
                  </option>
                ))}
              </Select>
            </label>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">类型</span>
              <Select name="kind" defaultValue={kind ?? ""}>
                <option value="">全部</option>
                {Object.entries(ALLOCATION_KIND_LABELS).map(([k, l]) => (
                  <option key={k} value={k}>
                    {l}
                  </option>
                ))}
              </Select>
            </label>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">单位</span>
              <Select name="org" defaultValue={organisationId ?? ""}>
                <option value="">全部</option>
                {[own, ...children].map((b) => (
                  <option key={b.organisationId} value={b.organisationId}>
                    {b.name}
                  </option>
                ))}
              </Select>
            </label>
          </SearchForm>
          {list.rows.length === 0 ? (
            <EmptyState title="没有符合条件的记录">{mayEnter ? "可在上方登记拨入或下拨。" : "上级单位下拨资金后会显示在这里。"}</EmptyState>
          ) : (
            <>
              <Table head={["日期", "类型", "资金来源", "下拨单位 / 拨入单位", "接收单位", "金额", "文号或说明", "登记人"]}>
                {list.rows.map((r) => (
                  <tr key={r.id}>
                    <Td className="whitespace-nowrap">{r.entryDate}</Td>
                    <Td className="whitespace-nowrap">
                      <Badge tone={r.kind === "PASS_DOWN" ? "sky" : r.kind === "ADJUSTMENT" ? "amber" : "green"}>{ALLOCATION_KIND_LABELS[r.kind]}</Badge>
                    </Td>
                    <Td className="whitespace-nowrap">{FUND_SOURCE_LABELS[r.fundSource]}</Td>
                    <Td className="whitespace-nowrap">{r.kind === "RECEIVED" ? `${r.source ?? "—"} → ${r.organisation.name}` : r.organisation.name}</Td>
                    <Td className="whitespace-nowrap">{r.recipient?.name ?? "—"}</Td>
                    <Td className={`text-right tabular-nums whitespace-nowrap ${r.amountFen < 0 ? "text-red-700" : ""}`}>{formatFen(r.amountFen)}</Td>
                    <Td>
                      {r.note}
                      {r.adjusts && (
                        <span className="block text-xs text-slate-500">
                          调整 {r.adjusts.entryDate} 的{ALLOCATION_KIND_LABELS[r.adjusts.kind]}记录
                        </span>
                      )}
                    </Td>
                    <Td className="whitespace-nowrap text-xs text-slate-600">
                      {r.recordedBy ? `${r.recordedBy} · ${formatDateTime(r.createdAt)}` : "系统生成"}
                    </Td>
                  </tr>
                ))}
              </Table>
              <Pagination page={list.page} pageCount={list.pageCount} total={list.total} params={kept} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
