import { authedRoute, searchParamsOf, textResponse } from "@/lib/actions/route";
import { formatDateRange, formatDateTime } from "@/lib/format/datetime";
import { REPORT_READERS } from "@/lib/reports/find-report";
import { loadReport, recordReportExport } from "@/lib/reports/load-report";
import { reportFileName, reportTables } from "@/lib/reports/report-tables";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";

// A report table (or all of them, one sheet each) as .xlsx, through the shared writer. Audited.
// An organisation out of scope is the loader's NotFoundError (404).
export const GET = authedRoute(
  REPORT_READERS,
  async (actor, request) => {
    const params = searchParamsOf(request);
    const loaded = await loadReport(actor, params);
    if (loaded.errors) return textResponse(400, `${Object.values(loaded.errors)[0]}请返回统计报表页面重新选择。`);
    const { report } = loaded;
    const all = reportTables(report);
    const tables = params.table === "all" ? all : all.filter((t) => t.key === params.table);
    if (tables.length === 0) return textResponse(404, "没有这张报表，请返回统计报表页面重新选择。");
    const notes = [
      `统计期间 ${report.period.label}（${formatDateRange(report.period.from, report.period.to)}）`,
      `导出时间 ${formatDateTime(new Date())}（导出人 ${actor.name}）`,
    ];
    const sheets = tables.map((t) => ({
      name: t.title,
      title: `${report.organisation.name} ${t.title}`,
      notes: t.note ? [...notes, t.note] : notes,
      columns: t.columns,
      rows: t.total && t.rows.length > 1 ? [...t.rows, t.total] : t.rows,
    }));
    const fileName = reportFileName(report.organisation.name, report.period, tables);
    await recordReportExport(actor, {
      organisationId: report.organisation.id,
      query: loaded.query,
      tables: tables.map((t) => t.key),
      rows: sheets.map((s) => s.rows.length),
    });
    return xlsxResponse(fileName, sheets);
  },
  { forbidden: "您没有权限下载统计报表。" },
);
