// The repair step `npm start` runs after the migrations, before serving: it brings the evidence
// folder and the database back into agreement after a crash, and reports what it did.
//
// What a crash can leave, and why each repair is safe:
// - bytes without a row: an upload writes and renames its file before its row commits, so a kill
//   between the two leaves a complete file nobody refers to. Nothing can ever refer to it (keys
//   are new UUIDs), so it is removed.
// - `.<key>.tmp`: an upload killed while writing. Removed — unless a row names that key and the
//   temporary file has the row's SHA-256 (the rename was lost in a power cut): then it is renamed.
// - a row without bytes cannot be repaired here; it is reported so an administrator restores the
//   file from a backup. Uploads make this impossible short of a lost disk.
// - `*.partial` in the backup folder: a backup killed midway. Removed, and recorded as interrupted.
// - an Excel import left COMMITTING: its commit is one transaction, so a kill wrote no file, but
//   nothing would ever finish it and its page would show "导入中" for good. Its staged rows are
//   intact, so it goes back to READY for the importer to confirm again (a batch of existing files
//   goes back to AWAITING_APPROVAL, its approval undone, for an official to approve again). An import whose row is
//   locked is being committed by another server (the commit locks it first) and is left alone.
// - a civil-affairs comparison left QUEUED, READING or COMPARING: its job ran in the server that
//   died (lib/civil/compare-roster.ts). Its roster rows and results are one transaction with DONE,
//   so nothing of it was written; it becomes FAILED with a message and a 重新比对 button. A run
//   whose job still writes progress (another server's) has moved within `graceMs` and is left alone.
// With DATABASE_URL another app server may share the evidence folder and be mid-upload, so only
// files untouched for `graceMs` are removed.
import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pgClient } from "@/lib/db/pg";
import { BACKUP_LOCK_KEY } from "@/lib/backup/create-backup";

export type TRepairReport = {
  removedOrphans: string[];
  removedTemporary: string[];
  recovered: string[];
  missing: Array<{ id: string; storageKey: string }>;
  interruptedBackups: string[];
  interruptedImports: string[];
  interruptedComparisons: string[];
};

const KEY_FILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TEMP_FILE = /^\.([0-9a-f-]{36})\.tmp$/;
const YEAR = /^\d{4}$/;
const MONTH = /^\d{2}$/;

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: { code?: string }) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
}

async function oldEnough(file: string, graceMs: number): Promise<boolean> {
  if (graceMs <= 0) return true;
  const { mtimeMs } = await stat(file);
  return Date.now() - mtimeMs >= graceMs;
}

export async function repairAtStart(options: { databaseUrl: string; evidenceDir: string; backupDir: string; graceMs: number }): Promise<TRepairReport> {
  const report: TRepairReport = {
    removedOrphans: [],
    removedTemporary: [],
    recovered: [],
    missing: [],
    interruptedBackups: [],
    interruptedImports: [],
    interruptedComparisons: [],
  };
  const client = pgClient({ connectionString: options.databaseUrl }, { infrastructure: "start-up repair of derived tables, as the owner" });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; storage_key: string; sha256: string }>("SELECT id, storage_key, sha256 FROM evidence_file");
    const rowsByKey = new Map(rows.map((r) => [r.storage_key, r]));
    const onDisk = new Set<string>();
    const temporary = new Map<string, string>();
    for (const year of (await list(options.evidenceDir)).filter((n) => YEAR.test(n))) {
      for (const month of (await list(path.join(options.evidenceDir, year))).filter((n) => MONTH.test(n))) {
        for (const name of await list(path.join(options.evidenceDir, year, month))) {
          if (KEY_FILE.test(name)) onDisk.add(`${year}/${month}/${name}`);
          const temp = TEMP_FILE.exec(name);
          if (temp) temporary.set(`${year}/${month}/${temp[1]}`, path.join(options.evidenceDir, year, month, name));
        }
      }
    }

    for (const row of rows) {
      if (onDisk.has(row.storage_key)) continue;
      const temp = temporary.get(row.storage_key);
      if (
        temp &&
        createHash("sha256")
          .update(await readFile(temp))
          .digest("hex") === row.sha256
      ) {
        await rename(temp, path.join(options.evidenceDir, row.storage_key));
        temporary.delete(row.storage_key);
        report.recovered.push(row.storage_key);
      } else {
        report.missing.push({ id: row.id, storageKey: row.storage_key });
      }
    }
    for (const key of onDisk) {
      const file = path.join(options.evidenceDir, key);
      if (!rowsByKey.has(key) && (await oldEnough(file, options.graceMs))) {
        await rm(file, { force: true });
        report.removedOrphans.push(key);
      }
    }
    for (const [key, file] of temporary) {
      if (await oldEnough(file, options.graceMs)) {
        await rm(file, { force: true });
        report.removedTemporary.push(key);
      }
    }

    const partials = (await list(options.backupDir)).filter((n) => n.endsWith(".tar.gz.partial"));
    if (partials.length) {
      const { rows: lock } = await client.query<{ free: boolean }>("SELECT pg_try_advisory_lock($1) AS free", [BACKUP_LOCK_KEY]);
      // A backup holding the lock is running (e.g. `npm run db:backup` started first): leave its file alone.
      if (lock[0]!.free) {
        for (const name of partials) {
          const file = path.join(options.backupDir, name);
          const { mtime } = await stat(file);
          await rm(file, { force: true });
          await client.query(
            "INSERT INTO backup_run (trigger, status, started_at, finished_at, file_name, error) VALUES ('SCHEDULED', 'INTERRUPTED', $1, $1, $2, $3)",
            [mtime, name.replace(/\.partial$/, ""), "备份过程被中断（进程退出或断电），未完成的备份文件已在启动时删除。"],
          );
          report.interruptedBackups.push(name);
        }
        await client.query("SELECT pg_advisory_unlock($1)", [BACKUP_LOCK_KEY]);
      }
    }

    const { rows: imports } = await client.query<{ id: string }>(
      `UPDATE household_import SET status = CASE WHEN mode = 'OPEN' THEN 'AWAITING_APPROVAL'::household_import_status ELSE 'READY' END,
              approved_by_id = NULL, approved_at = NULL, updated_at = now(),
              message = CASE WHEN mode = 'OPEN' THEN '上次批准后的导入在服务器中断时被撤销，没有写入任何档案。请重新审批。'
                             ELSE '上次导入在服务器中断时被撤销，没有写入任何档案。请重新确认导入。' END
        WHERE id IN (SELECT id FROM household_import WHERE status = 'COMMITTING' AND updated_at <= now() - make_interval(secs => $1::double precision / 1000)
                       FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [options.graceMs],
    );
    report.interruptedImports = imports.map((r) => r.id);

    const { rows: comparisons } = await client.query<{ id: string }>(
      `UPDATE civil_roster_run SET status = 'FAILED', updated_at = now(),
              message = '比对在服务器中断时停止，没有写入任何比对结果。请点击“重新比对”再试一次。'
        WHERE status IN ('QUEUED', 'READING', 'COMPARING') AND updated_at <= now() - make_interval(secs => $1::double precision / 1000)
       RETURNING id`,
      [options.graceMs],
    );
    report.interruptedComparisons = comparisons.map((r) => r.id);
  } finally {
    await client.end();
  }
  return report;
}

/** The report as start-up prints it: nothing when there was nothing to do. */
export function describeRepair(report: TRepairReport): string[] {
  const lines: string[] = [];
  if (report.removedOrphans.length)
    lines.push(
      `启动检查：删除了 ${report.removedOrphans.length} 个没有对应记录的证明材料文件（上传未完成时中断）：${report.removedOrphans.slice(0, 5).join("、")}`,
    );
  if (report.removedTemporary.length) lines.push(`启动检查：删除了 ${report.removedTemporary.length} 个未写完的临时文件。`);
  if (report.recovered.length) lines.push(`启动检查：找回了 ${report.recovered.length} 个证明材料文件（断电前未完成改名）。`);
  if (report.missing.length) {
    lines.push(
      `警告：有 ${report.missing.length} 条证明材料记录找不到文件，请从备份中恢复：${report.missing
        .slice(0, 5)
        .map((m) => m.storageKey)
        .join("、")}`,
    );
  }
  if (report.interruptedImports.length)
    lines.push(`启动检查：${report.interruptedImports.length} 个 Excel 导入在服务器中断时被撤销（没有写入任何档案），已恢复为待确认导入。`);
  if (report.interruptedComparisons.length)
    lines.push(`启动检查：${report.interruptedComparisons.length} 次民政比对在服务器中断时停止（没有写入任何比对结果），已标记为比对失败，可重新比对。`);
  if (report.interruptedBackups.length)
    lines.push(`启动检查：删除了 ${report.interruptedBackups.length} 个中断的备份文件：${report.interruptedBackups.join("、")}`);
  return lines;
}
