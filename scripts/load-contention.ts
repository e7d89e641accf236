// `npm run load`: a bounded contention burst on this machine's database, through the same code a
// server action runs (runActionAs: control-character check, zod schema, domain function, error
// mapping), and prints what a user would notice.
//
//   1. 50 concurrent approvals (审定) of one filing, by the demo official.
//   2. 50 concurrent identical disbursements (登记发放) to one household, each with a fresh
//      idempotency key (a double click that made a new key), by the demo caseworker.
//   3. Identical saves of one new draft (保存草稿) with one form's idempotency key: N at once, then
//      10 at once (issue 22 §6): one makes the draft, every other is answered 已处理 with it.
//   During each burst, an unrelated page's query (another city's auditor opening the archive,
//   findFiles) runs in a loop; its p95 is printed beside the same figure without a burst.
//
// Targets (issue 8, issue 22 §6): exactly 1 winner per burst, the drafts' losers all 已处理 (no
// 系统繁忙) and one draft each, 0 generic errors, unrelated p95 < 500 ms.
// Options: --concurrency <n> (50, at most 200).
//
// Uses DATABASE_URL or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`) and refuses any
// database that is not on the loopback interface: this script writes a filing and two requests.
// Pool size: DATABASE_POOL_SIZE (default 10), as the server uses it.
import pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/runtime";
import { seedDemoIfEmpty } from "@/lib/demo/seed-demo";
import { assertReactServer } from "./bench-support";

assertReactServer("lib/actions/run-action.ts", "npm run load", "scripts/load-contention.ts");

const i = process.argv.indexOf("--concurrency");
const N = i === -1 ? 50 : Number(process.argv[i + 1]);
if (!Number.isInteger(N) || N < 2 || N > 200) throw new Error("--concurrency 应为 2–200 之间的整数");

const db = await openDatabase();
const host = new URL(db.url).hostname;
if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(host)) {
  await db.stop();
  throw new Error(`只在本机数据库上运行（loopback），当前为 ${host}。`);
}
process.env.DATABASE_URL = db.url;
await applyMigrations(db.migrationUrl);
await seedDemoIfEmpty(db.url);

// Imported only now: the Prisma client reads DATABASE_URL on first use.
const { runActionAs, GENERIC_ACTION_ERROR } = await import("@/lib/actions/run-action");
const { approveFiling } = await import("@/lib/filing/workflow");
const { ZApproveFilingInput } = await import("@/lib/filing/schemas");
const { findFiles } = await import("@/lib/filing/find-files");
const { saveDraft } = await import("@/lib/filing/save-filing");
const { ZSaveDraftInput } = await import("@/lib/filing/schemas");
const { recordBankAccount } = await import("@/lib/ledger/bank-accounts");
const { recordDisbursement } = await import("@/lib/ledger/disbursements");
const { ZRecordBankAccountInput, ZRecordDisbursementInput } = await import("@/lib/ledger/schemas");
const { todayInShanghai, addDays } = await import("@/lib/format/datetime");
const { filingValues, submitNewFiling } = await import("../tests/support/filing-factory");
const { prisma } = await import("@/lib/db/client");

const sql = new pg.Client({ connectionString: db.migrationUrl });
await sql.connect();

async function actor(username: string): Promise<TActor> {
  const {
    rows: [u],
  } = await sql.query(
    `SELECT u.id, u.username, u.name, u.roles::text[] AS roles, o.id AS org_id, o.name AS org_name, o.path, o.depth
       FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.username = $1`,
    [username],
  );
  if (!u) throw new Error(`找不到演示用户 ${username}：这个数据库不是用演示数据初始化的。`);
  return {
    userId: u.id,
    sessionId: null,
    username: u.username,
    name: u.name,
    roles: u.roles,
    ip: "127.0.0.1",
    organisation: { id: u.org_id, name: u.org_name, path: u.path, depth: u.depth },
  } as TActor;
}

const caseworker = await actor("lz_caseworker");
const official = await actor("lz_official");
const unrelated = await actor("ts_auditor");
const today = todayInShanghai();
const county = (await sql.query("SELECT id FROM organisation WHERE code = 'GSLZCG'")).rows[0].id as string;

const p95 = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! : NaN;
};

/** Opens the unrelated page's query in a loop until `done`, returning each duration. */
async function unrelatedPage(done: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const t = performance.now();
    await findFiles(unrelated, { status: "OPEN" });
    times.push(performance.now() - t);
  }
  return times;
}

/** losers: refused with a message; repeats: answered 已处理 with the winner's record (ok, repeated). */
type TTally = { winners: number; repeats: number; losers: number; errors: number; messages: Map<string, number>; ms: number };
type TOutcome = { ok: boolean; error?: string; data?: unknown };
async function burst(run: () => Promise<TOutcome>, isWinner: (data: unknown) => boolean = () => true, width = N) {
  const started = performance.now();
  const all = Promise.all(Array.from({ length: width }, () => run().catch((e: unknown): TOutcome => ({ ok: false, error: `UNHANDLED ${String(e)}` }))));
  const times = await unrelatedPage(all);
  const results = await all;
  const tally: TTally = { winners: 0, repeats: 0, losers: 0, errors: 0, messages: new Map(), ms: performance.now() - started };
  for (const r of results) {
    if (r.ok && isWinner(r.data)) tally.winners++;
    else if (r.ok) tally.repeats++;
    else if (!r.ok && (r.error === GENERIC_ACTION_ERROR || r.error?.startsWith("UNHANDLED"))) tally.errors++;
    else tally.losers++;
    if (!r.ok) tally.messages.set(r.error!, (tally.messages.get(r.error!) ?? 0) + 1);
  }
  return { tally, p95: p95(times), samples: times.length };
}

// Baseline: the unrelated page alone.
const baseline: number[] = [];
for (let k = 0; k < 30; k++) {
  const t = performance.now();
  await findFiles(unrelated, { status: "OPEN" });
  baseline.push(performance.now() - t);
}

// 1. A filing at the end of its publicity, then N approvals at once.
const { fileId } = await submitNewFiling(caseworker, filingValues(county));
await sql.query(
  `UPDATE household_file SET status = 'PUBLICITY', reviewed_by_id = $2, reviewed_at = now() - interval '8 days', home_visit_date = $3::date, publicity_start = $4::date,
     publicity_end = $5::date, civil_check_result = 'CONSISTENT', civil_check_date = $6::date WHERE id = $1`,
  [fileId, official.userId, addDays(today, -8), addDays(today, -7), addDays(today, -1), today],
);
const version = (await sql.query("SELECT version FROM household_file WHERE id = $1", [fileId])).rows[0].version as number;
const approvals = await burst(() => runActionAs(ZApproveFilingInput, approveFiling, official, { fileId, expectedVersion: version, tier: "DEEP" }));

// 2. The now open file gets the holder's account, then N identical disbursements with fresh keys.
const holder = (await sql.query("SELECT holder_name FROM household_file WHERE id = $1", [fileId])).rows[0].holder_name as string;
await recordBankAccount(
  caseworker,
  ZRecordBankAccountInput.parse({ fileId, bankName: "中国农业银行兰州分行", accountNumber: "6228480012345678901", accountHolder: holder }),
);
const disbursements = await burst(
  () =>
    runActionAs(ZRecordDisbursementInput, recordDisbursement, caseworker, {
      idempotencyKey: crypto.randomUUID(),
      fileId,
      aidType: "LIVING",
      fundSource: "CENTRAL_SPECIAL",
      amountFen: "300",
      entryDate: today,
      purpose: "季度生活救助",
      evidence: "",
      studentIndex: "",
      overCapNote: "",
    }),
  (data) => !(data as { repeated: boolean }).repeated,
);
const stored = Number((await sql.query("SELECT count(*) FROM disbursement WHERE file_id = $1", [fileId])).rows[0].count);

// 3. One intake form's save of a new draft, sent N times and then 10 times at once (each burst its
// own form: its own key and its own household). A loser is a save answered 已处理 (repeated).
async function draftBurst(width: number) {
  const input = { idempotencyKey: crypto.randomUUID(), data: filingValues(county) };
  const result = await burst(
    () => runActionAs(ZSaveDraftInput, saveDraft, caseworker, input),
    (data) => !(data as { repeated: boolean }).repeated,
    width,
  );
  const drafts = Number((await sql.query("SELECT count(*) FROM household_file WHERE idempotency_key = $1", [input.idempotencyKey])).rows[0].count);
  return { ...result, drafts, width };
}
const drafts = await draftBurst(N);
const drafts10 = await draftBurst(10);

const pool = Number(process.env.DATABASE_POOL_SIZE ?? 10);
console.log(`\n并发 ${N}，连接池 ${pool}（DATABASE_POOL_SIZE），无关页面：天水审计员打开档案列表（findFiles）`);
console.log(`无关页面基线 p95：${p95(baseline).toFixed(0)} ms（${baseline.length} 次）\n`);
const bursts = [
  [`审定同一份建档（${N} 人同时）`, approvals],
  ["同一户相同发放（每次新标识）", disbursements],
  [`同一表单保存新草稿（同一标识，${N} 次同时）`, drafts],
  ["同一表单保存新草稿（同一标识，10 次同时）", drafts10],
] as const;
for (const [label, r] of bursts) {
  console.log(`${label}`);
  console.log(`  成功 ${r.tally.winners}  已处理 ${r.tally.repeats}  被拒 ${r.tally.losers}  系统错误 ${r.tally.errors}  用时 ${r.tally.ms.toFixed(0)} ms`);
  console.log(`  期间无关页面 p95 ${r.p95.toFixed(0)} ms（${r.samples} 次）`);
  for (const [message, count] of r.tally.messages) console.log(`    ${count} × ${message}`);
  if ("drafts" in r) console.log(`  数据库中该表单的草稿：${r.drafts} 份`);
}
console.log(`\n数据库中该户的发放申请：${stored} 笔`);
// A draft burst's losers must all be 已处理 answers (ok, repeated): any refusal, BUSY included, fails it.
const draftsPass = [drafts, drafts10].every((r) => r.tally.winners === 1 && r.tally.repeats === r.width - 1 && r.drafts === 1);
const pass = draftsPass && bursts.every(([, r]) => r.tally.winners === 1 && r.tally.errors === 0 && r.p95 < 500);
console.log(pass ? "达标：各 1 个成功、草稿其余均为已处理、0 个系统错误、无关页面 p95 < 500 ms。" : "未达标，见上。");

await sql.end();
await prisma.$disconnect();
await db.stop();
process.exit(pass ? 0 : 1);
