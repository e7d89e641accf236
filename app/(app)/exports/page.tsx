import { CancelExportButton, ExportsAutoRefresh } from "@/components/exports/export-job-controls";
import { buttonClass } from "@/components/ui/button";
import { Alert, Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { findMyExports } from "@/lib/exports/find-exports";
import { describeExportProgress, EXPORT_KIND_LABELS, EXPORT_STATUS_LABELS, exportPercent } from "@/lib/exports/labels";
import { EXPORT_ACTIVE_LIMIT, EXPORT_RETENTION_DAYS, isExportActive } from "@/lib/exports/rules";
import { formatDateTime } from "@/lib/format/datetime";
import type { ExportJobStatus } from "@/lib/generated/prisma/enums";

export const metadata = { title: "我的导出" };

const STATUS_TONES: Record<ExportJobStatus, "slate" | "green" | "red" | "amber" | "sky"> = {
  QUEUED: "slate",
  RUNNING: "sky",
  SUCCEEDED: "green",
  FAILED: "red",
  CANCELLED: "slate",
  EXPIRED: "amber",
};

/** "3 分 05 秒", "42 秒". */
function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} 分 ${String(seconds % 60).padStart(2, "0")} 秒` : `${seconds} 秒`;
}

function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export default async function ExportsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.exports);
  const params = await searchParams;
  const jobs = await findMyExports(actor, pageFrom(params.page));
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: "now" is the request's time
  const now = Date.now();
  const highlighted = params.job;
  return (
    <>
      <PageHeader
        title="我的导出"
        description={`在档案、台账、审计日志或批次页面选择“后台导出”后，在这里查看进度并下载文件。文件保留 ${EXPORT_RETENTION_DAYS} 天，到期自动删除；同时最多 ${EXPORT_ACTIVE_LIMIT} 个导出排队或进行中。`}
      />
      <ExportsAutoRefresh active={jobs.rows.some(isExportActive)} />
      {highlighted && jobs.rows.some((j) => j.id === highlighted) ? (
        <div className="mb-4">
          <Alert tone="success">已提交后台导出。可以离开本页，完成后回到“我的导出”下载。</Alert>
        </div>
      ) : null}
      {jobs.rows.length === 0 ? (
        <EmptyState title="还没有后台导出">数据较多时，在列表页面的“后台导出…”中选择格式即可开始。</EmptyState>
      ) : (
        <>
          <ul className="space-y-3">
            {jobs.rows.map((job) => {
              const what = EXPORT_KIND_LABELS[job.kind];
              const percent = exportPercent(job.rowsDone, job.rowsTotal);
              const active = isExportActive(job);
              const elapsed = job.startedAt ? duration((job.finishedAt?.getTime() ?? now) - job.startedAt.getTime()) : null;
              return (
                <li
                  key={job.id}
                  id={`export-${job.id}`}
                  aria-label={`${what}（${EXPORT_STATUS_LABELS[job.status]}）`}
                  className={`rounded-lg border bg-white p-4 shadow-xs ${job.id === highlighted ? "border-brand-600 ring-2 ring-brand-600/30" : "border-slate-200"}`}
                >
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0 space-y-1">
                      <p className="flex flex-wrap items-center gap-2">
                        <span className="font-medium text-slate-900">{what}</span>
                        <Badge tone={STATUS_TONES[job.status]}>{EXPORT_STATUS_LABELS[job.status]}</Badge>
                        <Badge>{job.format === "csv" ? "CSV" : "Excel"}</Badge>
                        {job.fullNumbers ? <Badge tone="amber">含完整号码</Badge> : null}
                      </p>
                      <p className="text-sm break-words text-slate-600">{job.summary}</p>
                    </div>
                    <div className="flex flex-wrap gap-2">
                      {job.canDownload ? (
                        <a href={`/exports/${job.id}/download`} className={buttonClass("primary")}>
                          下载{job.sizeBytes !== null ? `（${fileSize(job.sizeBytes)}）` : ""}
                        </a>
                      ) : null}
                      {job.canCancel ? <CancelExportButton jobId={job.id} what={what} /> : null}
                    </div>
                  </div>
                  {job.status === "QUEUED" ? (
                    <p className="mt-3 text-sm text-slate-600" role="status">
                      排队中，稍后开始……
                    </p>
                  ) : job.status === "RUNNING" || job.status === "SUCCEEDED" ? (
                    <div className="mt-3 space-y-1" role={active ? "status" : undefined}>
                      <p className="text-sm text-slate-700">
                        {job.status === "RUNNING" && job.rowsTotal === null ? "正在统计行数……" : describeExportProgress(job.rowsDone, job.rowsTotal)}
                      </p>
                      <div
                        className="h-2 w-full overflow-hidden rounded bg-slate-200"
                        role="progressbar"
                        aria-label="导出进度"
                        aria-valuemin={0}
                        aria-valuemax={100}
                        aria-valuenow={percent}
                      >
                        <div
                          className={`h-2 transition-all ${job.status === "SUCCEEDED" ? "bg-green-600" : "bg-brand-600"}`}
                          style={{ width: `${percent}%` }}
                        />
                      </div>
                    </div>
                  ) : null}
                  {job.status === "FAILED" && job.error ? <p className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-700">{job.error}</p> : null}
                  <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
                    <span>申请于 {formatDateTime(job.createdAt)}</span>
                    {elapsed ? (
                      <span>
                        {job.finishedAt ? "用时" : "已用时"} {elapsed}
                      </span>
                    ) : null}
                    {job.status === "SUCCEEDED" && job.expiresAt ? <span>保留至 {formatDateTime(job.expiresAt)}</span> : null}
                    {job.status === "EXPIRED" ? <span>文件已于 {formatDateTime(job.expiresAt)} 过期删除，如需要请重新导出</span> : null}
                  </p>
                </li>
              );
            })}
          </ul>
          <Pagination page={jobs.page} pageCount={jobs.pageCount} total={jobs.total} params={{}} />
        </>
      )}
    </>
  );
}
