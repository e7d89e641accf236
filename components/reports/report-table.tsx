import Link from "next/link";
import { Table, Td } from "@/components/ui/table";
import { formatFen } from "@/lib/money/money";
import type { TReportTable } from "@/lib/reports/report-tables";
import type { TXlsxKind, TXlsxValue } from "@/lib/xlsx/write-xlsx";

function show(kind: TXlsxKind, value: TXlsxValue): string {
  if (value === null || value === undefined || value === "") return "—";
  if (kind === "integer") return Number(value).toLocaleString("zh-CN");
  if (kind === "yuan") return formatFen(Number(value));
  if (kind === "percent") return `${(Number(value) * 100).toFixed(1)}%`;
  return String(value);
}

/** One report table as the page shows it: drill-down links on child organisations, a total row, its download. */
export function ReportTableView({
  table,
  drillHref,
  downloadHref,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
  table: TReportTable<any>;
  drillHref: (organisationId: string) => string;
  downloadHref: string;
}) {
  return (
    <section className="min-w-0 break-inside-avoid" aria-labelledby={`table-${table.key}`}>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`table-${table.key}`} className="text-sm font-semibold text-slate-800">
          {table.title}
        </h3>
        <a href={downloadHref} className="text-xs text-brand-700 hover:underline print:hidden">
          下载 .xlsx
        </a>
      </div>
      {table.rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">本期没有数据</p>
      ) : (
        <Table head={table.columns.map((c) => c.header)}>
          {table.rows.map((row) => (
            <tr key={row.key ?? row.name}>
              {table.columns.map((c, i) => (
                <Td key={c.header} className={c.kind === "text" ? "whitespace-nowrap" : "text-right tabular-nums"}>
                  {i === 0 && row.drillDownId ? (
                    <Link href={drillHref(row.drillDownId)} className="font-medium text-brand-700 hover:underline">
                      {show(c.kind, c.value(row))}
                    </Link>
                  ) : (
                    show(c.kind, c.value(row))
                  )}
                </Td>
              ))}
            </tr>
          ))}
          {table.total && table.rows.length > 1 && (
            <tr className="bg-slate-50 font-semibold">
              {table.columns.map((c) => (
                <Td key={c.header} className={c.kind === "text" ? "" : "text-right tabular-nums"}>
                  {show(c.kind, c.value(table.total))}
                </Td>
              ))}
            </tr>
          )}
        </Table>
      )}
      {table.note && <p className="mt-1 text-xs text-slate-500">{table.note}</p>}
    </section>
  );
}
