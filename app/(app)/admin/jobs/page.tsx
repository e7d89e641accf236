import { RunDailyNowButton } from "@/components/calendar/calendar-buttons";
import { CalendarCoverageCard } from "@/components/calendar/calendar-coverage-card";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { JOB_LABELS } from "@/lib/calendar/labels";
import { findCalendarCoverage } from "@/lib/calendar/find-calendar-coverage";
import { findJobRuns } from "@/lib/calendar/run-daily-now";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";

export const metadata = { title: "定时任务" };

const STATUS = { RUNNING: ["运行中", "sky"], SUCCEEDED: ["成功", "green"], FAILED: ["失败", "red"] } as const;

function summaryText(summary: unknown): string {
  if (!summary || typeof summary !== "object") return "";
  return Object.entries(summary as Record<string, { created?: number; closed?: number }>)
    .map(([step, s]) => `${step}：新增 ${s.created ?? 0}，办结 ${s.closed ?? 0}`)
    .join("；");
}

export default async function JobsPage() {
  const actor = await requirePageActor(...SECTION_ROLES.jobs);
  const [runs, coverage] = await Promise.all([findJobRuns(actor), findCalendarCoverage(actor)]);
  const failures = runs.filter((r) => r.status === "FAILED").length;
  return (
    <>
      <PageHeader
        title="定时任务"
        description="每日 01:30（北京时间）生成待办事项：复核到期与逾期、公示期满、渐退期届满、符合脱困条件、保管期满。任务随系统一同启动；系统部署在多台服务器上时，每个任务也只执行一次。"
        actions={<RunDailyNowButton />}
      />
      <CalendarCoverageCard coverage={coverage} />
      {runs.length === 0 ? (
        <EmptyState title="还没有运行记录">任务进程启动后会补做当天的任务；也可以点击“立即运行”。</EmptyState>
      ) : (
        <Card title={`最近 ${runs.length} 次运行${failures ? `（其中失败 ${failures} 次）` : ""}`}>
          <Table head={["任务", "日期", "状态", "开始", "结束", "结果"]}>
            {runs.map((r) => (
              <tr key={r.id}>
                <Td>{JOB_LABELS[r.job] ?? r.job}</Td>
                <Td>{dateOnlyString(r.forDate)}</Td>
                <Td>
                  <Badge tone={STATUS[r.status][1]}>{STATUS[r.status][0]}</Badge>
                </Td>
                <Td>{formatDateTime(r.startedAt)}</Td>
                <Td>{formatDateTime(r.finishedAt)}</Td>
                <Td className="max-w-md">
                  {r.status === "FAILED" ? (
                    <span className="whitespace-pre-wrap break-all text-xs text-red-700">{r.error?.split("\n")[0]}</span>
                  ) : (
                    <span className="text-xs">{summaryText(r.summary)}</span>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
      )}
    </>
  );
}
