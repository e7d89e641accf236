import { authedRoute, searchParamsOf, textResponse } from "@/lib/actions/route";
import { ALLOCATION_REPORT_READERS } from "@/lib/allocations/find-allocation-report";
import { allocationReportTable, loadAllocationReport, recordAllocationReportExport } from "@/lib/allocations/load-allocation-report";
import { formatDateRange, formatDateTime } from "@/lib/format/datetime";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";

// The allocation report as .xlsx, with the page's columns, through the shared writer. Audited.
// An organisation out of scope is the loader's NotFoundError (404).
export const GET = authedRoute(
  ALLOCATION_REPORT_READERS,
  async (actor, request) => {
    const loaded = await loadAllocationReport(actor, searchParamsOf(request));
    if ("error" in loaded) return textResponse(400, `${loaded.error}请返回资金额度报表页面重新选择。`);
    const { report } = loaded;
    const table = allocationReportTable(report);
    const notes = [
      `统计期间 ${report.period.label}（${formatDateRange(report.period.from, report.period.to)}）`,
      `导出时间 ${formatDateTime(new Date())}（导出人 ${actor.name}）`,
      table.note!,
    ];
    await recordAllocationReportExport(actor, { organisationId: report.organisation.id, query: loaded.query, rows: table.rows.length });
    return xlsxResponse(`资金额度使用报表-${report.organisation.name}-${report.period.from}至${report.period.to}.xlsx`, [
      { name: "资金额度使用情况", title: `${report.organisation.name} 资金额度使用情况（含下级）`, notes, columns: table.columns, rows: table.rows },
    ]);
  },
  { forbidden: "您没有权限下载资金额度报表。" },
);
