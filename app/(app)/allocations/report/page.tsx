import Link from "next/link";
import { notFound } from "next/navigation";
import { ReportTableView } from "@/components/reports/report-table";
import { Input, Select } from "@/components/ui/field";
import { OrganisationOptions } from "@/components/ui/organisation-options";
import { Alert, Card, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { ALLOCATION_REPORT_READERS } from "@/lib/allocations/find-allocation-report";
import { allocationReportTable, loadAllocationReport } from "@/lib/allocations/load-allocation-report";
import { requirePageActor } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors/domain-error";
import { formatDateRange } from "@/lib/format/datetime";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { PERIOD_KINDS } from "@/lib/reports/period";

export const metadata = { title: "资金额度使用报表" };

export default async function AllocationReportPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...ALLOCATION_REPORT_READERS);
  const params = await searchParams;
  const [loaded, organisations] = await Promise.all([
    loadAllocationReport(actor, params).catch((error) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }),
    listScopeOrganisations(actor),
  ]);
  const query = loaded.query;
  const kept = Object.fromEntries(
    Object.entries({
      kind: query.kind,
      month: query.month,
      quarter: query.quarter,
      year: query.year,
      from: query.from,
      to: query.to,
      organisationId: query.organisationId,
      fund: query.fund,
    }).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const href = (base: string, extra: Record<string, string>) => `${base}?${new URLSearchParams({ ...kept, ...extra })}`;
  const form = (
    <SearchForm>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">统计周期</span>
        <Select name="kind" defaultValue={query.kind}>
          {Object.entries(PERIOD_KINDS).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </Select>
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">年份（年度）</span>
        <Input name="year" inputMode="numeric" placeholder="2026" defaultValue={query.year} className="w-24" />
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">月份（月度）</span>
        <Input type="month" name="month" defaultValue={query.month} />
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">季度（如 2026-Q4）</span>
        <Input name="quarter" placeholder="2026-Q4" defaultValue={query.quarter} className="w-28" />
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">起始日期（自定义）</span>
        <Input type="date" name="from" defaultValue={query.from} />
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">截止日期（自定义）</span>
        <Input type="date" name="to" defaultValue={query.to} />
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">资金来源</span>
        <Select name="fund" defaultValue={query.fund ?? ""}>
          <option value="">全部</option>
          {Object.entries(FUND_SOURCE_LABELS).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </Select>
      </label>
      <label className="text-sm">
        <span className="mb-1 block text-slate-600">组织</span>
        <Select name="organisationId" defaultValue={query.organisationId ?? actor.organisation.id}>
          <OrganisationOptions organisations={organisations} />
        </Select>
      </label>
    </SearchForm>
  );
  if ("error" in loaded) {
    return (
      <>
        <PageHeader title="资金额度使用报表" />
        {form}
        <Alert>{loaded.error}</Alert>
      </>
    );
  }
  const { report } = loaded;
  const table = allocationReportTable(report);
  return (
    <>
      <PageHeader
        title="资金额度使用报表"
        description={`${report.organisation.name} · ${report.period.label}（${formatDateRange(report.period.from, report.period.to)}）`}
        actions={
          <span className="flex gap-3 text-sm print:hidden">
            {report.organisation.parentId && report.organisation.id !== actor.organisation.id && (
              <Link href={href("/allocations/report", { organisationId: report.organisation.parentId })} className="text-brand-700 hover:underline">
                返回上级
              </Link>
            )}
            <Link href="/allocations" className="text-brand-700 hover:underline">
              资金下拨与额度
            </Link>
          </span>
        }
      />
      {form}
      <Card>
        <ReportTableView
          table={table}
          drillHref={(organisationId) => href("/allocations/report", { organisationId })}
          downloadHref={href("/allocations/report/export", {})}
        />
      </Card>
    </>
  );
}
