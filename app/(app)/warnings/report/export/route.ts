import { authedRoute, searchParamsOf, textResponse } from "@/lib/actions/route";
import { formatDateRange, formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import { recordReportExport } from "@/lib/reports/load-report";
import { findWarningReport, WARNING_REPORT_READERS } from "@/lib/warnings/find-warning-report";
import { warningReportPeriod } from "@/lib/warnings/report-period";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";

// The warnings and referrals report as .xlsx (one sheet per table), through the shared writer. Audited.
export const GET = authedRoute(
  WARNING_REPORT_READERS,
  async (actor, request) => {
    const today = todayInShanghai();
    const period = warningReportPeriod(searchParamsOf(request), today);
    if ("error" in period) return textResponse(400, `${period.error}请返回报表页面重新选择。`);
    const report = await findWarningReport(actor, { ...period, today });
    const notes = [`统计期间 ${formatDateRange(period.from, period.to)}`, `导出时间 ${formatDateTime(new Date())}（导出人 ${actor.name}）`];
    const sheets = report.tables.map((t) => ({
      name: t.title.replace(/（.*?）/g, ""),
      title: `${actor.organisation.name} ${t.title}`,
      notes: [...notes, t.note],
      columns: t.columns,
      rows: t.total ? [...t.rows, t.total] : t.rows,
    }));
    await recordReportExport(actor, {
      organisationId: actor.organisation.id,
      query: { from: period.from, to: period.to } as never,
      tables: report.tables.map((t) => `warnings.${t.key}`),
      rows: sheets.map((s) => s.rows.length),
    });
    return xlsxResponse(`返困预警与部门转介-${actor.organisation.name}-${period.from}至${period.to}.xlsx`, sheets);
  },
  { forbidden: "您没有权限下载该报表。" },
);
