// `npm run bench:ledger`: times the organisation ledger (findOrgLedger, lib/ledger/find-org-ledger.ts,
// the query behind app/(app)/ledger/page.tsx) on a database with a million ledger entries.
//
//   npm run seed -- --households 100000      first: at least 20,000 open household files
//   npm run bench:ledger                     tops ledger_entry up to 1,000,000 rows, then times
//   options: --entries <n> (target row count, 1,000,000), --runs <n> (timed runs, 5),
//            --explain <n> (explain the n slowest cases, 2), --plans (also print the SQL and values)
//   npm run bench:ledger -- --approve        times a 10,000-line batch approval instead
//                                            (scripts/bench-batch-approval.ts; writes to the ledger)
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`).
//
// WARNING: ledger_entry is append-only (triggers forbid UPDATE, DELETE and TRUNCATE): the rows this
// script adds cannot be removed except by dropping the database. Run it on a scratch database.
//
// 1. Data. If ledger_entry has fewer than --entries rows, the difference is inserted in ONE
//    transaction, directly with INSERT … SELECT over generate_series × the open household files,
//    respecting every rule of prisma/migrations/0004_ledger:
//      - each entry has exactly one source (ledger_entry_one_source): ~70% are lines of PAID
//        batches (disbursement_batch + batch_line, one batch per city × month × aid type × fund,
//        so a household is listed once per batch), ~30% are APPROVED single disbursements;
//      - recorder ≠ approver (ledger_entry_maker_checker; batches: approver ≠ creator/submitter):
//        the city's caseworker records, its official approves;
//      - organisation_id is the file's; the payee account is the file's current bank_account
//        (created for open files that have none; non-cash 就业帮扶 entries name no account);
//      - entries spread over the last 36 months (batches on one day of their month, singles on any
//        day), amounts in fen by aid type (生活 200–600 元, 医疗 500–10,000 元, 助学 by file level
//        5,000/6,000/6,300 元, 送温暖 500 元, 临时 300–3,000 元, 就业 0), funds per aid type;
//      - about 1% of single cash entries are reversed: an APPROVED reversal disbursement and an
//        entry with reverses_entry_id, the exact negative amount and a reason
//        (ledger_entry_sign, ledger_entry_check_reversal trigger).
//    Not modelled: 助学 entries carry no student_resident_id, and annual caps are not enforced
//    (the database does not check either; neither changes the ledger page's queries).
//    Then VACUUM ANALYZE of the touched tables.
// 2. Timing. For a city-scoped auditor (lz_auditor) and a province-scoped auditor (a TActor built
//    from the GS organisation, roles ["AUDITOR"]; nothing is written) each case runs findOrgLedger
//    once to warm up, then --runs times. The SQL Prisma sends is captured (bench-support.ts)
//    and the page query and the totals query (count + sum) are replayed on their own, so their
//    costs are shown separately (findOrgLedger runs them in parallel).
// 3. EXPLAIN (ANALYZE, BUFFERS) of the page and totals statements of the slowest cases.
//
// Why `tsx --conditions=react-server` (the npm script passes it): lib/ledger/find-org-ledger.ts starts
// with `import "server-only"`, which throws outside React Server Components; under that export
// condition it resolves to its empty module, as in Next.js's server build, so the real domain
// function runs unmodified.
import type pg from "pg";
import { benchBatchApproval } from "./bench-batch-approval";
import { loadLedger } from "./seed-ledger";
import type { TActor } from "@/lib/auth/actor";
import type { TLedgerFilters } from "@/lib/ledger/schemas";
import {
  assertReactServer,
  benchActors,
  captureStatements,
  explainAnalyze,
  median,
  ms,
  orgByCode,
  printStatement,
  runBench,
  showSetting,
  table,
  type TStatement,
} from "./bench-support";

// ───────────────────────────── arguments ─────────────────────────────

function intArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const raw = process.argv[i + 1] ?? "";
  const n = Number(raw.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} 应为 ${min}–${max} 之间的整数：${raw}`);
  return n;
}

const ENTRIES = intArg("--entries", 1_000_000, 0, 50_000_000);
const RUNS = intArg("--runs", 5, 1, 1000);
const EXPLAIN_COUNT = intArg("--explain", 2, 0, 100);
const SHOW_SQL = process.argv.includes("--plans");
const MIN_OPEN_FILES = 20_000;
const PAGE_TARGET = 50;

// ───────────────────────────── the statements findOrgLedger sends ─────────────────────────────

type TKind = "page" | "totals" | "org" | "include";
/** What a statement sent by findOrgLedger is: the page, the totals, the organisation filter lookup, or an include. */
function kindOf(text: string): TKind {
  if (/\b(COUNT|SUM)\s*\(/i.test(text)) return "totals";
  if (/FROM\s+"public"\."ledger_entry"/i.test(text) && /ORDER BY/i.test(text) && /LIMIT/i.test(text) && !/"reverses_entry_id"\s+IN/i.test(text)) return "page";
  if (/FROM\s+"public"\."organisation"/i.test(text) && /"path"/.test(text) && !/"ledger_entry"/.test(text)) return "org";
  return "include";
}

// ───────────────────────────── 1. data ─────────────────────────────

async function ensureEntries(sql: pg.Client): Promise<void> {
  await loadLedger(sql, ENTRIES);
  console.log("");
}

// ───────────────────────────── 2. timing ─────────────────────────────

type TFindOrgLedger = typeof import("@/lib/ledger/find-org-ledger").findOrgLedger;
type TCase = { actor: TActor; scope: string; label: string; filters: TLedgerFilters; page: number };
type TResult = TCase & {
  cursor: string | undefined;
  times: number[];
  pageTimes: number[];
  totalsTimes: number[];
  rows: number;
  count: number;
  statements: Array<TStatement & { kind: TKind }>;
};

async function loadFindOrgLedger(): Promise<TFindOrgLedger> {
  assertReactServer("find-org-ledger", "npm run bench:ledger", "scripts/bench-ledger.ts");
  return (await import("@/lib/ledger/find-org-ledger")).findOrgLedger;
}

async function main(sql: pg.Client) {
  const findOrgLedger = await loadFindOrgLedger();

  const {
    rows: [files],
  } = await sql.query<{ open: number }>("SELECT count(*)::int AS open FROM household_file WHERE status = 'OPEN'").catch(() => ({ rows: [undefined] }));
  if (!files || files.open < MIN_OPEN_FILES) {
    console.error(
      `在档档案只有 ${(files?.open ?? 0).toLocaleString()} 户，至少需要 ${MIN_OPEN_FILES.toLocaleString()} 户。请先运行：npm run seed -- --households 100000`,
    );
    process.exitCode = 1;
    return;
  }
  await ensureEntries(sql);

  const setting = (name: string) => showSetting(sql, name);
  const {
    rows: [size],
  } = await sql.query<{ n: number; reversals: number; heap: string; total: string; min: string; max: string }>(
    `SELECT count(*)::int AS n, count(reverses_entry_id)::int AS reversals, min(entry_date)::text AS min, max(entry_date)::text AS max,
            pg_size_pretty(pg_relation_size('ledger_entry')) AS heap, pg_size_pretty(pg_total_relation_size('ledger_entry')) AS total FROM ledger_entry`,
  );
  console.log(
    `PostgreSQL ${await setting("server_version")}（shared_buffers ${await setting("shared_buffers")}，work_mem ${await setting("work_mem")}）；` +
      `ledger_entry ${size!.n.toLocaleString()} 行（冲正 ${size!.reversals.toLocaleString()}），${size!.min} – ${size!.max}，` +
      `表 ${size!.heap}（含索引 ${size!.total}）；在档档案 ${files.open.toLocaleString()} 户。每项预热 1 次后计时 ${RUNS} 次。\n`,
  );

  // ── the actors ──
  // A province auditor: findOrgLedger only reads, so a constructed actor is enough (no user row is needed).
  const {
    city,
    cityOrg: lzOrg,
    province,
    provinceOrg: gsOrg,
  } = await benchActors(sql, "lz_auditor", {
    username: "bench_gs_auditor",
    name: "省总审计（基准测试）",
    roles: ["AUDITOR"],
  });
  const county = await orgByCode(sql, "GSLZCG");
  const otherCity = await orgByCode(sql, "GSTS");

  // A month a year back, and the quarter around it.
  const {
    rows: [dates],
  } = await sql.query<{ from: string; to: string; qfrom: string; qto: string }>(
    `SELECT m::date::text AS from, (m + interval '1 month' - interval '1 day')::date::text AS to,
            (m - interval '1 month')::date::text AS qfrom, (m + interval '2 months' - interval '1 day')::date::text AS qto
       FROM (SELECT date_trunc('month', current_date) - interval '12 months' AS m) x`,
  );
  const casesFor = (actor: TActor, scope: string): TCase[] => [
    { actor, scope, label: "第1页（无筛选）", filters: {}, page: 1 },
    { actor, scope, label: `第${PAGE_TARGET}页（沿游标）`, filters: {}, page: PAGE_TARGET },
    { actor, scope, label: "类型+资金 医疗/捐赠", filters: { aidType: "MEDICAL", fundSource: "DONATION" }, page: 1 },
    { actor, scope, label: `一个月 ${dates!.from.slice(0, 7)}`, filters: { from: dates!.from, to: dates!.to }, page: 1 },
    { actor, scope, label: "金额 1,000–2,000 元", filters: { min: 100_000, max: 200_000 }, page: 1 },
    { actor, scope, label: `组织子树 县 ${county.code}`, filters: { organisationId: county.id }, page: 1 },
    ...(actor === province ? [{ actor, scope, label: `组织子树 市 ${otherCity.code}`, filters: { organisationId: otherCity.id }, page: 1 }] : []),
    {
      actor,
      scope,
      label: `组合 生活/工会经费/季度/${county.code}/300–500元`,
      filters: { aidType: "LIVING", fundSource: "UNION_FUNDS", from: dates!.qfrom, to: dates!.qto, organisationId: county.id, min: 30_000, max: 50_000 },
      page: 1,
    },
    {
      actor,
      scope,
      label: `组合 临时救助/季度/≥2,000元 第${PAGE_TARGET}页`,
      filters: { aidType: "EMERGENCY", from: dates!.qfrom, to: dates!.qto, min: 200_000 },
      page: PAGE_TARGET,
    },
  ];
  const cases = [...casesFor(city, `市 ${lzOrg.code}`), ...casesFor(province, `省 ${gsOrg.code}`)];

  const replay = async (s: TStatement) => {
    const t0 = performance.now();
    await sql.query(s.text, s.values);
    return performance.now() - t0;
  };

  const results: TResult[] = [];
  for (const c of cases) {
    // Follow the cursor to the wanted page (untimed), as a user clicking 下一页 would.
    let cursor: string | undefined;
    for (let p = 1; p < c.page; p++) {
      const page = await findOrgLedger(c.actor, c.filters, { after: cursor });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    await findOrgLedger(c.actor, c.filters, { after: cursor }); // warm-up
    const times: number[] = [];
    let last: Awaited<ReturnType<TFindOrgLedger>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = await findOrgLedger(c.actor, c.filters, { after: cursor });
      times.push(performance.now() - t0);
    }
    const statements = (await captureStatements(() => findOrgLedger(c.actor, c.filters, { after: cursor }))).map((s) => ({ ...s, kind: kindOf(s.text) }));
    const pageTimes: number[] = [];
    const totalsTimes: number[] = [];
    for (const s of statements) {
      if (s.kind !== "page" && s.kind !== "totals") continue;
      await replay(s);
      for (let i = 0; i < RUNS; i++) (s.kind === "page" ? pageTimes : totalsTimes).push(await replay(s));
    }
    results.push({ ...c, cursor, times, pageTimes, totalsTimes, rows: last!.rows.length, count: last!.count, statements });
  }
  table(
    ["范围", "查询", "函数 中位", "函数 最大", "分页 中位", "合计 中位", "本页行数", "符合笔数"],
    results.map((r) => [
      r.scope,
      r.label,
      ms(median(r.times)),
      ms(Math.max(...r.times)),
      ms(median(r.pageTimes)),
      ms(median(r.totalsTimes)),
      String(r.rows),
      r.count.toLocaleString(),
    ]),
    new Set([2, 3, 4, 5, 6, 7]),
  );
  console.log("（ms。“函数”= findOrgLedger 全程，分页与合计两条查询并行；“分页”“合计”= 同一 SQL 单独重放。）");

  // ── 3. EXPLAIN the slowest ──
  const slowest = [...results].sort((a, b) => median(b.times) - median(a.times)).slice(0, EXPLAIN_COUNT);
  for (const r of slowest) {
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS)：${r.scope} ${r.label}（函数中位 ${ms(median(r.times))} ms）`);
    for (const s of r.statements) {
      if (s.kind !== "page" && s.kind !== "totals") continue;
      const { plan, pick } = await explainAnalyze(sql, s);
      console.log(`  [${s.kind === "page" ? "分页" : "合计"}] ${pick("Planning Time")}；${pick("Execution Time")}`);
      if (SHOW_SQL) printStatement(s);
      for (const line of plan) {
        if (/^\s*(Planning|Execution)/.test(line)) continue;
        console.log(`      ${line.length > 170 ? `${line.slice(0, 170)}…` : line}`);
      }
    }
  }
}

// --approve: time a 10,000-line batch approval instead (scripts/bench-batch-approval.ts).
await runBench(process.argv.includes("--approve") ? benchBatchApproval : main);
