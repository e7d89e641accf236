// `npm run db:backup [-- --out <folder>]`: one archive of the embedded database, the evidence and
// the local secrets, taken while Bangfu keeps running (see lib/backup/create-backup.ts). Uses the
// running embedded PostgreSQL when there is one, otherwise starts it for the backup and stops it.
import { existsSync, realpathSync } from "node:fs";
import pg from "pg";
import { runBackup } from "@/lib/backup/run-backup";
import { socketDirFor, superuserSocketUrl } from "@/lib/postgres/embedded";
import { embeddedPort, loadLocalSecrets, openDatabase, PGDATA_DIR } from "@/lib/db/runtime";
import { backupDir } from "@/lib/db/paths";

const outIndex = process.argv.indexOf("--out");
const outDir = outIndex === -1 ? backupDir() : process.argv[outIndex + 1];
if (!outDir) throw new Error("--out 后面需要一个目录");

if (process.env.DATABASE_URL) {
  console.error(
    "设置了 DATABASE_URL：数据库在您自己的 PostgreSQL 服务器上，请用该服务器同版本的 pg_dump 或 pg_basebackup 备份，" +
      "并另外复制证明材料目录（EVIDENCE_DIR）。详见 README 的“备份与恢复”。",
  );
  process.exit(1);
}

/** The embedded server of this data folder, if `npm start` is running it. */
async function runningEmbeddedUrl(): Promise<string | null> {
  if (!existsSync(PGDATA_DIR)) return null;
  const url = `${superuserSocketUrl(socketDirFor(PGDATA_DIR), embeddedPort(), loadLocalSecrets().databasePasswords.postgres)}/bangfu`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    return realpathSync(rows[0]!.dir) === realpathSync(PGDATA_DIR) ? url : null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

let stop = async () => {};
try {
  let url = await runningEmbeddedUrl();
  if (!url) {
    const db = await openDatabase();
    url = db.superuserUrl!;
    stop = db.stop;
    console.log("帮扶系统未在运行，已临时启动内置数据库进行备份。");
  }
  const result = await runBackup({ databaseUrl: url, trigger: "MANUAL", outDir, log: console.log });
  const rows = Object.values(result.manifest.tables).reduce((sum, t) => sum + t.rows, 0);
  console.log(`备份完成：${result.file}`);
  console.log(
    `  大小 ${(result.sizeBytes / 1048576).toFixed(1)} MB，用时 ${(result.durationMs / 1000).toFixed(1)} 秒；` +
      `${Object.keys(result.manifest.tables).length} 张表共 ${rows} 行，证明材料 ${result.manifest.evidence.count} 个，迁移版本 ${result.manifest.migration.last}。`,
  );
  for (const warning of result.warnings) console.warn(`  警告：${warning}`);
  await stop();
} catch (error) {
  console.error(`备份失败：${error instanceof Error ? error.message : String(error)}`);
  await stop();
  process.exit(1);
}
