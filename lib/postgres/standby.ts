// A streaming read replica (hot standby) of the embedded PostgreSQL, made with PostgreSQL's own
// backup functions — the embedded package has no pg_basebackup:
// 1. a replication role (REPLICATION, nothing else) and a physical replication slot on the
//    primary: the slot keeps every WAL segment the standby has not received yet, from before the
//    copy starts until the standby has streamed it, so the standby can never fall off the end;
// 2. pg_backup_start (non-exclusive), a copy of the data folder while the primary keeps working
//    (what lib/backup/create-backup.ts leaves out, it leaves out), pg_backup_stop, whose
//    backup_label goes into the copy — so the standby starts replay from the backup's start and
//    is consistent once it has replayed to the stop position;
// 3. standby.signal and, in postgresql.auto.conf, primary_conninfo and primary_slot_name: the
//    copy starts as a read-only standby that streams the WAL from the slot. hot_standby_feedback
//    keeps the primary from vacuuming rows a long report on the standby still reads.
// The primary needs nothing else: wal_level replica, max_wal_senders and the `host replication`
// lines of pg_hba.conf are what initdb gives the embedded cluster.
import { copyFile, mkdir, readdir, writeFile, appendFile } from "node:fs/promises";
import path from "node:path";
import { pgClient } from "@/lib/db/pg";
import { SKIP_CONTENTS, SKIP_FILES } from "@/lib/backup/create-backup";

export const REPLICATION_ROLE = "bangfu_replication";

type TCreateStandbyOptions = {
  /** A superuser connection to the primary (pg_backup_start, creating the role and the slot). */
  primarySuperuserUrl: string;
  /** An empty or missing folder for the standby's cluster. */
  standbyDir: string;
  /** The replication role's password (the role is created or its password set). */
  replicationPassword: string;
  slotName?: string;
  log?: (line: string) => void;
};

const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
/** A value inside a libpq connection string. */
const conninfoValue = (value: string) => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

async function copyDataFolder(from: string, to: string, relative = ""): Promise<void> {
  await mkdir(path.join(to, relative), { recursive: true, mode: 0o700 });
  const entries = await readdir(path.join(from, relative), { withFileTypes: true }).catch((error: { code?: string }) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  for (const entry of entries) {
    const rel = path.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (relative === "" && SKIP_CONTENTS.has(entry.name)) await mkdir(path.join(to, rel), { recursive: true, mode: 0o700 });
      else await copyDataFolder(from, to, rel);
    } else if (entry.isFile()) {
      if (relative === "" && SKIP_FILES.has(entry.name)) continue;
      if (entry.name.startsWith("pgsql_tmp") || entry.name === "pg_internal.init") continue;
      // A file removed while we copy (a dropped table, a finished temporary file) is not needed: replay recreates what it must.
      await copyFile(path.join(from, rel), path.join(to, rel)).catch((error: { code?: string }) => {
        if (error.code !== "ENOENT") throw error;
      });
    } else if (entry.isSymbolicLink()) {
      throw new Error(`数据目录中有符号链接 ${rel}（表空间或外置 WAL），无法据此创建只读副本。`);
    }
  }
}

/** Prepares `standbyDir` as a streaming standby of the primary; start it with startEmbeddedStandby (lib/postgres/embedded.ts). */
export async function createStandby(options: TCreateStandbyOptions): Promise<{ slotName: string; startLsn: string; stopLsn: string }> {
  const log = options.log ?? (() => {});
  const slotName = options.slotName ?? "bangfu_replica";
  if (!/^[a-z0-9_]{1,63}$/.test(slotName)) throw new Error("复制槽名称只能由小写字母、数字和下划线组成。");
  const existing = await readdir(options.standbyDir).catch(() => [] as string[]);
  if (existing.length > 0) throw new Error(`${options.standbyDir} 不是空目录，只读副本需要一个空目录。`);

  const primary = pgClient({ connectionString: options.primarySuperuserUrl }, { infrastructure: "a standby is cloned from the primary as the superuser" });
  await primary.connect();
  let createdSlot = false;
  try {
    const { rows: info } = await primary.query<{ data_directory: string; spaces: number; in_recovery: boolean }>(
      `SELECT current_setting('data_directory') AS data_directory, pg_is_in_recovery() AS in_recovery,
              (SELECT count(*)::int FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')) AS spaces`,
    );
    const { data_directory: dataDir, spaces, in_recovery: inRecovery } = info[0]!;
    if (inRecovery) throw new Error("连接的数据库本身是只读副本，请连接主库。");
    if (spaces > 0) throw new Error("数据库使用了额外的表空间，无法据此创建只读副本。");

    const role = await primary.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [REPLICATION_ROLE]);
    const roleOptions = `LOGIN REPLICATION NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS PASSWORD ${quoteLiteral(options.replicationPassword)}`;
    await primary.query(`${role.rowCount ? "ALTER" : "CREATE"} ROLE ${REPLICATION_ROLE} ${roleOptions}`);
    const slot = await primary.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", [slotName]);
    if (slot.rowCount) throw new Error(`复制槽 ${slotName} 已存在（另一个只读副本在使用它）；请换一个名称，或先在主库删除它。`);
    // Reserved now, before the backup starts: WAL from here on is kept until the standby has it.
    await primary.query("SELECT pg_create_physical_replication_slot($1, true)", [slotName]);
    createdSlot = true;

    const { rows: begun } = await primary.query<{ lsn: string }>("SELECT pg_backup_start($1, true)::text AS lsn", [`standby ${slotName}`]);
    log(`开始复制数据目录（WAL 位置 ${begun[0]!.lsn}）……`);
    await copyDataFolder(dataDir, options.standbyDir);
    await mkdir(path.join(options.standbyDir, "pg_wal", "archive_status"), { recursive: true, mode: 0o700 });
    await mkdir(path.join(options.standbyDir, "pg_wal", "summaries"), { recursive: true, mode: 0o700 });
    const { rows: stopped } = await primary.query<{ lsn: string; labelfile: string; spcmapfile: string }>(
      "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)",
    );
    const stop = stopped[0]!;
    await writeFile(path.join(options.standbyDir, "backup_label"), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile) await writeFile(path.join(options.standbyDir, "tablespace_map"), stop.spcmapfile, { mode: 0o600 });

    const url = new URL(options.primarySuperuserUrl);
    // The superuser comes in through the Unix socket (lib/postgres/embedded.ts); the replication role
    // streams over TCP, where the embedded cluster listens on 127.0.0.1.
    const host = decodeURIComponent(url.hostname);
    const conninfo = [
      `host=${conninfoValue(host.startsWith("/") ? "127.0.0.1" : host)}`,
      `port=${conninfoValue(url.port || "5432")}`,
      `user=${REPLICATION_ROLE}`,
      `password=${conninfoValue(options.replicationPassword)}`,
      `application_name=${slotName}`,
    ].join(" ");
    await writeFile(path.join(options.standbyDir, "standby.signal"), "", { mode: 0o600 });
    await appendFile(
      path.join(options.standbyDir, "postgresql.auto.conf"),
      `\n# Bangfu read replica (lib/db/standby.ts)\nprimary_conninfo = ${quoteLiteral(conninfo)}\nprimary_slot_name = ${quoteLiteral(slotName)}\nhot_standby = on\nhot_standby_feedback = on\n`,
      { mode: 0o600 },
    );
    log(`只读副本已准备好（WAL ${begun[0]!.lsn} → ${stop.lsn}），复制槽 ${slotName}。`);
    return { slotName, startLsn: begun[0]!.lsn, stopLsn: stop.lsn };
  } catch (error) {
    // A slot nobody will use would keep WAL on the primary for ever.
    if (createdSlot)
      await primary
        .query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", [slotName])
        .catch(() => {});
    throw error;
  } finally {
    await primary.end().catch(() => {});
  }
}
