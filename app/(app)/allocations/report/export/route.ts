import { hasRole } from "@/lib/auth/actor";
import { getActor } from "@/lib/auth/session";
import { ALLOCATION_REPORT_READERS } from "@/lib/allocations/find-allocation-report";
import { allocationReportTable, loadAllocationReport, recordAllocationReportExport } from "@/lib/allocations/load-allocation-report";
import { NotFoundError } from "@/lib/errors/domain-error";
import { formatDateRange, formatDateTime } from "@/lib/format/datetime";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";

// The allocation report as .xlsx, with the page's columns, through the shared writer. Audited.
export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, ...ALLOCATION_REPORT_READERS)) return new Response("您没有权限下载资金额度报表。", { status: 403 });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const loaded = await loadAllocationReport(actor, params).catch((error) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  if (!loaded) return new Response("该组织不存在，或不在您的管辖范围内。", { status: 404 });
  if ("error" in loaded) return new Response(`${loaded.error}请返回资金额度报表页面重新选择。`, { status: 400 });
  const { report } = loaded;
  const table = allocationReportTable(report);
  const notes = [`统计期间 ${report.period.label}（${formatDateRange(report.period.from, report.period.to)}）`, `导出时间 ${formatDateTime(new Date())}（导出人 ${actor.name}）`, table.note!];
  await recordAllocationReportExport(actor, { organisationId: report.organisation.id, query: loaded.query, rows: table.rows.length });
  return xlsxResponse(`资金额度使用报表-${report.organisation.name}-${report.period.from}至${report.period.to}.xlsx`, [
    { name: "资金额度使用情况", title: `${report.organisation.name} 资金额度使用情况（含下级）`, notes, columns: table.columns, rows: table.rows },
  ]);
}
