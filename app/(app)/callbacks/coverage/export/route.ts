import { hasRole } from "@/lib/auth/actor";
import { getActor } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { CALLBACK_REPORT_READERS, COVERAGE_COLUMNS, findCallbackCoverage, recordCoverageExport } from "@/lib/payments/callback-coverage";
import { ZCoveragePeriod } from "@/lib/payments/schemas";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";

// 回访覆盖率与问题率 as .xlsx through the shared writer, with the total row. Audited.
export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, ...CALLBACK_REPORT_READERS)) return new Response("您没有权限下载回访统计。", { status: 403 });
  const parsed = ZCoveragePeriod.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return new Response(`${parsed.error.issues[0]?.message ?? "统计期间无效"}，请返回回访统计页面重新选择。`, { status: 400 });
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
}
