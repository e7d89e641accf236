import { Field, Input } from "@/components/ui/field";
import { Alert, Card, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { formatDateRange, todayInShanghai } from "@/lib/format/datetime";
import { findWarningReport } from "@/lib/warnings/find-warning-report";
import { warningReportPeriod } from "@/lib/warnings/report-period";
import type { TXlsxKind, TXlsxValue } from "@/lib/xlsx/write-xlsx";

export const metadata = { title: "返困预警与部门转介报表" };

const show = (kind: TXlsxKind, value: TXlsxValue) =>
  value === null || value === undefined
    ? "—"
    : kind === "percent"
      ? `${(Number(value) * 100).toFixed(1)}%`
      : kind === "integer"
        ? Number(value).toLocaleString("zh-CN")
        : String(value);

export default async function WarningReportPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.warnings);
  const params = await searchParams;
  const today = todayInShanghai();
  const period = warningReportPeriod(params, today);
  const report = "error" in period ? null : await findWarningReport(actor, { ...period, today });
  return (
    <>
      <PageHeader
        title="返困预警与部门转介报表"
        description={`${actor.organisation.name}及下级工会：预警生成与处理、返困率、部门转介办理结果、脱困路径（几个一批）。口径见各表说明。`}
      />
      <SearchForm>
        <Field label="自" htmlFor="from">
          <Input id="from" name="from" type="date" defaultValue={"error" in period ? params.from : period.from} />
        </Field>
        <Field label="至" htmlFor="to">
          <Input id="to" name="to" type="date" defaultValue={"error" in period ? params.to : period.to} />
        </Field>
      </SearchForm>
      {"error" in period ? (
        <Alert>{period.error}</Alert>
      ) : (
        <Card
          title={`统计期间 ${formatDateRange(period.from, period.to)}`}
          actions={
            <a className="text-sm text-brand-700 hover:underline" href={`/warnings/report/export?from=${period.from}&to=${period.to}`}>
              下载 .xlsx
            </a>
          }
        >
          <div className="space-y-6">
            {report!.tables.map((t) => (
              <section key={t.key} className="min-w-0" data-testid={`report-${t.key}`}>
                <h3 className="mb-1 text-sm font-semibold text-slate-800">{t.title}</h3>
                <p className="mb-2 text-xs text-slate-600">{t.note}</p>
                <Table head={t.columns.map((c) => c.header)}>
                  {[...t.rows, ...(t.total ? [t.total] : [])].map((row, i) => (
                    <tr key={i} className={t.total && i === t.rows.length ? "font-semibold" : ""}>
                      {t.columns.map((c) => (
                        <Td key={c.header} className={c.kind === "text" ? "" : "text-right tabular-nums"}>
                          {show(c.kind, c.value(row as never))}
                        </Td>
                      ))}
                    </tr>
                  ))}
                </Table>
              </section>
            ))}
          </div>
        </Card>
      )}
    </>
  );
}
