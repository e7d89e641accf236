import Link from "next/link";
import { notFound } from "next/navigation";
import { ReportChart } from "@/components/reports/report-chart";
import { ReportTableView } from "@/components/reports/report-table";
import { Input, Select } from "@/components/ui/field";
import { OrganisationOptions } from "@/components/ui/organisation-options";
import { Alert, Card, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors/domain-error";
import { formatDateRange } from "@/lib/format/datetime";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { loadReport } from "@/lib/reports/load-report";
import { PERIOD_KINDS } from "@/lib/reports/period";
import { reportCharts, reportTables } from "@/lib/reports/report-tables";

export const metadata = { title: "统计报表" };

type TParams = Record<string, string | undefined>;

const GROUPS = [
  { key: "files", title: "档案" },
  { key: "money", title: "救助资金" },
  { key: "work", title: "帮扶工作" },
  { key: "quality", title: "质量指标" },
] as const;

export default async function ReportsPage({ searchParams }: { searchParams: Promise<TParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.reports);
  const params = await searchParams;
  const [loaded, organisations] = await Promise.all([
    loadReport(actor, params).catch((error) => {
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
    }).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const href = (base: string, extra: Record<string, string>) => `${base}?${new URLSearchParams({ ...kept, ...extra })}`;

  // After a refused query the form shows what was typed, each error beside its field, above the
  // report that was on screen before (its query travels in `last`).
  const shown = (field: keyof typeof query): string | undefined => (loaded.errors ? loaded.entered[field] : query[field]);
  const errorOf = (field: keyof typeof query) =>
    loaded.errors?.[field] && (
      <span role="alert" id={`report-${field}-error`} className="mt-1 block max-w-60 text-xs text-red-600">
        {loaded.errors[field]}
      </span>
    );
  const invalid = (field: keyof typeof query) => (loaded.errors?.[field] ? { "aria-invalid": true, "aria-describedby": `report-${field}-error` } : {});

  const form = (
    <div className="print:hidden">
      <SearchForm>
        <input type="hidden" name="last" value={new URLSearchParams(kept).toString()} />
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">统计周期</span>
          <Select name="kind" defaultValue={shown("kind")}>
            {Object.entries(PERIOD_KINDS).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">月份（月度）</span>
          <Input type="month" name="month" defaultValue={shown("month")} {...invalid("month")} />
          {errorOf("month")}
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">季度（如 2026-Q4）</span>
          <Input name="quarter" placeholder="2026-Q4" defaultValue={shown("quarter")} className="w-28" {...invalid("quarter")} />
          {errorOf("quarter")}
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">年份（年度）</span>
          <Input name="year" inputMode="numeric" placeholder="2026" defaultValue={shown("year")} className="w-24" {...invalid("year")} />
          {errorOf("year")}
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">起始日期（自定义）</span>
          <Input type="date" name="from" defaultValue={shown("from")} {...invalid("from")} />
          {errorOf("from")}
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">截止日期（自定义）</span>
          <Input type="date" name="to" defaultValue={shown("to")} {...invalid("to")} />
          {errorOf("to")}
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">组织</span>
          <Select name="organisationId" defaultValue={shown("organisationId") ?? actor.organisation.id} {...invalid("organisationId")}>
            <OrganisationOptions organisations={organisations} />
          </Select>
          {errorOf("organisationId")}
        </label>
      </SearchForm>
      {loaded.errors && <Alert>统计条件有误，请按提示更正；下面仍是此前的报表（{loaded.report.period.label}）。</Alert>}
    </div>
  );

  const report = loaded.report;
  const tables = reportTables(report);
  const charts = reportCharts(report);
  const drillHref = (organisationId: string) => href("/reports", { organisationId });
  const download = (table: string) => href("/reports/export", { table });
  const chartFor: Record<string, React.ReactNode> = {
    "open-files": <ReportChart label="期末在档困难类别构成" spec={{ type: "pie", data: charts.tiers }} />,
    causes: (
      <ReportChart
        label="主要致困原因"
        spec={{ type: "bar", categories: charts.causes.map((c) => c.name), series: [{ name: "在档户数", data: charts.causes.map((c) => c.value) }] }}
      />
    ),
    "file-flow": (
      <ReportChart
        label="逐月新建档与退档"
        spec={{
          type: "line",
          categories: charts.months.map((m) => m.month),
          series: [
            { name: "新建档", data: charts.months.map((m) => m.newFilings) },
            { name: "退档", data: charts.months.map((m) => m.exited) },
            { name: "返困", data: charts.months.map((m) => m.reopened) },
          ],
        }}
      />
    ),
    "money-type": (
      <ReportChart
        label="救助资金按类型和资金来源"
        spec={{ type: "bar", stacked: true, unit: "元", categories: charts.typeFund.categories, series: charts.typeFund.series }}
      />
    ),
  };

  return (
    <>
      <PageHeader
        title="统计报表"
        description={`${report.organisation.name} · ${report.period.label}（${formatDateRange(report.period.from, report.period.to)}）`}
        actions={
          <span className="flex gap-3 text-sm print:hidden">
            {report.organisation.parentId && (
              <Link href={drillHref(report.organisation.parentId)} className="text-brand-700 hover:underline">
                返回上级
              </Link>
            )}
            <a href={download("all")} className="text-brand-700 hover:underline">
              全部下载 .xlsx
            </a>
          </span>
        }
      />
      {form}
      <div className="space-y-8">
        {GROUPS.map((group) => (
          <Card key={group.key} title={group.title}>
            <div className="space-y-6">
              {tables
                .filter((t) => t.group === group.key)
                .map((t) =>
                  chartFor[t.key] ? (
                    <div key={t.key} className="grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)] print:grid-cols-1">
                      <ReportTableView table={t} drillHref={drillHref} downloadHref={download(t.key)} />
                      <div className="rounded-md border border-slate-100 p-2">{chartFor[t.key]}</div>
                    </div>
                  ) : (
                    <ReportTableView key={t.key} table={t} drillHref={drillHref} downloadHref={download(t.key)} />
                  ),
                )}
            </div>
          </Card>
        ))}
      </div>
    </>
  );
}
