// One backup run as the CLI and the daily job make it: the archive (create-backup.ts), its row in
// backup_run, and — for the daily job — removal of archives beyond the last N. Written as one
// plain async function of its options so that it can become a job on a job runner (pg-boss) as it
// is: the runner calls runBackup({ trigger: "SCHEDULED", ... }) instead of schedule.ts.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { pgClient } from "@/lib/db/pg";
import { backupDir, evidenceDir, STATE_DIR } from "@/lib/db/paths";
import { BACKUP_FILE_PATTERN, createBackup, type TBackupResult } from "./create-backup";

export type TRunBackupOptions = {
  databaseUrl: string;
  trigger: "SCHEDULED" | "MANUAL";
  /** Keep only the newest `keep` archives in the folder (the daily job); unset keeps all. */
  keep?: number;
  outDir?: string;
  log?: (line: string) => void;
  beforeStop?: () => Promise<void>;
};

async function record(databaseUrl: string, row: Record<string, unknown>): Promise<void> {
  const client = pgClient({ connectionString: databaseUrl }, { infrastructure: "the backup's bookkeeping and table statistics, as the owner" });
  await client.connect();
  try {
    const columns = Object.keys(row);
    await client.query(`INSERT INTO backup_run (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`, Object.values(row));
  } finally {
    await client.end();
  }
}

/** Removes the oldest archives beyond `keep` and marks their runs pruned. Returns the removed names. */
export async function pruneBackups(databaseUrl: string, outDir: string, keep: number): Promise<string[]> {
  const names = (await readdir(outDir).catch(() => [] as string[]))
    .filter((n) => BACKUP_FILE_PATTERN.test(n))
    .sort()
    .reverse();
  const removed = names.slice(keep);
  for (const name of removed) await rm(path.join(outDir, name), { force: true });
  if (removed.length) {
    const client = pgClient({ connectionString: databaseUrl }, { infrastructure: "the backup's bookkeeping and table statistics, as the owner" });
    await client.connect();
    await client.query("UPDATE backup_run SET pruned_at = now() WHERE file_name = ANY($1) AND pruned_at IS NULL", [removed]).finally(() => client.end());
  }
  return removed;
}

export function backupKeep(): number {
  const raw = process.env.BANGFU_BACKUP_KEEP ?? "7";
  const keep = Number(raw);
  if (!Number.isInteger(keep) || keep < 1 || keep > 1000) throw new Error(`BANGFU_BACKUP_KEEP 应为 1–1000 之间的整数（保留最近几份备份），现在是“${raw}”。`);
  return keep;
}

export async function runBackup(options: TRunBackupOptions): Promise<TBackupResult> {
  const startedAt = new Date();
  const outDir = options.outDir ?? backupDir();
  try {
    const result = await createBackup({
      databaseUrl: options.databaseUrl,
      evidenceDir: evidenceDir(),
      secretsFile: path.join(STATE_DIR, "secrets.json"),
      outDir,
      now: startedAt,
      log: options.log,
      beforeStop: options.beforeStop,
    });
    await record(options.databaseUrl, {
      trigger: options.trigger,
      status: "SUCCEEDED",
      started_at: startedAt,
      finished_at: new Date(),
      file_name: path.basename(result.file),
      size_bytes: result.sizeBytes,
      table_rows: Object.values(result.manifest.tables).reduce((sum, t) => sum + t.rows, 0),
      evidence_files: result.manifest.evidence.count,
      warnings: result.warnings,
    });
    if (options.keep) {
      const removed = await pruneBackups(options.databaseUrl, outDir, options.keep);
      if (removed.length) options.log?.(`按保留策略（最近 ${options.keep} 份）删除了旧备份：${removed.join("、")}`);
    }
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await record(options.databaseUrl, { trigger: options.trigger, status: "FAILED", started_at: startedAt, finished_at: new Date(), error: message }).catch(
      () => {},
    );
    throw error;
  }
}
