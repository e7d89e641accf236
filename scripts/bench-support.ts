// What the benchmark scripts (bench.ts, bench-ledger.ts) share: the capture of the SQL
// Prisma sends, the table output, the react-server check before importing a domain module, the
// city and province actors, EXPLAIN, and opening and closing the database.
//
// Importing this module wraps pg.Client.prototype.query (see captureStatements): import it before
// anything sends a query.
import { execSync } from "node:child_process";
import { loadavg } from "node:os";
import pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import { openDatabase, type TDatabase } from "@/lib/db/runtime";

// ───────────────────────────── capturing the SQL Prisma sends ─────────────────────────────

// The SQL is captured by wrapping pg.Client.prototype.query while one call runs: the Prisma pg
// adapter sends every statement through it, so what is replayed or explained is what Prisma
// really sent.
export type TStatement = { text: string; values: unknown[] };
let captured: TStatement[] | null = null;
/** A statement's text from its verb on: it may open with comments ($scopeDeclared's, the custom-range report's). */
export const statementVerb = (text: string) => text.replace(/^\s*(\/\*[\s\S]*?\*\/\s*)*/, "");

/** Every statement with its wall time, while timeStatements runs. */
export type TTimedStatement = { text: string; ms: number };
let timed: TTimedStatement[] | null = null;
const originalQuery = pg.Client.prototype.query;
// Overloaded in @types/pg; the wrapper passes every call through unchanged.
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const [first, second] = args;
  const text = typeof first === "string" ? first : (first as { text?: string } | null)?.text;
  if (captured) {
    const values = (typeof first === "object" && first && "values" in first ? (first as { values?: unknown[] }).values : second) as unknown[] | undefined;
    if (text && /^(SELECT|WITH)\b/i.test(statementVerb(text))) captured.push({ text, values: Array.isArray(values) ? values : [] });
  }
  const result = (originalQuery as unknown as (...a: unknown[]) => unknown).apply(this, args);
  if (timed && text && result instanceof Promise) {
    const into = timed;
    const t0 = performance.now();
    const done = () => void into.push({ text, ms: performance.now() - t0 });
    result.then(done, done);
  }
  return result;
};

/** Every statement sent through pg while `run` runs (any client: Prisma's pool too), with its wall time. */
export async function timeStatements<T>(run: () => Promise<T>): Promise<{ result: T; statements: TTimedStatement[] }> {
  const statements: TTimedStatement[] = [];
  timed = statements;
  try {
    return { result: await run(), statements };
  } finally {
    timed = null;
  }
}

/** The SELECT/WITH statements sent through pg while `run` runs, in order. */
export async function captureStatements(run: () => Promise<unknown>): Promise<TStatement[]> {
  const statements: TStatement[] = [];
  captured = statements;
  try {
    await run();
  } finally {
    captured = null;
  }
  return statements;
}

// ───────────────────────────── output helpers ─────────────────────────────

/** Terminal width of a string: CJK and full-width characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
export const padEnd = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
export const padStart = (s: string, n: number) => " ".repeat(Math.max(0, n - width(s))) + s;

export function table(headers: string[], rows: string[][], rightAligned: Set<number>) {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned.has(i) ? padStart(c, widths[i]!) : padEnd(c, widths[i]!))).join("  ");
  console.log(line(headers));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

// NaN for no times (a case whose statements were not replayed), shown as "—".
export const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
export const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—");

// ───────────────────────────── the domain module ─────────────────────────────

/**
 * Throws unless `server-only` resolves to its empty module, i.e. unless the script runs under
 * `tsx --conditions=react-server`. Call it before importing the domain module: the real package
 * throws while loading, past any catch here.
 */
export function assertReactServer(module: string, npmScript: string, script: string): void {
  if (!import.meta.resolve("server-only").endsWith("/empty.js")) {
    throw new Error(`${module} 是服务端模块（import "server-only"），请用 \`${npmScript}\` 或 \`tsx --conditions=react-server ${script}\` 运行。`);
  }
}

// ───────────────────────────── the machine ─────────────────────────────

/** lscpu's model and the load average: figures from a loaded (shared) machine are not comparable. */
export function machine(): string {
  let cpu = "lscpu unavailable";
  try {
    cpu = execSync("lscpu | grep 'Model name'", { encoding: "utf8" }).trim().replace(/\s+/g, " ");
  } catch {
    // lscpu is missing on some systems: the load average is still worth printing.
  }
  return `${cpu}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
}

// ───────────────────────────── the database ─────────────────────────────

/** A PostgreSQL setting as SHOW prints it. */
export const showSetting = async (sql: pg.Client, name: string) => (await sql.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name];

/**
 * Opens the database (DATABASE_URL or the embedded one), runs `body` with a pg client of its own,
 * then closes the client, Prisma and the database. An error is printed as its message and sets
 * exit code 1.
 */
export async function runBench(body: (sql: pg.Client, db: TDatabase) => Promise<void>): Promise<void> {
  try {
    // A second benchmark on the same data folder uses this one's server: stopping it under that
    // one ended it with 57P01 (docs/benchmarks/2026-12-07-approval-2.md), so wait for it first.
    const db = await openDatabase({ waitForOtherClientsMs: 60 * 60_000 });
    // lib/db/client reads DATABASE_URL on first use.
    process.env.DATABASE_URL = db.url;
    // The benchmarks fill scratch data and run VACUUM ANALYZE: maintenance, as the tables' owner.
    const sql = new pg.Client({ connectionString: db.migrationUrl });
    await sql.connect();
    try {
      await body(sql, db);
    } finally {
      await sql.end().catch(() => {});
      const { prisma } = await import("@/lib/db/client");
      await prisma.$disconnect().catch(() => {});
      await db.stop();
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

// ───────────────────────────── the actors ─────────────────────────────

export type TOrgRow = { id: string; name: string; path: string; depth: number; code: string };

export async function orgByCode(sql: pg.Client, code: string): Promise<TOrgRow> {
  const { rows } = await sql.query<TOrgRow>("SELECT id, name, path, depth, code FROM organisation WHERE code = $1", [code]);
  if (!rows[0]) throw new Error(`找不到组织 ${code}：这个数据库不是用演示数据初始化的。`);
  return rows[0];
}

function toActor(userId: string, username: string, name: string, roles: string[], org: TOrgRow): TActor {
  return {
    userId,
    sessionId: null,
    username,
    name,
    roles: roles as TActor["roles"],
    ip: "127.0.0.1",
    organisation: { id: org.id, name: org.name, path: org.path, depth: org.depth },
  };
}

/**
 * A city-scoped actor (the demo user `cityUsername`, as it is in app_user) and a province-scoped
 * one on the GS organisation. The province actor is constructed: the benchmarked functions only
 * read, so no user row is needed.
 */
export async function benchActors(
  sql: pg.Client,
  cityUsername: string,
  province: { username: string; name: string; roles: TActor["roles"] },
): Promise<{ city: TActor; cityOrg: TOrgRow; province: TActor; provinceOrg: TOrgRow }> {
  const {
    rows: [user],
  } = await sql.query<{ id: string; username: string; name: string; roles: string[]; org_id: string }>(
    "SELECT u.id, u.username, u.name, u.roles::text[] AS roles, u.organisation_id AS org_id FROM app_user u WHERE u.username = $1",
    [cityUsername],
  );
  if (!user) throw new Error(`找不到演示用户 ${cityUsername}。`);
  const cityOrg = (await sql.query<TOrgRow>("SELECT id, name, path, depth, code FROM organisation WHERE id = $1", [user.org_id])).rows[0]!;
  const provinceOrg = await orgByCode(sql, "GS");
  return {
    city: toActor(user.id, user.username, user.name, user.roles, cityOrg),
    cityOrg,
    province: toActor("00000000-0000-0000-0000-000000000000", province.username, province.name, province.roles, provinceOrg),
    provinceOrg,
  };
}

// ───────────────────────────── EXPLAIN ─────────────────────────────

/** The statement's plan under EXPLAIN (ANALYZE, BUFFERS), one line per row, and the first line starting with a prefix. */
export async function explainAnalyze(sql: pg.Client, s: TStatement): Promise<{ plan: string[]; pick: (prefix: string) => string }> {
  const { rows } = await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
  const plan = rows.map((row) => row["QUERY PLAN"]);
  return { plan, pick: (prefix) => plan.find((l) => l.trimStart().startsWith(prefix))?.trim() ?? "" };
}

/** Prints a statement's SQL on one line and its parameter values (for --plans). */
export function printStatement(s: TStatement): void {
  console.log(`      SQL: ${s.text.replace(/\s+/g, " ")}`);
  console.log(`      参数: ${JSON.stringify(s.values)}`);
}
