// `npm run db:migrate`: apply pending SQL migrations to DATABASE_URL, or to the embedded database.
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/runtime";

const db = await openDatabase();
try {
  const applied = await applyMigrations(db.migrationUrl);
  console.log(applied.length ? `已执行迁移：${applied.join("、")}` : "数据库已是最新，无需迁移。");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.stop();
}
