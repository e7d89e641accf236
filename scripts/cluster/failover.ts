// Issue 29: the proof that a province on several machines loses no acknowledged write. NOT part of
// npm test: run as root after `scripts/cluster/cluster.sh up` (which needs the Debian packages
// patroni, etcd-server, haproxy, postgresql-15 and says so):
//
//   npx tsx --conditions=react-server scripts/cluster/failover.ts [--seconds-per-fault 60] [--only 3] [--dump requests.json]
//
// Figures: docs/benchmarks/2026-12-07-failover-2.md (earlier: 2026-12-07-failover.md).
//
// A bounded closed loop of caseworkers and officials works through the load balancer (HAProxy on
// 10.29.0.30:80, two app servers behind it) exactly as browsers do: each request is a server
// action (POST with the Next-Action id from the build's manifest and a session cookie), and each
// worker sends its next request only when the previous one was answered. Caseworkers save new
// filings (建档草稿) and record payments (登记发放) on open files; officials approve the payments
// (审批发放 → a ledger entry). Every acknowledged write is kept: the filing's file id, the
// payment request's id, the ledger entry's id, each with the audit row the same transaction wrote.
//
// Faults, one at a time, each after the cluster is whole again: kill -9 the PostgreSQL primary's
// postmaster; cut the primary's network (its veth link down: it loses etcd's quorum and its
// clients); kill -9 every process of one app server (a machine that dies); restart the synchronous
// standby (Patroni stopped and started, as `systemctl restart patroni`). For each it prints the
// seconds until writes succeed again; the requests in flight at the fault (sent before it, not
// yet answered) and how many of them failed, apart from the requests sent after it that failed
// (for a killed app server that must be 0: only what it was serving may fail); HAProxy's retries
// and redispatches; the writes acknowledged in its window and how many of them the database lacks
// after the run (must be 0).
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { todayInShanghai } from "@/lib/format/datetime";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { filingValues } from "../../tests/support/filing-factory";
import { insertOpenFile } from "../../tests/support/open-file";

const PROJECT = path.resolve(import.meta.dirname, "../..");
const CLUSTER = path.join(PROJECT, "scripts/cluster/cluster.sh");
const DIR = process.env.CLUSTER_DIR ?? "/tmp/bangfu-cluster";
const LB = "http://10.29.0.30";
const OWNER_URL = "postgresql://bangfu_owner:owner-secret@10.29.0.30:5432/bangfu";
// The session secret both app servers share (cluster.sh): the load mints sessions as npm start would.
const AUTH_SECRET = "bangfu-cluster-nextauth-secret-0123456789abcdef";
const DB_HOSTS = { db1: "10.29.0.11", db2: "10.29.0.12" } as const;
type TDbHost = keyof typeof DB_HOSTS;

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS_PER_FAULT = arg("--seconds-per-fault", 60);
const CASEWORKERS = arg("--caseworkers", 6);
const OFFICIALS = arg("--officials", 3);
const OPEN_FILES = 60;

if (process.getuid?.() !== 0) throw new Error("需要 root 权限（网络命名空间）。先运行 scripts/cluster/cluster.sh up。");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

// ---- server actions by name, from the build both app servers run -------------------------------

type TActionRef = { id: string; path: string };

/** Each action's id and a page that carries it ("app/(app)/ledger/page" → "/ledger"). */
function actionRefs(names: string[], dynamicValue: string): Record<string, TActionRef> {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; exportedName?: string }>;
  };
  const refs: Record<string, TActionRef> = {};
  for (const [id, entry] of Object.entries(manifest.node)) {
    const name =
      entry.exportedName ??
      Object.values(entry.workers)
        .map((w) => (w as { exportedName?: string }).exportedName)
        .find(Boolean);
    if (!name || !names.includes(name) || refs[name]) continue;
    const page = Object.keys(entry.workers)
      .filter((w) => w.endsWith("/page"))
      .sort((a, b) => a.length - b.length)[0];
    if (!page) continue;
    const url = page
      .replace(/^app/, "")
      .replace(/\/page$/, "")
      .split("/")
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((s) => (/^\[.*\]$/.test(s) ? dynamicValue : s))
      .join("/");
    refs[name] = { id, path: url || "/" };
  }
  for (const name of names) if (!refs[name]) throw new Error(`构建清单中找不到 ${name}：请先 next build。`);
  return refs;
}

/** `server`: the app server that answered (HAProxy's X-Bangfu-Server header); none when no answer came. */
type TAnswer = ({ ok: true; data: Record<string, string> } | { ok: false; error: string }) & { server?: string };

async function callAction(ref: TActionRef, cookie: string, input: unknown): Promise<TAnswer> {
  const response = await fetch(LB + ref.path, {
    method: "POST",
    headers: { "Next-Action": ref.id, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: LB, Cookie: cookie },
    body: JSON.stringify([input]),
    signal: AbortSignal.timeout(30_000),
  });
  const server = response.headers.get("x-bangfu-server") || undefined;
  const text = await response.text();
  if (!response.ok) return { ok: false, error: `HTTP ${response.status}`, server };
  // The RSC stream: one line per chunk ("1:{…}"); the action's result is the chunk with `ok`.
  for (const line of text.split("\n")) {
    const json = line.slice(line.indexOf(":") + 1);
    if (!json.startsWith("{")) continue;
    try {
      const value = JSON.parse(json) as { ok?: boolean; data?: Record<string, string>; error?: string };
      if (typeof value.ok === "boolean") return value.ok ? { ok: true, data: value.data ?? {}, server } : { ok: false, error: value.error ?? "?", server };
    } catch {
      // Not this chunk.
    }
  }
  return { ok: false, error: `unreadable answer: ${text.slice(0, 120)}`, server };
}

// ---- set-up -------------------------------------------------------------------------------------

const sql = new pg.Client({ connectionString: OWNER_URL });
await sql.connect();
sql.on("error", () => {});

async function actorRow(username: string) {
  const {
    rows: [u],
  } = await sql.query(
    `SELECT u.id, u.username, u.name, u.roles::text[] AS roles, o.id AS org_id, o.name AS org_name, o.path, o.depth
       FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.username = $1`,
    [username],
  );
  if (!u) throw new Error(`找不到演示用户 ${username}：第一台应用服务器启动时应已填充演示数据（BANGFU_DEMO=1）。`);
  return {
    userId: u.id,
    sessionId: null,
    username: u.username,
    name: u.name,
    roles: u.roles,
    ip: "10.29.0.1",
    organisation: { id: u.org_id, name: u.org_name, path: u.path, depth: u.depth },
  };
}

async function sessionCookie(username: string): Promise<string> {
  const {
    rows: [s],
  } = await sql.query("INSERT INTO user_session (user_id, session_version) SELECT id, session_version FROM app_user WHERE username = $1 RETURNING id", [
    username,
  ]);
  return `next-auth.session-token=${await encode({ token: { sid: s.id }, secret: AUTH_SECRET })}`;
}

// The factory's ID numbers repeat from one process to the next (500 per birth date): each run
// moves its people to region codes of its own, so a second run on the same database finds no holder taken.
let regionSeq = Math.floor(Math.random() * 4_000) * 2;
function freshFiling(organisationId: string) {
  const values = filingValues(organisationId);
  const region = `62${String(1_000 + (regionSeq++ % 8_999)).padStart(4, "0")}`;
  for (const member of values.members) {
    const body = region + String(member.residentId).slice(6, 17);
    member.residentId = body + residentIdCheckCharacter(body);
  }
  return values;
}

const caseworker = await actorRow("lz_caseworker");
const official = await actorRow("lz_official");
const countyId = (await sql.query("SELECT id FROM organisation WHERE code = 'GSLZCG'")).rows[0].id as string;
const cwCookie = await sessionCookie("lz_caseworker");
const offCookie = await sessionCookie("lz_official");
const refs = actionRefs(["saveDraftAction", "recordBankAccountAction", "recordDisbursementAction", "approveDisbursementAction"], randomUUID());

// Open files to pay (written directly: the filing workflow is not what this run measures), each with the holder's account.
const openFiles: string[] = [];
for (let i = 0; i < OPEN_FILES; i++) {
  const file = await insertOpenFile(sql, { caseworker: caseworker as never, official: official as never }, countyId, {
    members: freshFiling(countyId).members,
  });
  const holder = (await sql.query("SELECT holder_name FROM household_file WHERE id = $1", [file.fileId])).rows[0].holder_name as string;
  const account = await callAction(refs.recordBankAccountAction!, cwCookie, {
    fileId: file.fileId,
    bankName: "中国农业银行兰州分行",
    accountNumber: `62284800${String(10_000_000 + i)}`,
    accountHolder: holder,
  });
  if (!account.ok) throw new Error(`登记银行账户失败：${account.error}`);
  openFiles.push(file.fileId);
}

// ---- the closed loop ----------------------------------------------------------------------------

type TKind = "filing" | "disbursement" | "entry";
type TRequest = { kind: TKind; start: number; end: number; ok: boolean; error?: string; transient?: boolean; server?: string };
/** A failure of the system (no answer, 系统出现错误, 系统繁忙), not a rule's refusal of the input. */
const TRANSIENT = /HTTP|fetch|timeout|aborted|terminated|ECONN|socket|unreadable|系统出现错误|系统繁忙/;
type TAck = { kind: TKind; id: string; at: number };
const requests: TRequest[] = [];
const acks: TAck[] = [];
const pending: string[] = [];
let running = true;
const today = todayInShanghai();
// Every payment a different amount: the same type and amount to one household within 30 days is refused (0009).
let amountSeq = 0;
const nextAmount = () => (1 + (amountSeq++ % 9_000) / 100).toFixed(2);

async function timed(kind: TKind, call: () => Promise<TAnswer>, idOf: (data: Record<string, string>) => string): Promise<TAnswer> {
  const start = now();
  let answer: TAnswer;
  try {
    answer = await call();
  } catch (error) {
    // fetch's own message is "fetch failed"; its cause says what the socket saw.
    const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
    answer = { ok: false, error: error instanceof Error ? `${error.message}${cause ? `: ${cause.code ?? cause.message}` : ""}` : String(error) };
  }
  const end = now();
  requests.push({
    kind,
    start,
    end,
    ok: answer.ok,
    error: answer.ok ? undefined : answer.error,
    transient: !answer.ok && TRANSIENT.test(answer.error),
    server: answer.server,
  });
  if (answer.ok) acks.push({ kind, id: idOf(answer.data), at: end });
  return answer;
}

async function caseworkerLoop(worker: number) {
  for (let n = 0; running; n++) {
    await timed(
      "filing",
      () => callAction(refs.saveDraftAction!, cwCookie, { data: freshFiling(countyId), idempotencyKey: randomUUID() }),
      (d) => d.fileId!,
    );
    const fileId = openFiles[(worker * 7 + n) % openFiles.length]!;
    const paid = await timed(
      "disbursement",
      () =>
        callAction(refs.recordDisbursementAction!, cwCookie, {
          idempotencyKey: randomUUID(),
          fileId,
          aidType: "LIVING",
          fundSource: "CENTRAL_SPECIAL",
          amountFen: nextAmount(),
          entryDate: today,
          purpose: "送温暖慰问",
          evidence: "",
          studentIndex: "",
          overCapNote: "",
        }),
      (d) => d.disbursementId!,
    );
    if (paid.ok) pending.push(paid.data.disbursementId!);
    await sleep(50);
  }
}

async function officialLoop() {
  while (running || pending.length) {
    const id = pending.shift();
    if (!id) {
      await sleep(50);
      continue;
    }
    const approved = await timed(
      "entry",
      () => callAction(refs.approveDisbursementAction!, offCookie, { disbursementId: id, capOverrideReason: "" }),
      (d) => d.entryId!,
    );
    // A request that never got an answer (the server or the database went away) is tried again; a refusal is not.
    if (!approved.ok && TRANSIENT.test(approved.error)) pending.push(id);
    if (!running && !approved.ok) break;
  }
}

// ---- the cluster, as an operator sees it ---------------------------------------------------------

async function role(host: TDbHost): Promise<"primary" | "sync" | "other" | "down"> {
  for (const [pathName, value] of [
    ["primary", "primary"],
    ["sync", "sync"],
  ] as const) {
    try {
      const response = await fetch(`http://${DB_HOSTS[host]}:8008/${pathName}`, { signal: AbortSignal.timeout(1500) });
      if (response.status === 200) return value;
    } catch {
      return "down";
    }
  }
  return "other";
}

async function leader(): Promise<TDbHost> {
  for (let waited = 0; waited < 120_000; waited += 500) {
    for (const host of Object.keys(DB_HOSTS) as TDbHost[]) if ((await role(host)) === "primary") return host;
    await sleep(500);
  }
  throw new Error("两分钟内没有主库。");
}

/** HAProxy's view of the app servers (its runtime API, `show stat`): status, and the backend's retries and redispatches so far. */
function balancer(): { up: string[]; retries: number; redispatches: number } {
  let csv: string;
  try {
    csv = execFileSync("socat", ["stdio", `unix-connect:${path.join(DIR, "lb/admin.sock")}`], { input: "show stat\n", encoding: "utf8" });
  } catch {
    return { up: [], retries: 0, redispatches: 0 };
  }
  // CSV columns: pxname, svname, … wretr (15), wredis (16), status (17).
  const rowsOf = csv.split("\n").map((line) => line.split(","));
  const backend = rowsOf.find((c) => c[0] === "apps" && c[1] === "BACKEND");
  return {
    up: rowsOf.filter((c) => c[0] === "apps" && c[1]?.startsWith("app") && c[17]?.startsWith("UP")).map((c) => c[1]!),
    retries: Number(backend?.[15] ?? 0),
    redispatches: Number(backend?.[16] ?? 0),
  };
}

/** Whole again: one primary, one synchronous standby, both app servers healthy and in HAProxy's service. */
async function whole(): Promise<void> {
  for (let waited = 0; waited < 300_000; waited += 1000) {
    const roles = await Promise.all((Object.keys(DB_HOSTS) as TDbHost[]).map(role));
    const apps = await Promise.all(
      ["10.29.0.21", "10.29.0.22"].map((ip) =>
        fetch(`http://${ip}:3000/login`, { signal: AbortSignal.timeout(3000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    if (roles.includes("primary") && roles.includes("sync") && apps.every(Boolean) && balancer().up.length === 2) return;
    await sleep(1000);
  }
  throw new Error("集群五分钟内没有恢复完整。");
}

/**
 * cluster.sh as a child this process waits for without stopping: the load's loops share this
 * event loop, and a synchronous wait (execFileSync) would freeze every caseworker for the minute
 * a restart takes, then time their requests out (run 2 of the first benchmark counted those as failures).
 */
const cluster = (...args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(CLUSTER, args, { stdio: "inherit", env: { ...process.env, CLUSTER_DIR: DIR } });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`cluster.sh ${args.join(" ")}：退出码 ${code}`))));
  });
/**
 * kill -9 each, then wait until the server is really gone: its address refuses a connection. A
 * process being killed still completes TCP handshakes until its last thread has exited (run 4:
 * about 0.8 s at load 20, while its main thread already showed as a zombie).
 */
async function killAll(pids: string, address: { host: string; port: number }): Promise<void> {
  const ids = pids.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of ids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  const alive = (pid: number) => {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
      return false;
    }
  };
  while (ids.some(alive)) await sleep(5);
  const refused = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(address);
      socket.setTimeout(1000);
      socket.once("connect", () => (socket.destroy(), resolve(false)));
      socket.once("timeout", () => (socket.destroy(), resolve(false)));
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
    });
  while (!(await refused())) await sleep(5);
}

/** `inject` calls `struck()` at the moment the fault happens: what was sent before and not yet answered was in flight. */
type TFault = { name: string; inject: (struck: () => void) => Promise<() => Promise<void>> };
const faults: TFault[] = [
  {
    name: "kill -9 主库 PostgreSQL",
    inject: async (struck) => {
      const host = await leader();
      const pid = Number(readFileSync(path.join(DIR, host, "data/postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGKILL");
      struck();
      return async () => {};
    },
  },
  {
    name: "切断主库网络",
    inject: async (struck) => {
      const host = await leader();
      execFileSync("ip", ["link", "set", `bf-${host}-h`, "down"]);
      struck();
      return async () => {
        execFileSync("ip", ["link", "set", `bf-${host}-h`, "up"]);
      };
    },
  },
  {
    name: "kill -9 一台应用服务器",
    inject: async (struck) => {
      // The kill's moment is when the server refuses connections: what HAProxy sent it before was in flight.
      const signalled = now();
      await killAll(execFileSync("ip", ["netns", "pids", "bf-app2"], { encoding: "utf8" }), { host: "10.29.0.22", port: 3000 });
      struck();
      console.log(`  app2 的进程在 kill -9 后 ${Math.round(now() - signalled)} 毫秒后拒绝连接（进程全部退出）。`);
      return async () => {
        // Out of HAProxy while it starts, warmed on its own address, then back (cluster.sh start-app).
        await cluster("start-app", "2");
      };
    },
  },
  {
    name: "重启同步备库",
    inject: async (struck) => {
      const primary = await leader();
      const standby = primary === "db1" ? "db2" : "db1";
      struck();
      await cluster("stop-db", standby.slice(2));
      await cluster("start-db", standby.slice(2));
      return async () => {};
    },
  },
];

type TRow = {
  name: string;
  backSeconds: number | null;
  lastFailureSeconds: number | null;
  /** Sent before the fault and answered after it (or never). */
  inFlight: number;
  inFlightFailed: number;
  inFlightReasons: string;
  /** Sent after the fault, and failed: what the done-when counts for a killed app server. */
  failedAfter: number;
  failedAfterReasons: string;
  refused: number;
  /** HAProxy's retries/redispatches in the window (requests re-sent after a refused connection). */
  resent: string;
  acked: number;
  lost?: number;
  from: number;
  struck: number;
  to: number;
};
const rows: TRow[] = [];

console.log(`负载：${CASEWORKERS} 个经办人循环（建档草稿、登记发放），${OFFICIALS} 个审批人循环（审批发放），经 ${LB}。`);
const loops = [...Array.from({ length: CASEWORKERS }, (_, i) => caseworkerLoop(i)), ...Array.from({ length: OFFICIALS }, () => officialLoop())];
await sleep(10_000);

/** A failure's reason and, when HAProxy answered for one, the app server it came from. */
const reasonsOf = (failed: TRequest[]) =>
  [...new Set(failed.map((r) => `${(r.error ?? "").split(/[，。]/)[0]!.slice(0, 30)}${r.server ? `@${r.server}` : ""}`))].slice(0, 3).join("；");

// --only 3: that fault alone (1 to 4, in the order above), to look at one fault again.
const only = arg("--only", 0);
for (const fault of only ? [faults[only - 1]!] : faults) {
  await whole();
  await sleep(5_000);
  console.log(`\n故障：${fault.name}`);
  const lbBefore = balancer();
  const t0 = now();
  let struckAt = t0;
  const restore = await fault.inject(() => (struckAt = now()));
  await sleep(SECONDS_PER_FAULT * 1000);
  await restore();
  await whole();
  // Long enough for a server put back to have taken its full share of the load (HAProxy slowstart 20 s).
  await sleep(25_000);
  const t1 = now();
  const lbAfter = balancer();
  const inWindow = requests.filter((r) => r.end >= t0 && r.end <= t1);
  const failures = inWindow.filter((r) => !r.ok && r.transient);
  const inFlight = inWindow.filter((r) => r.start < struckAt && r.end > struckAt);
  const inFlightFailed = failures.filter((r) => r.start < struckAt);
  const failedAfter = failures.filter((r) => r.start >= struckAt);
  const refused = inWindow.filter((r) => !r.ok && !r.transient).length;
  // Writes are back with the first write sent after the fault that succeeded. The last failure is
  // printed beside it: a late one (run 5: one 系统繁忙 at 47.6 s, 33 s after writes were back, while
  // the old primary rejoined) shows there instead of hiding when writes came back.
  const back = inWindow.filter((r) => r.ok && r.start >= struckAt).sort((a, b) => a.end - b.end)[0];
  const lastFailure = failures.length ? Math.max(...failures.map((r) => r.end)) : null;
  rows.push({
    name: fault.name,
    backSeconds: back ? (back.end - t0) / 1000 : null,
    lastFailureSeconds: lastFailure === null ? null : (lastFailure - t0) / 1000,
    inFlight: inFlight.length,
    inFlightFailed: inFlightFailed.length,
    inFlightReasons: reasonsOf(inFlightFailed),
    failedAfter: failedAfter.length,
    failedAfterReasons: reasonsOf(failedAfter),
    refused,
    resent: `${lbAfter.retries - lbBefore.retries}/${lbAfter.redispatches - lbBefore.redispatches}`,
    acked: acks.filter((a) => a.at >= t0 && a.at <= t1).length,
    from: t0,
    struck: struckAt,
    to: t1,
  });
  console.log(
    `  写入恢复 ${back ? ((back.end - t0) / 1000).toFixed(1) : "—"} 秒（最后一次失败 ${lastFailure === null ? "—" : ((lastFailure - t0) / 1000).toFixed(1)} 秒）；故障时在途 ${inFlight.length}，其中失败 ${inFlightFailed.length}；` +
      `故障后发出而失败 ${failedAfter.length}${failedAfter.length ? `（${reasonsOf(failedAfter)}）` : ""}；规则拒绝 ${refused}`,
  );
}

running = false;
await Promise.all(loops);
await whole();

// ---- what the database holds ---------------------------------------------------------------------

const check = new pg.Client({ connectionString: OWNER_URL });
await check.connect();
const present = new Set<string>();
const tables: Record<TKind, { table: string; audit: string }> = {
  filing: { table: "household_file", audit: "filing.create" },
  disbursement: { table: "disbursement", audit: "ledger.record-disbursement" },
  entry: { table: "ledger_entry", audit: "ledger.approve-disbursement" },
};
for (const [kind, { table, audit }] of Object.entries(tables) as Array<[TKind, { table: string; audit: string }]>) {
  const ids = acks.filter((a) => a.kind === kind).map((a) => a.id);
  const { rows: found } = await check.query<{ id: string }>(
    `SELECT t.id::text FROM ${table} t WHERE t.id = ANY($1::uuid[])
        AND EXISTS (SELECT 1 FROM audit_event e WHERE e.action = $2 AND e.entity_id = t.id::text)`,
    [ids, audit],
  );
  for (const r of found) present.add(r.id);
}
const lostIds = acks.filter((a) => !present.has(a.id));
for (const row of rows) row.lost = lostIds.filter((a) => a.at >= row.from && a.at <= row.to).length;
const {
  rows: [{ leader: finalLeader }],
} = await check.query("SELECT inet_server_addr()::text AS leader");
await check.end();
await sql.end();

const cpu = os.cpus()[0]?.model ?? "?";
console.log(
  `\n机器：${cpu}，${os.cpus().length} 核；负载 ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}；结束时主库 ${finalLeader}`,
);
console.log(
  `已确认写入共 ${acks.length}（建档 ${acks.filter((a) => a.kind === "filing").length}，登记发放 ${acks.filter((a) => a.kind === "disbursement").length}，台账记录 ${acks.filter((a) => a.kind === "entry").length}，各有审计记录），请求共 ${requests.length}，丢失 ${lostIds.length}。`,
);
console.log(
  "\n| 故障 | 写入恢复（秒） | 最后一次失败（秒） | 故障时在途请求 | 在途中失败 | 故障后发出而失败 | 规则拒绝 | HAProxy 重试/改派 | 窗口内已确认写入 | 丢失的已确认写入 |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const withReasons = (count: number, reasons: string) => `${count}${count && reasons ? `（${reasons}）` : ""}`;
for (const row of rows) {
  console.log(
    `| ${row.name} | ${row.backSeconds === null ? "—" : row.backSeconds.toFixed(1)} | ${row.lastFailureSeconds === null ? "—" : row.lastFailureSeconds.toFixed(1)} | ${row.inFlight} | ${withReasons(row.inFlightFailed, row.inFlightReasons)} | ` +
      `${withReasons(row.failedAfter, row.failedAfterReasons)} | ${row.refused} | ${row.resent} | ${row.acked} | ${row.lost} |`,
  );
}
// --dump <file>: every request (ms from the start of the load, the server that answered) and each fault's moment, to read a run's failures one by one.
const dumpIndex = process.argv.indexOf("--dump");
if (dumpIndex !== -1) {
  writeFileSync(
    process.argv[dumpIndex + 1]!,
    JSON.stringify(
      { faults: rows.map((r) => ({ name: r.name, from: Math.round(r.from), struck: Math.round(r.struck), to: Math.round(r.to) })), requests },
      null,
      1,
    ),
  );
}
process.exit(lostIds.length ? 1 : 0);
