// `npm run db:backup` and the daily job: one archive of the running embedded PostgreSQL, the
// evidence it refers to, the local secrets and a manifest — taken while the server keeps serving.
//
// The database part is a physical backup with PostgreSQL's own low-level API (the embedded
// package has neither pg_basebackup nor pg_dump):
// 1. a temporary physical replication slot keeps every WAL segment from now on (so a checkpoint
//    during a long copy cannot recycle one the backup needs);
// 2. pg_backup_start (non-exclusive: this connection must stay open until pg_backup_stop);
// 3. the data folder is copied as it is, while it changes;
// 4. all application tables are locked in SHARE mode (writers wait, readers do not), then
//    pg_backup_stop writes the end-of-backup record and switches WAL, and a snapshot is exported;
//    the locks are held only until a second connection has imported that snapshot (well under a
//    second). So the snapshot sees exactly the rows that replaying the backup's WAL produces, and
//    the row counts and checksums of the manifest, taken in it, are what a restore must show;
// 5. the WAL segments from the start to the stop location, and backup_label / tablespace_map as
//    pg_backup_stop returned them, complete the copy: starting PostgreSQL on it replays the WAL
//    to a consistent state.
// Evidence is copied for every evidence row of the snapshot (bytes are written before their row
// commits, so all of them exist), and checked against the SHA-256 recorded in the row.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { pgClient } from "@/lib/db/pg";
import { formatFileStamp } from "@/lib/format/datetime";
import { ArchiveWriter, type TArchivedFile } from "./archive";
import { appTables, migrationLevel, tableStats, type TMigrationLevel, type TTableStats } from "./table-stats";

export const BACKUP_FORMAT = "bangfu-backup/1";
export const BACKUP_FILE_PATTERN = /^bangfu-backup-\d{8}-\d{6}\.tar\.gz$/;
/** Held for the whole backup (session advisory lock): one backup at a time, and start-up can tell a dead one. */
export const BACKUP_LOCK_KEY = 4_206_014;

export type TBackupManifest = {
  format: typeof BACKUP_FORMAT;
  startedAt: string;
  finishedAt: string;
  postgresVersion: string;
  database: string;
  migration: TMigrationLevel;
  wal: { start: string; stop: string; segments: string[] };
  tables: TTableStats;
  evidence: { count: number; bytes: number; missing: string[]; mismatched: string[] };
  files: TArchivedFile[];
};

export type TBackupResult = { file: string; sizeBytes: number; durationMs: number; manifest: TBackupManifest; warnings: string[] };

type TCreateBackupOptions = {
  databaseUrl: string;
  evidenceDir: string;
  secretsFile: string;
  outDir: string;
  now?: Date;
  /** Called between copying the data folder and stopping the backup (tests use it to keep writing). */
  beforeStop?: () => Promise<void>;
  log?: (line: string) => void;
};

// What the PostgreSQL documentation says to leave out of a low-level base backup: runtime state
// that the server recreates, and pg_wal (the needed segments are added explicitly).
export const SKIP_CONTENTS = new Set(["pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans"]);
export const SKIP_FILES = new Set(["postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "current_logfiles", "backup_manifest"]);
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

export function backupFileName(now: Date): string {
  // Named by Beijing time, which is what the administrators read.
  return `bangfu-backup-${formatFileStamp(now)}.tar.gz`;
}

async function copyDataFolder(archive: ArchiveWriter, root: string, relative = ""): Promise<void> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch((error: { code?: string }) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      await archive.directory(`pgdata/${rel}`);
      if (!(relative === "" && SKIP_CONTENTS.has(entry.name))) await copyDataFolder(archive, root, rel);
    } else if (entry.isFile()) {
      if (relative === "" && SKIP_FILES.has(entry.name)) continue;
      if (entry.name.startsWith("pgsql_tmp") || entry.name === "pg_internal.init") continue;
      await archive.file(`pgdata/${rel}`, path.join(root, rel));
    } else if (entry.isSymbolicLink()) {
      throw new Error(`数据目录中有符号链接 ${rel}（表空间或外置 WAL），内置备份不支持这种布局。`);
    }
  }
}

function walFileOf(label: string): string {
  const match = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(label);
  if (!match) throw new Error("pg_backup_stop 返回的 backup_label 无法解析。");
  return match[1]!;
}

/** Locks every application table, stops the backup and exports the snapshot; retried if a writer deadlocks with the lock. */
async function stopWithSnapshot(a: pg.Client, b: pg.Client, log: (line: string) => void) {
  const tables = (await appTables(a)).map((t) => `public."${t.replaceAll('"', '""')}"`);
  for (let attempt = 1; ; attempt++) {
    try {
      await a.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await a.query("SET LOCAL lock_timeout = '15s'");
      // LOCK takes no snapshot: the transaction's snapshot is taken by the next statement, with every lock held.
      if (tables.length) await a.query(`LOCK TABLE ${tables.join(", ")} IN SHARE MODE`);
      const { rows } = await a.query<{ lsn: string; labelfile: string; spcmapfile: string; walfile: string; snapshot: string }>(
        "SELECT s.lsn::text, s.labelfile, s.spcmapfile, pg_walfile_name(s.lsn) AS walfile, pg_export_snapshot() AS snapshot FROM pg_backup_stop(false) s",
      );
      const stop = rows[0]!;
      await b.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      await b.query(`SET TRANSACTION SNAPSHOT '${stop.snapshot.replaceAll("'", "''")}'`);
      await a.query("COMMIT");
      return stop;
    } catch (error) {
      await a.query("ROLLBACK").catch(() => {});
      const code = (error as { code?: string }).code;
      // 55P03 lock_not_available, 40P01 deadlock: a writer held a table; pg_backup_stop has not run yet.
      if ((code !== "55P03" && code !== "40P01") || attempt === 5) throw error;
      log(`锁定数据表时等待超时，第 ${attempt} 次重试……`);
    }
  }
}

export async function createBackup(options: TCreateBackupOptions): Promise<TBackupResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const startedAt = options.now ?? new Date();
  await mkdir(options.outDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.outDir, backupFileName(startedAt));
  if (existsSync(file)) throw new Error(`备份文件 ${file} 已存在，请稍后再试。`);
  const partial = `${file}.partial`;
  const warnings: string[] = [];

  const a = pgClient({ connectionString: options.databaseUrl }, { infrastructure: "the backup copies every table, as the owner" });
  const b = pgClient({ connectionString: options.databaseUrl }, { infrastructure: "the backup copies every table, as the owner" });
  await a.connect();
  await b.connect();
  let archive: ArchiveWriter | undefined;
  try {
    const { rows: locked } = await a.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [BACKUP_LOCK_KEY]);
    if (!locked[0]!.ok) throw new Error("另一个备份正在进行，请等它完成后再试。");
    const { rows: info } = await a.query<{ data_directory: string; version: string; database: string; spaces: number }>(
      `SELECT current_setting('data_directory') AS data_directory, current_setting('server_version') AS version, current_database() AS database,
              (SELECT count(*)::int FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')) AS spaces`,
    );
    const { data_directory: dataDir, version, database, spaces } = info[0]!;
    if (spaces > 0) throw new Error("数据库使用了额外的表空间，内置备份不支持。");

    await a.query("SELECT pg_create_physical_replication_slot($1, true, true)", [`bangfu_backup_${randomBytes(4).toString("hex")}`]);
    const { rows: begun } = await a.query<{ lsn: string }>("SELECT pg_backup_start($1, true)::text AS lsn", [path.basename(file)]);
    log(`备份开始（WAL 位置 ${begun[0]!.lsn}），正在复制数据目录 ${dataDir} ……`);

    archive = new ArchiveWriter(partial);
    await archive.directory("pgdata");
    await copyDataFolder(archive, dataDir);
    await options.beforeStop?.();

    const stop = await stopWithSnapshot(a, b, log);
    const firstWal = walFileOf(stop.labelfile);
    const timeline = firstWal.slice(0, 8);
    const segments = (await readdir(path.join(dataDir, "pg_wal")))
      .filter((name) => WAL_SEGMENT.test(name) && name.startsWith(timeline) && name >= firstWal && name <= stop.walfile)
      .sort();
    if (segments[0] !== firstWal || segments.at(-1) !== stop.walfile) throw new Error(`缺少备份所需的 WAL 文件（${firstWal} … ${stop.walfile}）。`);
    await archive.directory("pgdata/pg_wal/archive_status");
    for (const name of (await readdir(path.join(dataDir, "pg_wal"))).filter((n) => n.endsWith(".history"))) {
      await archive.file(`pgdata/pg_wal/${name}`, path.join(dataDir, "pg_wal", name));
    }
    for (const segment of segments) {
      if (!(await archive.file(`pgdata/pg_wal/${segment}`, path.join(dataDir, "pg_wal", segment)))) throw new Error(`WAL 文件 ${segment} 在复制时消失。`);
    }
    await archive.buffer("pgdata/backup_label", Buffer.from(stop.labelfile));
    if (stop.spcmapfile) await archive.buffer("pgdata/tablespace_map", Buffer.from(stop.spcmapfile));
    log(`数据库部分完成（WAL ${begun[0]!.lsn} → ${stop.lsn}，${segments.length} 个段），正在统计各表并复制证明材料……`);

    const tables = await tableStats(b);
    const migration = await migrationLevel(b);
    const evidenceRows = tables.evidence_file
      ? (await b.query<{ storage_key: string; sha256: string }>("SELECT storage_key, sha256 FROM evidence_file ORDER BY storage_key")).rows
      : [];
    await b.query("COMMIT");

    const evidence = { count: 0, bytes: 0, missing: [] as string[], mismatched: [] as string[] };
    for (const row of evidenceRows) {
      const archived = await archive.file(`evidence/${row.storage_key}`, path.join(options.evidenceDir, row.storage_key));
      if (!archived) evidence.missing.push(row.storage_key);
      else {
        evidence.count += 1;
        evidence.bytes += archived.size;
        if (archived.sha256 !== row.sha256) evidence.mismatched.push(row.storage_key);
      }
    }
    if (evidence.missing.length) warnings.push(`有 ${evidence.missing.length} 个证明材料的文件不存在：${evidence.missing.slice(0, 5).join("、")}`);
    if (evidence.mismatched.length)
      warnings.push(`有 ${evidence.mismatched.length} 个证明材料的文件与登记的校验值不符：${evidence.mismatched.slice(0, 5).join("、")}`);

    if (existsSync(options.secretsFile)) await archive.buffer("secrets.json", await readFile(options.secretsFile));
    const manifest: TBackupManifest = {
      format: BACKUP_FORMAT,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      postgresVersion: version,
      database,
      migration,
      wal: { start: begun[0]!.lsn, stop: stop.lsn, segments },
      tables,
      evidence,
      files: [...archive.files],
    };
    await archive.buffer("manifest.json", Buffer.from(JSON.stringify(manifest, null, 1)));
    await archive.finish();
    await rename(partial, file);
    const { size } = await stat(file);
    return { file, sizeBytes: size, durationMs: Date.now() - started, manifest, warnings };
  } catch (error) {
    archive?.abort();
    await rm(partial, { force: true });
    throw error;
  } finally {
    // Ending the session also ends an unfinished backup, drops the temporary slot and the lock.
    await a.end().catch(() => {});
    await b.end().catch(() => {});
  }
}
