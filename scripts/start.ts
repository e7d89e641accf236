// `npm start`: database (DATABASE_URL or the embedded one) → migrations → demo data on an empty
// database → build if needed → the Next.js server. Ctrl-C stops the server, then the database.
import { spawn, type ChildProcess } from "node:child_process";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";
import { loadLocalSecrets, openDatabase, PROJECT_DIR, type TDatabase } from "@/lib/db/runtime";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { describeRoleRisk } from "@/lib/db/roles";
import { DEMO_PASSWORD, DEMO_USERS, seedDemoIfEmpty } from "@/lib/db/seed-demo";
import { backfillNameSearch } from "@/lib/db/backfill-name-search";
import { ensureBuild } from "./build-state";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);

let db: TDatabase | undefined;
let server: ChildProcess | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((resolve) => server!.once("exit", resolve));
  }
  if (db?.embedded) console.log("正在关闭内置数据库……");
  await db?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  const secrets = loadLocalSecrets();
  db = await openDatabase();
  console.log(db.embedded ? "已启动内置 PostgreSQL（数据保存在 .bangfu/pgdata）。" : "使用 DATABASE_URL 指定的 PostgreSQL。");

  // Migrations as the tables' owner; the server itself as the application role (lib/db/roles.ts).
  const applied = await applyMigrations(db.migrationUrl);
  if (applied.length) console.log(`已执行数据库迁移：${applied.join("、")}`);
  const risk = await describeRoleRisk(db.url);
  if (risk) {
    console.warn(`警告：${risk}请为应用另建一个不拥有任何表的账户并加入 bangfu_app 角色，` +
      "把它设为 DATABASE_URL，表的所有者设为 MIGRATION_DATABASE_URL（见 README）。");
  }

  const seedDemo = db.embedded || process.env.BANGFU_DEMO === "1";
  if (seedDemo && (await seedDemoIfEmpty(db.url))) console.log("数据库为空，已填充演示数据。");
  const named = await backfillNameSearch(db.url);
  if (named) console.log(`已为 ${named} 份档案补全姓名检索（拼音、首字母）。`);

  if (!dev) await ensureBuild();

  const url = `http://localhost:${port}`;
  server = spawn("npx", ["next", dev ? "dev" : "start", "-p", String(port)], {
    cwd: PROJECT_DIR,
    stdio: "inherit",
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? url,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.authSecret,
      // Telemetry would try to reach the internet on every start; union networks are often closed.
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  server.on("exit", (code) => void shutdown(code ?? 0));

  if (seedDemo) {
    console.log(`\n帮扶系统已启动：${url}\n演示账号（密码均为 ${DEMO_PASSWORD}）：`);
    for (const user of DEMO_USERS) {
      console.log(`  ${user.username.padEnd(15)} ${user.name}  ${user.orgName}  ${user.roles.map((r) => ROLE_LABELS[r]).join("、")}`);
    }
    console.log("按 Ctrl-C 停止（数据会保留）。\n");
  } else {
    console.log(`\n帮扶系统已启动：${url}\n`);
  }
} catch (error) {
  console.error(error instanceof MigrationError ? `启动中止：${error.message}` : error);
  await shutdown(1);
}
