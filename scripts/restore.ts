// `npm run db:restore <file> [-- --force]`: restores an archive of `npm run db:backup` into this
// data folder (BANGFU_DATA_DIR). Refuses a folder that already holds a database or evidence
// unless --force, which moves them aside rather than deleting them. Stop Bangfu first.
import { restoreBackup } from "@/lib/backup/restore-backup";
import { evidenceDir, PGDATA_DIR, STATE_DIR } from "@/lib/db/paths";
import path from "node:path";

const args = process.argv.slice(2);
const force = args.includes("--force");
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("用法：npm run db:restore <备份文件> [-- --force]");
  process.exit(1);
}
if (process.env.DATABASE_URL) {
  console.error("设置了 DATABASE_URL：本命令只恢复内置数据库。您自己的服务器请用 pg_restore 或同版本的工具恢复，详见 README。");
  process.exit(1);
}

const started = Date.now();
try {
  const { manifest, movedAside } = await restoreBackup({
    file: path.resolve(file),
    pgdataDir: PGDATA_DIR,
    evidenceDir: evidenceDir(),
    secretsFile: path.join(STATE_DIR, "secrets.json"),
    force,
    log: console.log,
  });
  const rows = Object.values(manifest.tables).reduce((sum, t) => sum + t.rows, 0);
  console.log(
    `恢复完成（用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）：备份时间 ${manifest.startedAt}，` +
      `${Object.keys(manifest.tables).length} 张表共 ${rows} 行与清单一致，证明材料 ${manifest.evidence.count} 个。`,
  );
  for (const aside of movedAside) console.log(`  原有数据已移到 ${aside}（确认无误后可删除）。`);
  console.log("现在可以运行 npm start。");
} catch (error) {
  console.error(`恢复失败，现有数据未作改动：${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
