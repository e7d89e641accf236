import type { BackupStatus, BackupTrigger } from "@/lib/generated/prisma/enums";

export const BACKUP_STATUS_LABELS: Record<BackupStatus, string> = { SUCCEEDED: "成功", FAILED: "失败", INTERRUPTED: "中断" };
export const BACKUP_TRIGGER_LABELS: Record<BackupTrigger, string> = { SCHEDULED: "每日自动", MANUAL: "手动" };

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
