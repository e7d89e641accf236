// `npm run bench`: times the archive query (findFiles, lib/filing/find-files.ts) on a seeded
// database — seed it first with `npm run seed -- --households 100000`.
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`). For a
// city-scoped caseworker (lz_caseworker) and a province-scoped official (a TActor built from the
// GS organisation; nothing is written) it runs each archive query once to warm up, then five
// times, and prints the median and maximum in milliseconds with the rows matched. Then it
// replays the SQL of the two slowest queries under EXPLAIN (ANALYZE, BUFFERS) and prints
// planning and execution time per statement. Options: `--plans` prints the whole plans with
// their SQL, `--explain <n>` explains the n slowest queries instead of 2, `--runs <n>` changes
// the number of timed runs.
//
// Why `tsx --conditions=react-server` (the npm script passes it): domain modules start with
// `import "server-only"`, whose default export throws outside React Server Components. Under
// the "react-server" export condition the package resolves to its empty module, exactly as in
// Next.js's server build, so the real findFiles runs unmodified. No other dependency on the
// import path of find-files changes with that condition (pg, Prisma, zod have no such export).
//
// The SQL is captured while one query runs (captureStatements in bench-support.ts), so what is
// explained is what Prisma really sent.
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import type { TArchiveQuery } from "@/lib/filing/find-files";
import {
  assertReactServer, benchActors, captureStatements, explainAnalyze, median, ms, orgByCode, printStatement, runBench, showSetting, table,
  type TOrgRow,
} from "./bench-support";

const RUNS = (() => {
  const i = process.argv.indexOf("--runs");
  const n = i === -1 ? 5 : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error("--runs 应为 1–1000 之间的整数");
  return n;
})();
const SHOW_PLANS = process.argv.includes("--plans");
const EXPLAIN_COUNT = (() => {
  const i = process.argv.indexOf("--explain");
  const n = i === -1 ? 2 : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error("--explain 应为不小于 0 的整数");
  return n;
})();

// ───────────────────────────── main ─────────────────────────────

type TCase = { actor: TActor; scope: string; label: string; query: TArchiveQuery };
type TResult = TCase & { times: number[]; total: number; rows: number };

async function loadFindFiles() {
  assertReactServer("find-files", "npm run bench", "scripts/bench-archive.ts");
  return (await import("@/lib/filing/find-files")).findFiles;
}

async function main(sql: pg.Client) {
  const findFiles = await loadFindFiles();

  const { rows: [counts] } = await sql.query<{ files: number; open: number; people: number; orgs: number }>(
    `SELECT (SELECT count(*)::int FROM household_file) AS files, (SELECT count(*)::int FROM household_file WHERE status = 'OPEN') AS open,
            (SELECT count(*)::int FROM file_person) AS people, (SELECT count(*)::int FROM organisation) AS orgs`,
  ).catch(() => ({ rows: [undefined] }));
  if (!counts?.files) {
    console.log("数据库中没有档案。请先运行：npm run seed -- --households 100000");
    return;
  }
  const setting = (name: string) => showSetting(sql, name);
  const { rows: [size] } = await sql.query<{ heap: string; total: string }>(
    "SELECT pg_size_pretty(pg_relation_size('household_file')) AS heap, pg_size_pretty(pg_total_relation_size('household_file')) AS total",
  );
  console.log(`PostgreSQL ${await setting("server_version")}（shared_buffers ${await setting("shared_buffers")}）；` +
    `household_file 表 ${size!.heap}（含索引与 TOAST ${size!.total}）。`);
  console.log(`档案 ${counts.files.toLocaleString()} 户（在档 ${counts.open.toLocaleString()}），` +
    `file_person ${counts.people.toLocaleString()} 行，组织 ${counts.orgs} 个。每项预热 1 次后计时 ${RUNS} 次。\n`);

  // ── the actors ──
  // A province official: findFiles only reads, so a constructed actor is enough (no user row is needed).
  const { city, cityOrg: lzOrg, province, provinceOrg: gsOrg } = await benchActors(sql, "lz_caseworker", {
    username: "bench_gs_official", name: "省总审批人（基准测试）", roles: ["OFFICIAL"],
  });

  // ── real search terms from the data in each scope ──
  const sampleIn = async (orgPath: string) => {
    const { rows: [row] } = await sql.query<{ resident_id: string; file_number: string }>(
      `SELECT p.resident_id, f.file_number FROM household_file f
         JOIN organisation o ON o.id = f.organisation_id
         JOIN file_person p ON p.file_id = f.id AND NOT p.is_holder
       WHERE f.status = 'OPEN' AND o.path LIKE $1 || '%'
       ORDER BY f.id LIMIT 1`,
      [orgPath],
    );
    if (!row) throw new Error("范围内没有在档档案，无法选取测试用的身份号码和档案编号。");
    return row;
  };
  const cityTerms = await sampleIn(lzOrg.path);
  const provinceTerms = await sampleIn(gsOrg.path);
  const county = await orgByCode(sql, "GSLZCG");
  const lzCity = await orgByCode(sql, "GSLZ");

  const casesFor = (actor: TActor, scope: string, terms: { resident_id: string; file_number: string }, subtree: TOrgRow): TCase[] => [
    { actor, scope, label: "默认列表 第1页", query: { page: 1 } },
    { actor, scope, label: "深翻页 第500页", query: { page: 500 } },
    { actor, scope, label: "全部状态 第1页", query: { status: "ALL", page: 1 } },
    { actor, scope, label: "姓名前缀“王”", query: { q: "王", page: 1 } },
    { actor, scope, label: `身份号码 ${terms.resident_id.slice(0, 6)}…`, query: { q: terms.resident_id, page: 1 } },
    { actor, scope, label: `档案编号 ${terms.file_number}`, query: { q: terms.file_number, page: 1 } },
    { actor, scope, label: "筛选 相对困难+市级+因病", query: { tier: "RELATIVE", fileLevel: "CITY", cause: "ILLNESS", page: 1 } },
    { actor, scope, label: `组织子树 ${subtree.code}`, query: { organisationId: subtree.id, page: 1 } },
  ];
  const cases = [
    ...casesFor(city, `市 ${lzOrg.code}`, cityTerms, county),
    ...casesFor(province, `省 ${gsOrg.code}`, provinceTerms, lzCity),
  ];

  // ── timing ──
  const results: TResult[] = [];
  for (const c of cases) {
    await findFiles(c.actor, c.query); // warm-up
    const times: number[] = [];
    let page: Awaited<ReturnType<typeof findFiles>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      page = await findFiles(c.actor, c.query);
      times.push(performance.now() - t0);
    }
    results.push({ ...c, times, total: page!.total, rows: page!.rows.length });
  }
  table(
    ["范围", "查询", "中位 ms", "最大 ms", "命中总数", "本页行数"],
    results.map((r) => [r.scope, r.label, ms(median(r.times)), ms(Math.max(...r.times)), r.total.toLocaleString(), String(r.rows)]),
    new Set([2, 3, 4, 5]),
  );

  // ── EXPLAIN the slowest ──
  const slowest = [...results].sort((a, b) => median(b.times) - median(a.times)).slice(0, EXPLAIN_COUNT);
  for (const r of slowest) {
    const statements = await captureStatements(() => findFiles(r.actor, r.query));
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS)：${r.scope} ${r.label}（中位 ${ms(median(r.times))} ms）`);
    for (const [i, s] of statements.entries()) {
      const { plan, pick } = await explainAnalyze(sql, s);
      const kind = /count\(/i.test(s.text) ? "计数" : /household_file/.test(s.text) ? "列表" : "组织";
      console.log(`  [${i + 1}] ${kind}：${pick("Planning Time")}；${pick("Execution Time")}；顶层 ${plan[0]?.trim().slice(0, 110)}`);
      const buffers = plan.find((l) => l.includes("Buffers:"))?.trim();
      if (buffers) console.log(`      ${buffers}`);
      if (SHOW_PLANS) {
        printStatement(s);
        for (const line of plan) console.log(`      ${line}`);
      }
    }
  }
}

await runBench(main);
