import { authedRoute, searchParamsOf, textResponse } from "@/lib/actions/route";
import { formatDateTime } from "@/lib/format/datetime";
import { CALLBACK_REPORT_READERS, COVERAGE_COLUMNS, findCallbackCoverage, recordCoverageExport } from "@/lib/payments/callback-coverage";
import { ZCoveragePeriod } from "@/lib/payments/schemas";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";

// 回访覆盖率与问题率 as .xlsx through the shared writer, with the total row. Audited.
export const GET = authedRoute(
  CALLBACK_REPORT_READERS,
  async (actor, request) => {
    const parsed = ZCoveragePeriod.safeParse(searchParamsOf(request));
    if (!parsed.success) return textResponse(400, `${parsed.error.issues[0]?.message ?? "统计期间无效"}，请返回回访统计页面重新选择。`);
    const report = await findCallbackCoverage(actor, parsed.data);
    const rows = report.rows.length > 0 ? [...report.rows, report.total] : [];
    await recordCoverageExport(actor, parsed.data, report.rows.length);
    return xlsxResponse(`回访覆盖率与问题率-${actor.organisation.name}-${parsed.data.from}至${parsed.data.to}.xlsx`, [
      {
        name: "回访覆盖率与问题率",
        title: `${actor.organisation.name} 回访覆盖率与问题率`,
        notes: [`统计期间 ${report.period.label}（按批次发放完成时间）`, `导出时间 ${formatDateTime(new Date())}（导出人 ${actor.name}）`],
        columns: COVERAGE_COLUMNS,
        rows,
      },
    ]);
  },
  { forbidden: "您没有权限下载回访统计。" },
);
