import type { ExportJobKind, ExportJobStatus } from "@/lib/generated/prisma/enums";

// Words for 我的导出 (the page and the job's messages); no server code, so components may import it.

export const EXPORT_KIND_LABELS: Record<ExportJobKind, string> = {
  ARCHIVE: "困难职工台账",
  LEDGER: "帮扶资金发放实名制汇总表",
  AUDIT_EVENTS: "审计日志（操作记录）",
  AUDIT_SIGNINS: "审计日志（登录记录）",
  BATCH_LINES: "发放批次名单",
};

export const EXPORT_STATUS_LABELS: Record<ExportJobStatus, string> = {
  QUEUED: "排队中",
  RUNNING: "正在导出",
  SUCCEEDED: "已完成",
  FAILED: "导出失败",
  CANCELLED: "已取消",
  EXPIRED: "已过期",
};

/** "已写入 12,345 / 1,022,249 行（1%）"; before the count is known, "已写入 12,345 行". */
export function describeExportProgress(rowsDone: number, rowsTotal: number | null): string {
  const done = rowsDone.toLocaleString("zh-CN");
  if (rowsTotal === null) return `已写入 ${done} 行`;
  return `已写入 ${done} / ${rowsTotal.toLocaleString("zh-CN")} 行（${exportPercent(rowsDone, rowsTotal)}%）`;
}

/** Whole percent, never above 100 (rows added after the count was taken are still written). */
export function exportPercent(rowsDone: number, rowsTotal: number | null): number {
  if (!rowsTotal) return rowsTotal === 0 ? 100 : 0;
  return Math.min(100, Math.floor((rowsDone / rowsTotal) * 100));
}
