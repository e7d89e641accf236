// The daily backup: a timer inside the `npm start` process (embedded database only), at
// BANGFU_BACKUP_TIME Beijing time (default 02:30), keeping the newest BANGFU_BACKUP_KEEP archives
// (default 7) in BANGFU_BACKUP_DIR. BANGFU_BACKUP_SCHEDULE=off turns it off. Once a job runner
// exists, this file is replaced by one scheduled job that calls runBackup with the same options.
import { nextShanghaiTime } from "@/lib/format/datetime";
import { backupKeep, runBackup } from "./run-backup";

export function backupTime(): { hour: number; minute: number } {
  const raw = process.env.BANGFU_BACKUP_TIME ?? "02:30";
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!match) throw new Error(`BANGFU_BACKUP_TIME 应为 24 小时制的“时:分”（北京时间），例如 02:30，现在是“${raw}”。`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The next moment after `now` that is hour:minute in Beijing (China has no daylight saving time). */
export function nextBackupAt(now: Date, at: { hour: number; minute: number }): Date {
  return nextShanghaiTime(now, at);
}

export function scheduleDailyBackups(databaseUrl: string, log: (line: string) => void = console.log): { stop: () => void } {
  if (process.env.BANGFU_BACKUP_SCHEDULE === "off") return { stop: () => {} };
  const at = backupTime();
  const keep = backupKeep();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const next = nextBackupAt(new Date(), at);
    timer = setTimeout(async () => {
      try {
        const result = await runBackup({ databaseUrl, trigger: "SCHEDULED", keep });
        log(`每日备份完成：${result.file}（${(result.sizeBytes / 1048576).toFixed(1)} MB，用时 ${(result.durationMs / 1000).toFixed(1)} 秒）`);
      } catch (error) {
        log(`每日备份失败：${error instanceof Error ? error.message : String(error)}`);
      }
      arm();
    }, next.getTime() - Date.now());
    timer.unref();
  };
  arm();
  log(`每日 ${String(at.hour).padStart(2, "0")}:${String(at.minute).padStart(2, "0")}（北京时间）自动备份，保留最近 ${keep} 份。`);
  return { stop: () => clearTimeout(timer) };
}
