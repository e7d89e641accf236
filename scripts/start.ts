// `npm start`: database (DATABASE_URL or the embedded one) → migrations → demo data on an empty
// database → build if needed → the Next.js server and, beside it, the job worker
// (scripts/jobs.ts, pg-boss: the daily calendar job and background exports). Ctrl-C stops both,
// then the database.
import { spawn, type ChildProcess } from "node:child_process";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";
import { loadLocalSecrets, openDatabase, PROJECT_DIR, type TDatabase } from "@/lib/db/runtime";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { describeRoleRisk } from "@/lib/db/roles";
import { DEMO_PASSWORD, DEMO_USERS, seedDemoIfEmpty } from "@/lib/db/seed-demo";
import { backfillNameSearch } from "@/lib/db/backfill-name-search";
import { scheduleDailyBackups } from "@/lib/backup/schedule";
import { backupDir, evidenceDir } from "@/lib/db/paths";
import { describeRepair, repairAtStart } from "@/lib/db/repair-at-start";
import { forgetServer, recordServer, signalServer, stopOrphanedServer } from "@/lib/db/server-process";
import { ensureBuild } from "./build-state";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
// Only this computer by default; HOST=0.0.0.0 (or a LAN address) opens it to the network.
const host = process.env.HOST || "127.0.0.1";

/**
 * The demo households are made by the domain functions, which are server-only code: they run in a
 * child process with the react-server condition, as the bench scripts do.
 */
function seedHouseholds(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "--conditions=react-server", "scripts/seed-demo-households.ts"], {
      cwd: PROJECT_DIR, stdio: "inherit", env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`演示家庭档案填充失败（退出码 ${code}）`))));
  });
}

let db: TDatabase | undefined;
let server: ChildProcess | undefined;
let jobs: ChildProcess | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (server && server.exitCode === null) {
    signalServer(server.pid!, "SIGTERM");
    await new Promise((resolve) => server!.once("exit", resolve));
  }
  if (jobs && jobs.exitCode === null) {
    jobs.kill("SIGTERM");
    await new Promise((resolve) => jobs!.once("exit", resolve));
  }
  forgetServer();
  if (db?.embedded) console.log("正在关闭内置数据库……");
  await db?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  const secrets = loadLocalSecrets();
  db = await openDatabase();
  console.log(db.embedded ? `已启动内置 PostgreSQL（数据保存在 ${db.dataDir}）。` : "使用 DATABASE_URL 指定的 PostgreSQL。");

  // Migrations as the tables' owner; the server itself as the application role (lib/db/roles.ts).
  const applied = await applyMigrations(db.migrationUrl);
  if (applied.length) console.log(`已执行数据库迁移：${applied.join("、")}`);
  const risk = await describeRoleRisk(db.url);
  if (risk) {
    console.warn(`警告：${risk}请为应用另建一个不拥有任何表的账户并加入 bangfu_app 角色，` +
      "把它设为 DATABASE_URL，表的所有者设为 MIGRATION_DATABASE_URL（见 README）。");
  }

  // After a crash: evidence bytes without a row, unfinished uploads and backups (see repair-at-start.ts).
  const repair = await repairAtStart({ databaseUrl: db.url, evidenceDir: evidenceDir(), backupDir: backupDir(), graceMs: db.embedded ? 0 : 15 * 60_000 });
  for (const line of describeRepair(repair)) console.log(line);

  const seedDemo = db.embedded || process.env.BANGFU_DEMO === "1";
  if (seedDemo && (await seedDemoIfEmpty(db.url))) {
    console.log("数据库为空，已填充演示数据。");
    await seedHouseholds(db.url);
  }
  const named = await backfillNameSearch(db.url);
  if (named) console.log(`已为 ${named} 份档案补全姓名检索（拼音、首字母）。`);

  if (!dev) await ensureBuild();

  const url = `http://${host === "127.0.0.1" || host === "::1" ? "localhost" : host === "0.0.0.0" ? "<本机地址>" : host}:${port}`;
  await stopOrphanedServer();
  // Production runs behind scripts/serve.ts, which derives the client's address from the socket.
  server = spawn("npx", dev ? ["next", "dev", "-p", String(port), "-H", host] : ["tsx", "scripts/serve.ts", String(port), host], {
    cwd: PROJECT_DIR,
    stdio: "inherit",
    // A group of its own, so shutdown (and the next start, after a kill -9 of this one) reaches all of it.
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? (host === "0.0.0.0" ? `http://localhost:${port}` : url),
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.authSecret,
      // The backup page shows the daily job only when the database's folder is on this machine.
      BANGFU_EMBEDDED_DB: db.embedded ? "1" : "",
      // Telemetry would try to reach the internet on every start; union networks are often closed.
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  recordServer(server.pid!);
  server.on("exit", (code) => void shutdown(code ?? 0));
  // A physical backup needs the data folder on this machine: only for the embedded database.
  if (db.embedded) scheduleDailyBackups(db.superuserUrl!);

  // The job worker is a separate process so a long job never slows a page; if it stops, the site
  // stays up and the administrators' 定时任务 page shows the missing runs.
  jobs = spawn("npx", ["tsx", "--conditions=react-server", "scripts/jobs.ts"], {
    cwd: PROJECT_DIR,
    stdio: "inherit",
    // Domain work as the application role; pg-boss keeps its own schema `pgboss`, which it creates
    // and migrates itself, so it connects as the owner the migrations use.
    env: { ...process.env, DATABASE_URL: db.url, PGBOSS_DATABASE_URL: db.migrationUrl, DATABASE_POOL_SIZE: "4" },
  });
  jobs.on("exit", (code) => {
    if (!stopping && code !== 0) console.error(`定时任务进程已退出（代码 ${code}），网站继续运行；请查看日志后重新启动。`);
  });

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
