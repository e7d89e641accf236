// `npm start`: database (DATABASE_URL or the embedded one) → migrations → demo data on an empty
// database → build if needed → the Next.js server and, beside it, the job worker
// (scripts/jobs.ts, pg-boss: the daily calendar job and background exports). Either child is
// restarted when it dies (lib/process/supervise.ts) while the database keeps running; Ctrl-C or
// SIGTERM stops both, waits for them, then stops the database.
//
// Each child gets only its own database role's URL (lib/db/local-secrets.ts): the web server
// bangfu_server, the job worker bangfu_jobs. The owner's and the superuser's secrets stay in
// this process, which runs the migrations and the backups.
import { spawn, type ChildProcess } from "node:child_process";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";
import { loadLocalSecrets, openDatabase, PROJECT_DIR, type TDatabase } from "@/lib/db/runtime";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { describeRoleRisk } from "@/lib/db/roles";
import { DEMO_PASSWORD, DEMO_USERS, seedDemoIfEmpty } from "@/lib/demo/seed-demo";
import { backfillNameSearch } from "@/lib/db/backfill-name-search";
import { scheduleDailyBackups } from "@/lib/backup/schedule";
import { backupDir, evidenceDir } from "@/lib/db/paths";
import { describeRepair, repairAtStart } from "@/lib/db/repair-at-start";
import { forgetServer, recordServer, signalServer, stopOrphanedServer } from "@/lib/process/server-process";
import { supervise, type TSupervised } from "@/lib/process/supervise";
import { WEB_NODE_FLAGS, webProcessCount } from "@/lib/process/web-processes";
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
      cwd: PROJECT_DIR,
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`演示家庭档案填充失败（退出码 ${code}）`))));
  });
}

let db: TDatabase | undefined;
let server: TSupervised | undefined;
let jobs: TSupervised | undefined;
let stopping = false;

/** Web server and job worker first (they finish their requests and jobs), then the database, so nothing logs a lost connection. */
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (server || jobs) console.log("正在停止网页服务和定时任务进程……");
  await Promise.all([server?.stop(), jobs?.stop()]);
  forgetServer();
  if (db?.embedded) console.log("正在关闭内置数据库……");
  await db?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

/**
 * `node --import tsx <script>` rather than `npx tsx`: the child is the script's own process (no
 * wrappers between), and the IPC channel closes when this process dies — even by kill -9 — which
 * the children take as their signal to stop (see serve.ts, jobs.ts).
 */
function spawnScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { reactServer?: boolean; group?: boolean; nodeFlags?: readonly string[] } = {},
): ChildProcess {
  const flags = [...(options.nodeFlags ?? []), "--import", "tsx", ...(options.reactServer ? ["--conditions=react-server"] : [])];
  return spawn(process.execPath, [...flags, script, ...args], {
    cwd: PROJECT_DIR,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // A group of its own: a Ctrl-C in the terminal reaches only this process, which stops the
    // children in order; shutdown (and the next start, after a kill -9 of this one) reaches all of it.
    detached: options.group ?? true,
    env,
  });
}

try {
  const secrets = loadLocalSecrets();
  db = await openDatabase({ ownProcessGroup: true });
  console.log(db.embedded ? `已启动内置 PostgreSQL（数据保存在 ${db.dataDir}）。` : "使用 DATABASE_URL 指定的 PostgreSQL。");

  // Migrations as the tables' owner; the server itself as the application role (lib/db/roles.ts).
  const applied = await applyMigrations(db.migrationUrl);
  if (applied.length) console.log(`已执行数据库迁移：${applied.join("、")}`);
  const risk = await describeRoleRisk(db.url);
  if (risk) {
    console.warn(
      `警告：${risk}请为应用另建一个不拥有任何表的账户并加入 bangfu_app 角色，` + "把它设为 DATABASE_URL，表的所有者设为 MIGRATION_DATABASE_URL（见 README）。",
    );
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
  // Checked here, so that a wrong WEB_PROCESSES stops the start with its message (decision 033).
  const webProcesses = dev ? 1 : webProcessCount();

  const url = `http://${host === "127.0.0.1" || host === "::1" ? "localhost" : host === "0.0.0.0" ? "<本机地址>" : host}:${port}`;
  await stopOrphanedServer();
  // The web server's environment: its own role's URL and the session secret, nothing of the
  // owner or the superuser (MIGRATION_DATABASE_URL, PGBOSS_DATABASE_URL are not passed on).
  const { MIGRATION_DATABASE_URL: _migration, PGBOSS_DATABASE_URL: _boss, DATABASE_URL: _url, ...inherited } = process.env;
  const serverEnv: NodeJS.ProcessEnv = {
    ...inherited,
    DATABASE_URL: db.url,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? (host === "0.0.0.0" ? `http://localhost:${port}` : url),
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.authSecret,
    // The backup page shows the daily job only when the database's folder is on this machine.
    BANGFU_EMBEDDED_DB: db.embedded ? "1" : "",
    // Telemetry would try to reach the internet on every start; union networks are often closed.
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // Production runs behind scripts/serve.ts, which derives the client's address from the socket.
  server = supervise({
    name: "网页服务",
    start: () =>
      dev
        ? spawn("npx", ["next", "dev", "-p", String(port), "-H", host], { cwd: PROJECT_DIR, stdio: "inherit", detached: true, env: serverEnv })
        : // Its heap cap (decision 037); the cluster workers inherit the primary's flags.
          spawnScript("scripts/serve.ts", [String(port), host], serverEnv, { nodeFlags: WEB_NODE_FLAGS }),
    onStart: (child) => recordServer(child.pid!),
    requestStop: (child) => signalServer(child.pid!, "SIGTERM"),
    // Whatever the dead server left in its group (a Next.js worker) must not hold the port.
    reap: (child) => signalServer(child.pid!, "SIGKILL"),
    forceStop: (child) => signalServer(child.pid!, "SIGKILL"),
  });
  // A physical backup needs the data folder on this machine: only for the embedded database.
  if (db.embedded) scheduleDailyBackups(db.superuserUrl!);

  // The job worker is a separate process so a long job never slows a page; it is restarted like
  // the web server, and while it is down the administrators' 定时任务 page shows the missing runs.
  // Domain work and pg-boss as the job role (embedded: bangfu_jobs, owner of the schema pgboss only).
  const jobsEnv: NodeJS.ProcessEnv = { ...inherited, DATABASE_URL: db.jobsUrl, PGBOSS_DATABASE_URL: db.jobQueueUrl, DATABASE_POOL_SIZE: "4" };
  jobs = supervise({
    name: "定时任务进程",
    start: () => spawnScript("scripts/jobs.ts", [], jobsEnv, { reactServer: true }),
    requestStop: (child) => signalServer(child.pid!, "SIGTERM"),
    reap: (child) => signalServer(child.pid!, "SIGKILL"),
    // jobs.ts lets a running job finish for up to 30 s.
    forceStop: (child) => signalServer(child.pid!, "SIGKILL"),
  });

  if (seedDemo) {
    console.log(`\n帮扶系统已启动：${url}（网页服务 ${webProcesses} 个进程）\n演示账号（密码均为 ${DEMO_PASSWORD}）：`);
    for (const user of DEMO_USERS) {
      console.log(`  ${user.username.padEnd(15)} ${user.name}  ${user.orgName}  ${user.roles.map((r) => ROLE_LABELS[r]).join("、")}`);
    }
    console.log("按 Ctrl-C 停止（数据会保留）。\n");
  } else {
    console.log(`\n帮扶系统已启动：${url}（网页服务 ${webProcesses} 个进程）\n`);
  }
} catch (error) {
  console.error(error instanceof MigrationError ? `启动中止：${error.message}` : error);
  await shutdown(1);
}
