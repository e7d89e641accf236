// `npm run bench:http`: every page issue 28 names, loaded the way a caseworker loads it — through
// the production Next.js server, with a session cookie got by signing in as a real demo user of a
// city (兰州) and of the province (甘肃省总工会) — each beside the SQL that page sent, replayed
// through plain pg; the page's bytes; then 20 closed-loop users with the server's memory.
//
//   npm run seed -- --households 1000000 --ledger-entries 10000000   first (a scratch database)
//   npm run bench:http       options: --runs <n> (timed loads per page, 20), --seconds <n> (load run,
//                            60), --users <n> (20), --port <n> (3290), --url <http://…> (use a server
//                            already running, started with BANGFU_BENCH_SQL=1 for the SQL column),
//                            --only <a,b> (pages whose label contains one of them), --plans (each statement),
//                            --no-build (serve the build as it is, even if the sources changed since),
//                            --dump <dir> (write each page's HTML and RSC payload there, to see what weighs),
//                            --cpu-prof <dir> (the server runs under node --cpu-prof and writes its profile there
//                            when the benchmark stops it: where a page's own cost goes, see the page-weight note),
//                            --processes <n> (web processes for the closed-loop run, as npm start would choose:
//                            one per core; the pages are timed on one process, whose SQL the capture sees whole.
//                            The closed-loop run goes once on one process — its ceiling — then on <n>),
//                            --node-flags "<flags>[;<flags>…]" (the web processes' Node.js flags, WEB_NODE_FLAGS
//                            by default; "none" for none; several sets separated by ";" run the closed loop
//                            on each, one after the other, each on a fresh server: decision 037),
//                            --only-load (no page timings: sign in, then only the closed-loop runs)
//
// Without --url it opens the database (DATABASE_URL or the embedded one, BANGFU_DATA_DIR and
// EMBEDDED_PG_PORT as for npm start), applies the migrations, builds if the build is stale, and
// starts scripts/serve.ts with BANGFU_BENCH_SQL=1 as the app role, as npm start does.
//
// The SQL column: before and after one more load of the page, the benchmark reads
// GET /__bench/sql (scripts/bench-sql-capture.ts), so it gets the statements the page really sent
// (session check included), and replays the reads (SELECT/WITH) one after the other through pg as
// the same role. "开销" = page p50 − that floor: render, session, serialisation and the network
// (the page may run statements in parallel, so the floor can exceed a page's own time).
// The page reads nothing it writes, except the session's idle stamp and audit rows; those writes
// are counted, not replayed.
import { spawn, execSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import pg from "pg";
import { DEMO_PASSWORD } from "@/lib/demo/seed-demo";
import { applyMigrations } from "@/lib/db/migrate";
import { loadLocalSecrets, openDatabase, PROJECT_DIR, type TDatabase } from "@/lib/db/runtime";
import { WEB_NODE_FLAGS, webProcessCount } from "@/lib/process/web-processes";
import { ensureBuild } from "./build-state";
import { ms, statementVerb, table } from "./bench-support";
import { BENCH_SQL_PATH, type TCapturedStatement } from "./bench-sql-capture";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}
function intArg(name: string, fallback: number): number {
  const raw = arg(name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} 应为正整数`);
  return n;
}
const RUNS = intArg("--runs", 20);
const SECONDS = intArg("--seconds", 60);
const USERS = intArg("--users", 20);
const PORT = intArg("--port", 3290);
const ONLY = arg("--only");
const PLANS = process.argv.includes("--plans");
const DUMP = arg("--dump");
const CPU_PROF = arg("--cpu-prof");
const PROCESSES = intArg("--processes", webProcessCount());
const ONLY_LOAD = process.argv.includes("--only-load");
/** Each set of the web processes' Node.js flags to run the closed loop with ("none": no flags). */
const NODE_FLAG_SETS: string[][] = (arg("--node-flags") ?? WEB_NODE_FLAGS.join(" "))
  .split(";")
  .map((set) => set.trim())
  .map((set) => (set === "none" || set === "" ? [] : set.split(/\s+/)));

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const kb = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : "—");

// ───────────────────────────── the server ─────────────────────────────

type TServer = { base: string; pid: number | null; stop: () => Promise<void> };

async function waitForServer(base: string, child: ChildProcess | null): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`网页服务启动失败（退出码 ${child.exitCode}）。`);
    try {
      const res = await fetch(`${base}/login`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("网页服务 3 分钟内没有响应。");
}

async function startServer(db: TDatabase, processes = 1, nodeFlags: readonly string[] = WEB_NODE_FLAGS): Promise<TServer> {
  const base = `http://localhost:${PORT}`;
  const { MIGRATION_DATABASE_URL: _m, PGBOSS_DATABASE_URL: _b, ...inherited } = process.env;
  const profile = CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(CPU_PROF)] : [];
  // The cluster workers inherit the primary's flags (node:cluster forks with process.execArgv).
  const child = spawn(process.execPath, [...nodeFlags, ...profile, "--import", "tsx", "scripts/serve.ts", String(PORT), "127.0.0.1"], {
    cwd: PROJECT_DIR,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...inherited,
      DATABASE_URL: db.url,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? loadLocalSecrets().authSecret,
      BANGFU_BENCH_SQL: "1",
      WEB_PROCESSES: String(processes),
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
    },
  });
  await waitForServer(base, child);
  return {
    base,
    pid: child.pid ?? null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 8000).unref();
      }),
  };
}

/** Resident memory (MiB) of the server process and of each of its children (cluster workers), from /proc. */
function serverRssByProcess(pid: number | null): Map<number, number> {
  const byPid = new Map<number, number>();
  if (!pid) return byPid;
  const pids = [pid];
  try {
    pids.push(...execSync(`pgrep -P ${pid}`, { encoding: "utf8" }).split("\n").filter(Boolean).map(Number));
  } catch {
    // no children
  }
  for (const p of pids) {
    try {
      byPid.set(p, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0) / 1024);
    } catch {
      // gone
    }
  }
  return byPid;
}

/** CPU seconds (user + system) the server process and its children have used, from /proc. */
function processCpuSeconds(pid: number | null): number {
  if (!pid) return NaN;
  const pids = [pid];
  try {
    pids.push(...execSync(`pgrep -P ${pid}`, { encoding: "utf8" }).split("\n").filter(Boolean).map(Number));
  } catch {
    // no children
  }
  let ticks = 0;
  for (const p of pids) ticks += statTicks(p);
  return ticks / 100;
}
function statTicks(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
/** CPU ticks of every postgres process on this machine now (the shared servers' too), by pid. */
function postgresTicks(): Map<number, number> {
  try {
    const pids = execSync("pgrep -x postgres", { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
    return new Map(pids.map((p) => [p, statTicks(p)]));
  } catch {
    return new Map();
  }
}
/** CPU seconds the postgres processes alive at both samples used between them (one that exited is not counted). */
function postgresCpuSecondsSince(before: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of postgresTicks()) if (before.has(pid)) ticks += Math.max(0, now - before.get(pid)!);
  return before.size ? ticks / 100 : NaN;
}

// ───────────────────────────── sessions ─────────────────────────────

/** The cookies a response set, merged into `jar`. */
function keepCookies(jar: Map<string, string>, res: Response) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * Signs in through next-auth's credentials callback, as the login form does; returns the Cookie
 * header. Tried three times: on a machine under heavy load the sign-in transaction (argon2 inside
 * it) can overrun its time and answer 401 without recording a failure.
 */
async function signIn(base: string, username: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await signInOnce(base, username);
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function signInOnce(base: string, username: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keepCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, username, password: DEMO_PASSWORD, json: "true", callbackUrl: `${base}/` }),
  });
  keepCookies(jar, res);
  await res.arrayBuffer();
  if (![...jar.keys()].some((k) => k.includes("session-token")))
    throw new Error(`演示用户 ${username} 登录失败（${res.status}）：这个数据库是用演示数据初始化的吗？`);
  return cookieHeader(jar);
}

type TLoad = { status: number; bytes: number; ms: number; body: string; location: string | null };
async function load(base: string, cookie: string, path: string, headers: Record<string, string> = {}): Promise<TLoad> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie, "Accept-Encoding": "identity", ...headers }, redirect: "manual" });
  const body = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(body), ms: performance.now() - t0, body, location: res.headers.get("location") };
}

/** The RSC payload a client-side navigation to `path` receives (Next answers a bare RSC request with a redirect adding _rsc). */
async function loadRsc(base: string, cookie: string, path: string): Promise<TLoad> {
  const first = await load(base, cookie, path, { RSC: "1" });
  if (first.status !== 307 && first.status !== 308) return first;
  const location = first.location ?? path;
  return load(base, cookie, location.startsWith("http") ? location.slice(new URL(location).origin.length) : location, { RSC: "1" });
}

/** Bytes of the RSC payload the HTML carries inline (self.__next_f.push scripts). */
function inlineFlightBytes(html: string): number {
  let n = 0;
  for (const m of html.matchAll(/<script[^>]*>(self\.__next_f\.push\([\s\S]*?)<\/script>/g)) n += Buffer.byteLength(m[1]!);
  return n;
}

const decodeHref = (href: string) => href.replaceAll("&amp;", "&");
function linkIn(html: string, pattern: RegExp): string | undefined {
  const m = pattern.exec(html);
  return m ? decodeHref(m[1]!) : undefined;
}

// ───────────────────────────── the run ─────────────────────────────

type TCase = { scope: string; label: string; user: string; path: string; target: number };

/**
 * The two slowest timed loads of a page, each with its three slowest statements as the page waited
 * for them, beside that statement's median over all the loads. "新连接": the statement ran on a
 * backend no earlier load (the warm-up included) used — connecting, and a cold backend's caches;
 * "首次": its first run on that backend (a named statement is parsed and planned there).
 */
function printSlowLoads(times: number[], perLoad: TCapturedStatement[][], warmed: TCapturedStatement[]) {
  const seenPids = new Set(warmed.flatMap((s) => (s.pid === undefined ? [] : [s.pid])));
  const seenOnPid = new Set(warmed.map((s) => `${s.pid} ${s.text}`));
  // In load order, so "first" means first in time: a load's statements against what the loads before it used.
  const notes = perLoad.map((statements) => {
    const marks = statements.map((s) =>
      [s.pid !== undefined && !seenPids.has(s.pid) ? "新连接" : "", !seenOnPid.has(`${s.pid} ${s.text}`) ? "首次" : ""].filter(Boolean).join("、"),
    );
    for (const s of statements) {
      if (s.pid !== undefined) seenPids.add(s.pid);
      seenOnPid.add(`${s.pid} ${s.text}`);
    }
    return marks;
  });
  // Printed slowest first.
  const byText = new Map<string, number[]>();
  for (const statements of perLoad) for (const s of statements) if (s.ms !== undefined) byText.set(s.text, [...(byText.get(s.text) ?? []), s.ms]);
  const order = times.map((t, i) => i).sort((a, b) => times[b]! - times[a]!);
  for (const i of order.slice(0, 2)) {
    const statements = perLoad[i]!.map((s, j) => ({ ...s, note: notes[i]![j]! })).filter((s) => s.ms !== undefined);
    const top = [...statements].sort((a, b) => b.ms! - a.ms!).slice(0, 3);
    console.log(`      第 ${i + 1} 次加载 ${ms(times[i]!)} ms（中位数 ${ms(quantile(times, 0.5))}）：`);
    for (const s of top)
      console.log(
        `        ${ms(s.ms!)} ms（各次中位数 ${ms(quantile(byText.get(s.text) ?? [], 0.5))}）后端 ${s.pid ?? "?"}${s.note ? ` ${s.note}` : ""}  ${s.text.replace(/\s+/g, " ").slice(0, 120)}`,
      );
  }
}

async function main() {
  const url = arg("--url");
  let db: TDatabase | undefined;
  let server: TServer | undefined;
  let sql: pg.Client | undefined;
  try {
    db = await openDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    if (!url) {
      await applyMigrations(db.migrationUrl);
      if (!process.argv.includes("--no-build")) await ensureBuild();
    }
    server = url ? { base: url.replace(/\/$/, ""), pid: null, stop: async () => {} } : await startServer(db);
    const base = server.base;
    const canCapture = await fetch(`${base}${BENCH_SQL_PATH}`)
      .then((r) => r.ok)
      .catch(() => false);

    const model = (() => {
      try {
        return /Model name:\s*(.+)/.exec(execSync("lscpu", { encoding: "utf8" }))?.[1]?.trim() ?? os.cpus()[0]?.model;
      } catch {
        return os.cpus()[0]?.model;
      }
    })();
    const {
      rows: [size],
    } = await sql.query<{ files: string; entries: string }>(
      "SELECT (SELECT count(*) FROM household_file) AS files, (SELECT sum(entries) FROM ledger_daily_total) AS entries",
    );
    console.log(
      `机器：${model}，${os.cpus().length} 核，内存 ${Math.round(os.totalmem() / 2 ** 30)} GB，负载 ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / ")}`,
    );
    console.log(
      `档案 ${Number(size!.files).toLocaleString()} 户，台账 ${Number(size!.entries).toLocaleString()} 笔；服务 ${base}${canCapture ? "" : "（未开启 BANGFU_BENCH_SQL，无 SQL 列）"}；每页预热 1 次后计时 ${RUNS} 次。\n`,
    );

    // Real values: an open file of 城关区 (its holder's ID number and file number), a set of open files.
    const county = (await sql.query<{ id: string; path: string }>("SELECT id, path FROM organisation WHERE code = 'GSLZCG'")).rows[0];
    if (!county) throw new Error("找不到 城关区（GSLZCG）：这个数据库不是用演示数据初始化的。");
    const inCounty = "status = 'OPEN' AND organisation_id IN (SELECT id FROM organisation WHERE path LIKE $1 || '%')";
    const { rows: recent } = await sql.query<{ id: string; rid: string; fno: string }>(
      `SELECT id, holder_resident_id AS rid, file_number AS fno FROM household_file WHERE ${inCounty} ORDER BY updated_at DESC LIMIT 101`,
      [county.path],
    );
    const sample = recent.at(-1);
    let { rows: openFiles } = await sql.query<{ id: string }>(`SELECT id FROM household_file TABLESAMPLE SYSTEM (1) WHERE ${inCounty} LIMIT 500`, [
      county.path,
    ]);
    // A small database has too few pages for a 1 % sample.
    if (openFiles.length < 50) openFiles = (await sql.query<{ id: string }>(`SELECT id FROM household_file WHERE ${inCounty} LIMIT 500`, [county.path])).rows;
    if (!sample || !openFiles.length) throw new Error("数据库里没有 城关区 的在档档案：请先运行 npm run seed -- --households 1000000");
    const {
      rows: [old],
    } = await sql.query<{ d: string; id: string }>(
      "SELECT entry_date::text AS d, id FROM ledger_entry WHERE entry_date <= (current_date - interval '18 months') ORDER BY entry_date DESC, id DESC LIMIT 1",
    );
    // A ledger page of 20 rows (the page shows 50), for issue 28's "an archive or ledger page of 20
    // rows": the sample file's union and a run of dates holding exactly 20 of its entries.
    const {
      rows: [twenty],
    } = await sql.query<{ org: string; lo: string; hi: string }>(
      `WITH u AS (SELECT o.id, o.path FROM organisation o JOIN household_file f ON f.organisation_id = o.id WHERE f.id = $1),
            e AS (SELECT entry_date FROM ledger_entry WHERE organisation_id IN (SELECT id FROM organisation WHERE path LIKE (SELECT path FROM u) || '%')),
            a AS (SELECT entry_date AS lo, lag(entry_date) OVER w AS prev, lead(entry_date, 19) OVER w AS hi, lead(entry_date, 20) OVER w AS after
                  FROM e WINDOW w AS (ORDER BY entry_date))
       SELECT (SELECT id FROM u) AS org, lo::text, hi::text FROM a
        WHERE (prev IS NULL OR prev < lo) AND hi IS NOT NULL AND (after IS NULL OR after > hi) ORDER BY lo DESC LIMIT 1`,
      [sample.id],
    );
    const today = (await sql.query<{ today: string }>("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text AS today")).rows[0]!.today;
    const month = today.slice(0, 7);
    const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const thirtyDaysAgo = (await sql.query<{ d: string }>("SELECT ($1::date - 29)::text AS d", [today])).rows[0]!.d;
    const halfYearAgo = (await sql.query<{ d: string }>("SELECT ($1::date - interval '6 months')::date::text AS d", [today])).rows[0]!.d;
    // Periods that ended long ago: their open files are counted back from a kept month (decision 039).
    const lastYear = String(Number(today.slice(0, 4)) - 1);
    const { from: yearAgoFrom, to: yearAgo } = (
      await sql.query<{ from: string; to: string }>(
        "SELECT ($1::date - interval '1 year')::date::text AS to, (($1::date - interval '1 year')::date - 29)::text AS from",
        [today],
      )
    ).rows[0]!;

    const users = ["lz_caseworker", "lz_official", "lz_auditor", "lz_admin", "gs_official", "gs_auditor", "gs_admin"];
    const cookies = new Map<string, string>();
    for (const u of users) cookies.set(u, await signIn(base, u));

    const cases: TCase[] = [];
    for (const [scope, official, auditor, admin, orgCode] of [
      ["市", "lz_official", "lz_auditor", "lz_admin", "GSLZ"],
      ["省", "gs_official", "gs_auditor", "gs_admin", "GS"],
    ] as const) {
      const first = await load(base, cookies.get(auditor)!, "/archive");
      // The pager's links are relative ("?after=…").
      const nextQuery = linkIn(first.body, /href="(\?after=[^"]*)"/);
      const next = nextQuery && `/archive${nextQuery}`;
      const add = (label: string, user: string, path: string, target = 100) => cases.push({ scope, label, user, path, target });
      add("工作台（审批）", official, "/");
      add("工作台（审计）", auditor, "/");
      if (scope === "市") {
        add("工作台（经办）", "lz_caseworker", "/");
        add("动态管理（经办）", "lz_caseworker", "/dynamic");
      }
      add("审核（全部区块）", official, "/review");
      add("审核 变更·调级", official, "/review?changes=TIER_CHANGE");
      add("档案 第1页", auditor, "/archive");
      if (next) add("档案 下一页", auditor, next);
      add("档案 末页", auditor, "/archive?last=1");
      add("档案 筛选 类别+级别+县", auditor, `/archive?tier=RELATIVE&level=COUNTY&org=${county.id}`);
      add("档案 筛选 致困原因 因灾", auditor, "/archive?cause=DISASTER");
      for (const q of ["王", "静", "王静", "wangjing", "wj"]) add(`搜索 ${q}`, auditor, `/archive?q=${encodeURIComponent(q)}`);
      add("搜索 身份号码", auditor, `/archive?q=${sample.rid}`, 25);
      add("搜索 档案编号", auditor, `/archive?q=${encodeURIComponent(sample.fno)}`, 25);
      add("动态管理", official, "/dynamic");
      add("动态管理 逾期", official, "/dynamic?which=overdue");
      add("户页面", auditor, `/files/${sample.id}`, 50);
      add("台账 第1页", auditor, "/ledger");
      if (old) add("台账 18个月前（游标）", auditor, `/ledger?cursor=${encodeURIComponent(`${old.d}_${old.id}`)}`);
      add("台账 金额 1,000–2,000 元", auditor, "/ledger?min=1000&max=2000");
      if (twenty) add("台账 20 行（一个工会、一段日期）", auditor, `/ledger?organisationId=${twenty.org}&from=${twenty.lo}&to=${twenty.hi}`);
      add("报表 月度", auditor, `/reports?kind=month&month=${month}`);
      add("报表 季度", auditor, `/reports?kind=quarter&quarter=${quarter}`);
      add("报表 年度", auditor, `/reports?kind=year&year=${today.slice(0, 4)}`);
      add("报表 自定义 30 天", auditor, `/reports?kind=range&from=${thirtyDaysAgo}&to=${today}`);
      add("报表 自定义 半年", auditor, `/reports?kind=range&from=${halfYearAgo}&to=${today}`);
      add("报表 去年年度", auditor, `/reports?kind=year&year=${lastYear}`);
      add("报表 自定义 一年前 30 天", auditor, `/reports?kind=range&from=${yearAgoFrom}&to=${yearAgo}`);
      // Pages beyond the issue's list whose SQL grew with the data (found 2026-12-07 at 1M).
      add("批量发放", official, "/batches");
      add("资金对账（本月）", auditor, "/ledger/reconciliation");
      add("下拨报表", official, "/allocations/report");
      add("审计日志", auditor, "/audit");
      // The rest of the staff pages of the navigation, and a batch's and a union's own page.
      add("回访核实", auditor, "/callbacks");
      add("回访覆盖率", official, "/callbacks/coverage");
      add("回访问题核查", auditor, "/callbacks/problems");
      add("民政比对", official, "/civil");
      add("疑似重复与冒领", auditor, "/signals");
      add("年度抽查", official, "/spot-checks");
      add("待办事项", official, "/tasks");
      add("返困预警", official, "/warnings");
      add("返困预警报表", auditor, "/warnings/report");
      add("网上申请", official, "/intake/applications");
      add("单笔发放代发汇总", auditor, "/ledger/payment-runs");
      add("发放退回待处理", official, "/batches/returned");
      add("资金下拨与额度", official, "/allocations");
      add("组织机构", auditor, "/orgs");
      add("我的导出", auditor, "/exports");
      if (scope === "市") {
        add("建档", "lz_caseworker", "/intake");
        add("档案导入", "lz_caseworker", "/import");
      }
      for (const [label, path] of [
        ["用户管理", "/admin/users"],
        ["定时任务", "/admin/jobs"],
        ["政策参数", "/admin/policy"],
        ["数据备份", "/admin/backups"],
        ["银行代发格式", "/admin/bank-layouts"],
      ] as const)
        add(label, admin, path);
      const { rows: within } = await sql.query<{ org: string; batch: string | null }>(
        `SELECT o.id AS org, (SELECT b.id FROM disbursement_batch b JOIN organisation bo ON bo.id = b.organisation_id
                               WHERE bo.path LIKE o.path || '%' ORDER BY b.line_count DESC, b.id LIMIT 1) AS batch
           FROM organisation o WHERE o.code = $1`,
        [orgCode],
      );
      add("组织详情", auditor, `/orgs/${within[0]!.org}`);
      if (within[0]!.batch) add("批次详情（最大的批次）", official, `/batches/${within[0]!.batch}`);
    }

    const replay = async (statements: TCapturedStatement[]) => {
      const times: number[] = [];
      for (const s of statements) {
        const t0 = performance.now();
        await sql!.query(s.text, s.values);
        times.push(performance.now() - t0);
      }
      return times;
    };

    const rows: string[][] = [];
    let met = 0;
    let overheadMet = 0;
    let total = 0;
    const overheads: number[] = [];
    for (const c of ONLY_LOAD ? [] : cases.filter((c) => !ONLY || ONLY.split(",").some((o) => c.label.includes(o)))) {
      total++;
      const cookie = cookies.get(c.user)!;
      const warm = await load(base, cookie, c.path);
      if (warm.status !== 200) {
        rows.push([c.scope, c.label, `HTTP ${warm.status}`, "", "", "", "", "", "", "", "", "", `≤${c.target}`, "未达标"]);
        console.log(`  ${rows.at(-1)!.join("  ")}`);
        continue;
      }
      const times: number[] = [];
      // The server's own CPU per load (all its threads, /proc): what the page costs the web
      // process whatever the machine's load, which on a shared machine the wall-clock times are not.
      const cpuBefore = processCpuSeconds(server.pid);
      // With --plans, each timed load's own statements too (read between loads, outside the timing;
      // the server CPU column then includes answering those reads): what the slow loads waited for.
      const perLoad: TCapturedStatement[][] = [];
      // The warm-up load's statements: what the connections had already run before the timed loads.
      const warmed = PLANS && canCapture ? ((await (await fetch(`${base}${BENCH_SQL_PATH}`)).json()) as TCapturedStatement[]) : [];
      for (let i = 0; i < RUNS; i++) {
        times.push((await load(base, cookie, c.path)).ms);
        if (PLANS && canCapture) perLoad.push((await (await fetch(`${base}${BENCH_SQL_PATH}`)).json()) as TCapturedStatement[]);
      }
      const cpuMs = ((processCpuSeconds(server.pid) - cpuBefore) * 1000) / RUNS;
      const rsc = await loadRsc(base, cookie, c.path);
      if (DUMP) {
        mkdirSync(DUMP, { recursive: true });
        const name = `${c.scope}-${c.label}`.replace(/[^\p{L}\p{N}-]+/gu, "_");
        writeFileSync(path.join(DUMP, `${name}.html`), warm.body);
        writeFileSync(path.join(DUMP, `${name}.rsc`), rsc.body);
      }
      let floor = NaN;
      let reads = 0;
      let writes = 0;
      let slowest = "";
      if (canCapture) {
        await fetch(`${base}${BENCH_SQL_PATH}`).then((r) => r.arrayBuffer());
        await load(base, cookie, c.path);
        const statements = (await (await fetch(`${base}${BENCH_SQL_PATH}`)).json()) as TCapturedStatement[];
        // BEGIN/COMMIT and the session's stamp are not reads.
        const selects = statements.filter((s) => /^(SELECT|WITH)\b/i.test(statementVerb(s.text)));
        reads = selects.length;
        writes = statements.filter((s) => /^(INSERT|UPDATE|DELETE)\b/i.test(statementVerb(s.text))).length;
        await replay(selects);
        const sums: number[] = [];
        let perStatement: number[][] = selects.map(() => []);
        for (let i = 0; i < Math.min(RUNS, 10); i++) {
          const t = await replay(selects);
          sums.push(t.reduce((a, b) => a + b, 0));
          t.forEach((x, j) => perStatement[j]!.push(x));
        }
        floor = quantile(sums, 0.5);
        const medians = perStatement.map((xs) => quantile(xs, 0.5));
        const worst = medians.indexOf(Math.max(...medians));
        if (worst >= 0)
          slowest = `${ms(medians[worst]!)} ${/\bFROM\s+("?[\w.]+"?(?:\."?\w+"?)?)/i.exec(selects[worst]!.text)?.[1]?.replaceAll('"', "").replace("public.", "") ?? ""}`;
        if (PLANS) {
          console.log(`    ${c.scope} ${c.label}：`);
          selects.forEach((s, j) => console.log(`      ${ms(medians[j]!)} ms  ${s.text.replace(/\s+/g, " ").slice(0, 160)}`));
          if (perLoad.length) printSlowLoads(times, perLoad, warmed);
        }
        perStatement = [];
      }
      const p50 = quantile(times, 0.5);
      const p95 = quantile(times, 0.95);
      const overhead = p50 - floor;
      if (Number.isFinite(overhead)) {
        overheads.push(overhead);
        if (overhead <= 15) overheadMet++;
      }
      const ok = p95 <= c.target;
      if (ok) met++;
      rows.push([
        c.scope,
        c.label,
        ms(p50),
        ms(p95),
        String(reads) + (writes ? `+${writes}写` : ""),
        ms(floor),
        ms(overhead),
        ms(cpuMs),
        slowest,
        kb(warm.bytes),
        kb(inlineFlightBytes(warm.body)),
        rsc.status === 200 ? kb(rsc.bytes) : `HTTP ${rsc.status}`,
        `≤${c.target}`,
        ok ? "达标" : "未达标",
      ]);
      console.log(`  ${rows.at(-1)!.join("  ")}`);
    }
    console.log();
    if (!ONLY_LOAD)
      table(
        ["范围", "页面", "p50", "p95", "SQL 条数", "SQL 底线", "开销", "服务 CPU", "最慢一条（ms 表）", "HTML KB", "其中内嵌 RSC", "RSC KB", "目标 p95", ""],
        rows,
        new Set([2, 3, 4, 5, 6, 7, 9, 10, 11]),
      );
    if (!ONLY_LOAD)
      console.log(
        `（ms，经 HTTP、已登录、读完整个响应。“SQL 底线”= 该页发出的 SELECT 用 pg 逐条重放的 p50；开销 = 页面 p50 − 底线；服务 CPU = 网页服务进程每次加载用的 CPU 毫秒（与机器负载基本无关）。` +
          `${met}/${total} 页达标；开销 ≤ 15 ms 的 ${overheadMet}/${overheads.length} 页，开销中位数 ${ms(quantile(overheads, 0.5))} ms。）\n`,
      );

    // ── closed-loop users: a search, then a household page, half city and half province ──
    // For each set of Node.js flags: first on one process (one Node.js process's ceiling), then on
    // PROCESSES behind one port, as npm start runs them (scripts/serve.ts, decision 033). Each run
    // has a fresh server, loaded for 5 s unmeasured first (each process compiles its own query
    // plans and warms its JIT), so the memory line starts from the same state in every run.
    const surnames = ["王", "李", "张", "刘", "陈", "杨", "马", "赵", "wang", "li", "zh", "wj"];
    const runUsers = async (base: string, seconds: number, latencies: number[]) => {
      let errors = 0;
      const stopAt = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: USERS }, async (_, u) => {
          const cookie = cookies.get(u % 2 ? "lz_auditor" : "gs_auditor")!;
          for (let i = u; performance.now() < stopAt; i++) {
            const path =
              i % 2 === 0 ? `/archive?q=${encodeURIComponent(surnames[i % surnames.length]!)}` : `/files/${openFiles[(i * 7919) % openFiles.length]!.id}`;
            try {
              const r = await load(base, cookie, path);
              if (r.status !== 200) throw new Error(`HTTP ${r.status} ${path}`);
              latencies.push(r.ms);
            } catch (error) {
              errors++;
              if (errors <= 3) console.error(error instanceof Error ? error.message : error);
            }
          }
        }),
      );
      return errors;
    };
    const closedLoop = async (target: TServer, processes: number, flags: readonly string[]) => {
      await runUsers(target.base, 5, []);
      const latencies: number[] = [];
      const rss: Array<Map<number, number>> = [serverRssByProcess(target.pid)];
      const sampler = setInterval(() => rss.push(serverRssByProcess(target.pid)), 1000);
      const cpu0 = processCpuSeconds(target.pid);
      const pgTicks0 = postgresTicks();
      const ownCpu0 = process.cpuUsage();
      const errors = await runUsers(target.base, SECONDS, latencies);
      clearInterval(sampler);
      rss.push(serverRssByProcess(target.pid));
      const ownCpu = process.cpuUsage(ownCpu0);
      const webCpu = (processCpuSeconds(target.pid) - cpu0) / SECONDS;
      const pgCpu = postgresCpuSecondsSince(pgTicks0) / SECONDS;
      const benchCpu = (ownCpu.user + ownCpu.system) / 1e6 / SECONDS;
      const rate = latencies.length / SECONDS;
      const p95 = quantile(latencies, 0.95);
      const totals = rss.map((m) => [...m.values()].reduce((a, b) => a + b, 0)).filter((x) => x > 0);
      // Per process (the primary first, then its workers): start → half-way → end, MiB.
      const perProcess = [...rss[0]!.keys()]
        .map((pid) => {
          const xs = rss.map((m) => m.get(pid)).filter((x): x is number => x !== undefined);
          return `${pid === target.pid ? "主" : pid} ${xs[0]!.toFixed(0)} → ${xs[Math.floor(xs.length / 2)]!.toFixed(0)} → ${xs.at(-1)!.toFixed(0)}`;
        })
        .join("，");
      const memory = totals.length
        ? `服务内存 ${totals[0]!.toFixed(0)} → ${totals.at(-1)!.toFixed(0)} MiB（最高 ${Math.max(...totals).toFixed(0)}，后半分钟 ${totals[Math.floor(totals.length / 2)]!.toFixed(0)} → ${totals.at(-1)!.toFixed(0)}；各进程 开始 → 一半 → 结束：${perProcess}）`
        : "服务内存：未知（--url 时不测）";
      const cores = Number.isFinite(webCpu)
        ? `；网页服务占 CPU ${webCpu.toFixed(2)} 核${Number.isFinite(pgCpu) ? `，本机全部 postgres 进程 ${pgCpu.toFixed(2)} 核` : ""}`
        : "";
      console.log(
        `并发（${processes} 个网页服务进程，Node.js 参数：${flags.length ? flags.join(" ") : "无"}）：${USERS} 个闭环用户（搜索 + 户页面交替，市/省各半）${SECONDS} 秒：${latencies.length.toLocaleString()} 次，` +
          `${rate.toFixed(1)} 次/秒，p50 ${ms(quantile(latencies, 0.5))} ms，p95 ${ms(p95)} ms，错误 ${errors}；${memory}${cores}，压测进程自身 ${benchCpu.toFixed(2)} 核` +
          `（目标 ≥ 60 次/秒、p95 ≤ 500 ms、0 错误：${rate >= 60 && p95 <= 500 && errors === 0 ? "达标" : "未达标"}）；负载 ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" / ")}。`,
      );
    };
    if (url) await closedLoop(server, 1, []);
    else {
      for (const flags of NODE_FLAG_SETS) {
        for (const processes of PROCESSES > 1 ? [1, PROCESSES] : [1]) {
          await server.stop();
          server = await startServer(db, processes, flags);
          await closedLoop(server, processes, flags);
        }
      }
    }
    console.log(
      `负载（结束时）：${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / ")}`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await sql?.end().catch(() => {});
    await server?.stop();
    await db?.stop();
  }
}

await main();
