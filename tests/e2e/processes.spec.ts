// Guards issue 22 §2 and §4 on a real `npm start` (its own data folder and ports, the built app):
// - §4: every credential in the running web server's and job worker's environment
//   (/proc/<pid>/environ) is refused as the owner and as the superuser, the owner's and the
//   superuser's secrets are not there at all, and the rewrite attempts of issue 8 with each URL
//   found change 0 rows;
// - §2: a payment is recorded through the browser, the web server is killed with -9, pages answer
//   again within RESTART_BUDGET_MS without anyone acting, PostgreSQL's postmaster and the job
//   worker never stopped, and the payment is still there;
// - §2: Ctrl-C stops the web server and the job worker before the database, with no lost-connection
//   errors, and leaves nothing running.
// - issue 28 (decision 033): with two web processes behind the one port, a worker killed with -9
//   is started again by its primary while the other keeps answering, and nothing else restarts.
//   (Here, sharing this file's npm start, rather than a spec of its own: starting one costs minutes.)
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { freePort, loginStatus, PROJECT_DIR } from "./support/npm-start";
import { tryLogin } from "../support/try-login";
import pg from "pg";
import { socketDirFor } from "@/lib/postgres/embedded";
import { processAlive as alive } from "@/lib/process/server-process";

/** The promise the issue asks us to state: pages answer again this soon after a kill -9 of the web server. */
const RESTART_BUDGET_MS = 20_000;
const DEMO_PASSWORD = "Bangfu@2026";

test.describe.configure({ mode: "serial" });

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/** The node processes running `script` for this test's data folder (other Bangfus may run on the machine). */
function processesOf(script: string, dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (!cmdline.includes(script)) continue;
      if (environOf(Number(entry)).BANGFU_DATA_DIR === dataDir) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

type TSecrets = { databasePasswords: Record<string, string> };

let dataDir: string;
let port: number;
let pgPort: number;
let start: ChildProcess;
let output = "";
let secrets: TSecrets;

const postmasterPid = () => Number(readFileSync(path.join(realpathSync(path.join(dataDir, "pgdata")), "postmaster.pid"), "utf8").split("\n")[0]);
const ownerUrl = () => `postgresql://bangfu_owner:${encodeURIComponent(secrets.databasePasswords.bangfu_owner!)}@127.0.0.1:${pgPort}/bangfu`;

async function asOwner<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ownerUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dataDir = await mkdtemp(path.join(tmpdir(), "bangfu-processes-"));
  // As root PostgreSQL runs as `postgres`, which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  [port, pgPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    BANGFU_DATA_DIR: dataDir,
    BANGFU_BACKUP_SCHEDULE: "off",
    // Two web processes whatever the machine's cores (decision 033), so the tests below see the cluster.
    WEB_PROCESSES: "2",
  };
  for (const name of [
    "DATABASE_URL",
    "MIGRATION_DATABASE_URL",
    "PGBOSS_DATABASE_URL",
    "EVIDENCE_DIR",
    "EXPORT_DIR",
    "BANGFU_BACKUP_DIR",
    "NEXTAUTH_URL",
    "NEXTAUTH_SECRET",
  ])
    delete env[name];
  // Its own process group, as a terminal would give it: Ctrl-C is a SIGINT to the group.
  start = spawn("npm", ["start"], { cwd: PROJECT_DIR, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  start.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  start.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 240_000, intervals: [1000] }).toContain("帮扶系统已启动");
  await expect.poll(() => loginStatus(port), { timeout: 60_000 }).toBe(200);
  await expect.poll(() => output, { timeout: 60_000 }).toContain("后台导出已启动");
  secrets = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as TSecrets;
});

test.afterAll(async () => {
  if (start && start.exitCode === null) {
    try {
      process.kill(-start.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  for (const script of ["scripts/serve.ts", "scripts/jobs.ts"]) for (const pid of processesOf(script, dataDir)) process.kill(pid, "SIGKILL");
  if (existsSync(path.join(dataDir, "pgdata", "postmaster.pid"))) {
    const postmaster = postmasterPid();
    process.kill(postmaster, "SIGINT");
    for (let waited = 0; alive(postmaster) && waited < 30_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
});

test("no credential in the web server's or the job worker's environment opens the owner or the superuser, or rewrites history", async () => {
  const [server] = processesOf("scripts/serve.ts", dataDir);
  const [jobs] = processesOf("scripts/jobs.ts", dataDir);
  expect(server).toBeDefined();
  expect(jobs).toBeDefined();
  const socketDir = socketDirFor(path.join(dataDir, "pgdata"));

  const found: { process: string; name: string; value: string }[] = [];
  for (const [name, pid] of [
    ["web server", server!],
    ["job worker", jobs!],
  ] as const) {
    const env = environOf(pid);
    // The owner's and the superuser's secrets are nowhere in the environment, under any name.
    for (const role of ["postgres", "bangfu_owner"]) {
      expect(
        Object.entries(env).filter(([, value]) => value.includes(secrets.databasePasswords[role]!)),
        `${name}: ${role}`,
      ).toEqual([]);
    }
    expect(Object.keys(env)).not.toContain("MIGRATION_DATABASE_URL");
    for (const [key, value] of Object.entries(env)) {
      for (const match of value.matchAll(/postgres(?:ql)?:\/\/[^:\s]+:([^@\s]+)@/g))
        found.push({ process: name, name: key, value: decodeURIComponent(match[1]!) });
      if (/SECRET|PASSWORD|TOKEN|KEY/i.test(key) && value) found.push({ process: name, name: key, value });
    }
  }
  console.log(`credentials found: ${found.map((f) => `${f.process} ${f.name}`).join(", ")}`);
  expect(found.map((f) => `${f.process} ${f.name}`)).toEqual(
    expect.arrayContaining(["web server DATABASE_URL", "web server NEXTAUTH_SECRET", "job worker DATABASE_URL"]),
  );

  for (const { process: owner, name, value } of found) {
    const label = `${owner} ${name}`;
    expect({ label, result: await tryLogin({ host: "127.0.0.1", port: pgPort, user: "bangfu_owner", password: value }) }).toEqual({ label, result: "28P01" });
    expect({ label, result: await tryLogin({ host: "127.0.0.1", port: pgPort, user: "postgres", password: value }) }).toEqual({ label, result: "28000" });
    expect({ label, result: await tryLogin({ host: socketDir, port: pgPort, user: "postgres", password: value }) }).toEqual({ label, result: "28P01" });
  }

  // The rewrite attempts of issue 8, with every database URL the two processes hold.
  const fingerprint = async () =>
    (
      await asOwner<{ ledger: string; audit: number; filing: number; triggers: number }>(`
      SELECT (SELECT count(*) || ':' || coalesce(sum(amount_fen), 0) FROM ledger_entry) AS ledger,
             (SELECT count(*)::int FROM audit_event) AS audit, (SELECT count(*)::int FROM filing_event) AS filing,
             (SELECT count(*)::int FROM pg_trigger WHERE tgenabled = 'D') AS triggers`)
    )[0];
  const before = await fingerprint();
  expect(Number(before!.ledger.split(":")[0])).toBeGreaterThan(0);
  const urls = [...new Set([server!, jobs!].flatMap((pid) => Object.values(environOf(pid)).filter((v) => /^postgres(ql)?:\/\//.test(v))))];
  expect(urls.length).toBeGreaterThanOrEqual(2);
  for (const url of urls) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of [
        "UPDATE ledger_entry SET amount_fen = amount_fen + 1",
        "DELETE FROM audit_event",
        "TRUNCATE filing_event CASCADE",
        "ALTER TABLE ledger_entry DISABLE TRIGGER ALL",
      ]) {
        await expect(client.query(sql), `${new URL(url).username}: ${sql}`).rejects.toThrow(/permission denied|must be owner/);
      }
    } finally {
      await client.end();
    }
  }
  expect(await fingerprint()).toEqual(before);
});

/** The web server's workers: the children of the cluster primary (npm start's serve.ts). */
function workersOf(primary: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Field 4 of /proc/<pid>/stat, after the command in parentheses, is the parent's pid.
        return Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === primary;
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("with two web processes, a worker killed with -9 is started again while the other keeps answering", async () => {
  test.setTimeout(120_000);
  expect(output).toContain("（网页服务 2 个进程）");
  const [primary] = processesOf("scripts/serve.ts", dataDir);
  const [jobs] = processesOf("scripts/jobs.ts", dataDir);
  const workers = workersOf(primary!);
  expect(workers).toHaveLength(2);
  // Every web process runs with the heap cap of decision 037, so its memory levels off under load.
  const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  for (const pid of [primary!, ...workers]) expect(cmdline(pid)).toContain("--max-old-space-size=512");
  const from = output.length;
  process.kill(workers[0]!, "SIGKILL");
  // The port is the primary's, so the other worker answers: only a connection kept alive to the
  // killed one fails, once (checked by hand on 2026-12-07: 0, 200, 200, 200, 200 right after the kill).
  await expect.poll(() => loginStatus(port), { timeout: 10_000, intervals: [50] }).toBe(200);
  await expect
    .poll(() => output.slice(from), { timeout: 20_000 })
    .toMatch(/网页服务（进程 [12]）意外退出（被强制结束（SIGKILL，常见原因：内存不足或 kill -9）），1 秒后重新启动（连续第 1 次）/);
  await expect.poll(() => workersOf(primary!).filter((pid) => !workers.includes(pid)).length, { timeout: 60_000, intervals: [200] }).toBe(1);
  expect(workersOf(primary!)).toContain(workers[1]);
  // The restarted worker too (cluster forks it with the primary's flags).
  for (const pid of workersOf(primary!)) expect(cmdline(pid)).toContain("--max-old-space-size=512");
  expect(await loginStatus(port)).toBe(200);
  // Only the worker: npm start restarted neither the primary nor the job worker.
  expect(output.slice(from)).not.toContain("网页服务意外退出");
  expect(processesOf("scripts/serve.ts", dataDir)).toEqual([primary]);
  expect(processesOf("scripts/jobs.ts", dataDir)).toEqual([jobs]);
});

test("after kill -9 of the web server, pages answer again on their own, the database never stopped and a payment recorded before is there", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const [file] = await asOwner<{ id: string }>(`
    SELECT f.id FROM household_file f JOIN organisation o ON o.id = f.organisation_id
     WHERE f.status = 'OPEN' AND o.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%'
       AND EXISTS (SELECT 1 FROM bank_account a WHERE a.file_id = f.id)
     ORDER BY f.id LIMIT 1`);
  expect(file).toBeDefined();
  const purpose = `进程测试 ${Date.now()}`;

  await page.goto(`http://localhost:${port}/login`);
  await page.getByLabel("用户名").fill("lz_caseworker");
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  // Signing in hashes the password: slow on a busy machine.
  await expect(page).not.toHaveURL(/\/login/, { timeout: 60_000 });
  await page.goto(`http://localhost:${port}/ledger/new?fileId=${file!.id}`);
  await page.getByLabel("救助类型").selectOption({ label: "生活救助" });
  await page.getByLabel("资金来源").selectOption({ label: "工会经费" });
  await page.getByLabel("金额（元）").fill("123");
  await page.getByLabel("用途").fill(purpose);
  await page.getByRole("button", { name: "提交审批" }).click();
  await expect(page.getByText("已登记，等待审批人审批后入账。")).toBeVisible({ timeout: 60_000 });
  const paymentPage = page.url();

  const [server] = processesOf("scripts/serve.ts", dataDir);
  const [jobs] = processesOf("scripts/jobs.ts", dataDir);
  const postmaster = postmasterPid();
  process.kill(server!, "SIGKILL");
  const killedAt = Date.now();
  await expect.poll(() => loginStatus(port), { timeout: 5_000, intervals: [100] }).toBe(0);
  await expect.poll(() => loginStatus(port), { timeout: RESTART_BUDGET_MS, intervals: [200] }).toBe(200);
  const restartMs = Date.now() - killedAt;
  console.log(`pages answered again ${(restartMs / 1000).toFixed(1)} s after kill -9 of the web server`);
  expect(restartMs).toBeLessThan(RESTART_BUDGET_MS);

  expect(output).toContain("网页服务意外退出（被强制结束（SIGKILL，常见原因：内存不足或 kill -9）），1 秒后重新启动（连续第 1 次）");
  expect(output).not.toContain("正在关闭内置数据库");
  const [restarted] = processesOf("scripts/serve.ts", dataDir);
  expect(restarted).not.toBe(server);
  expect(postmasterPid()).toBe(postmaster);
  expect(alive(postmaster)).toBe(true);
  expect(processesOf("scripts/jobs.ts", dataDir)).toEqual([jobs]);

  // The job worker too: restarted on its own, the web server and the database untouched.
  process.kill(jobs!, "SIGKILL");
  await expect.poll(() => processesOf("scripts/jobs.ts", dataDir).filter((pid) => pid !== jobs).length, { timeout: 20_000, intervals: [200] }).toBe(1);
  expect(output).toContain("定时任务进程意外退出（被强制结束（SIGKILL，常见原因：内存不足或 kill -9）），1 秒后重新启动（连续第 1 次）");
  expect(processesOf("scripts/serve.ts", dataDir)).toEqual([restarted]);
  expect(postmasterPid()).toBe(postmaster);

  // The payment, in the database and on its page, still signed in.
  expect(await asOwner("SELECT amount_fen, status FROM disbursement WHERE purpose = $1", [purpose])).toEqual([{ amount_fen: 12300, status: "PENDING" }]);
  await page.goto(paymentPage);
  await expect(page.getByText(purpose)).toBeVisible();
});

test("Ctrl-C stops the web server and the job worker, then the database, without lost-connection errors", async () => {
  test.setTimeout(120_000);
  const server = processesOf("scripts/serve.ts", dataDir)[0]!;
  const jobs = processesOf("scripts/jobs.ts", dataDir)[0]!;
  const postmaster = postmasterPid();
  const from = output.length;
  // "close": every process that shares its output (the start script, web server, job worker) has exited.
  const exited = new Promise((resolve) => start.once("close", resolve));
  // What a terminal sends on Ctrl-C: SIGINT to the foreground process group.
  process.kill(-start.pid!, "SIGINT");
  await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error("npm start did not stop within 60 s")), 60_000))]);
  const tail = output.slice(from);
  console.log(`output after Ctrl-C (${tail.split("\n").length} lines):\n${tail}`);
  expect(tail).not.toMatch(/terminating connection|ECONNREFUSED|意外退出|出错/);
  expect(tail.indexOf("正在停止网页服务和定时任务进程")).toBeGreaterThanOrEqual(0);
  expect(tail.indexOf("正在关闭内置数据库")).toBeGreaterThan(tail.indexOf("正在停止网页服务和定时任务进程"));
  for (const pid of [server, jobs, postmaster]) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
});
