// `npm run bench:reports`: times the report (findReport, lib/reports/find-report.ts) and the
// workbench (findWorkbench, lib/workbench/find-workbench.ts) for a city and a province scope.
//
//   npm run seed -- --households 100000     first: filed households
//   npm run bench:ledger -- --runs 1         optionally: a million ledger entries (scratch database!)
//   npm run bench:reports                    then this; options: --runs <n> (timed runs, 7)
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`). Reads only.
//
// Each case runs once to warm up, then --runs times through the domain function (Prisma, the
// scoping layer, the JavaScript that assembles the rows). The SQL it sent is captured
// (bench-support.ts) and replayed through a plain pg client, one statement after the other, so
// the database's share is printed beside the whole. The domain function sends its statements in
// parallel, so its time can be below the replayed sum. Medians in milliseconds.
import pg from "pg";
import { assertReactServer, benchActors, captureStatements, median, ms, runBench, table, type TStatement } from "./bench-support";

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${name} 需要 1–1000 之间的整数`);
  return n;
}
const RUNS = intArg("--runs", 7);

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function replay(sql: pg.Client, statements: TStatement[]): Promise<number> {
  const start = performance.now();
  for (const s of statements) await sql.query(s.text, s.values);
  return performance.now() - start;
}

await runBench(async (sql) => {
  assertReactServer("lib/reports/find-report.ts", "npm run bench:reports", "scripts/bench-reports.ts");
  const { findReport } = await import("@/lib/reports/find-report");
  const { findWorkbench } = await import("@/lib/workbench/find-workbench");
  const { periodFrom } = await import("@/lib/reports/period");
  const { todayInShanghai } = await import("@/lib/format/datetime");

  const counts = (
    await sql.query<{ files: number; open: number; entries: number; deltas: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM household_file) AS files, (SELECT count(*)::int FROM household_file WHERE status = 'OPEN') AS open,
              (SELECT count(*)::int FROM ledger_entry) AS entries, (SELECT count(*)::int FROM report_open_delta) AS deltas,
              (SELECT count(*)::int FROM report_file_event) AS events`,
    )
  ).rows[0]!;
  console.log(
    `档案 ${counts.files.toLocaleString()} 户（在档 ${counts.open.toLocaleString()}），台账 ${counts.entries.toLocaleString()} 条；` +
      `report_open_delta ${counts.deltas.toLocaleString()} 行，report_file_event ${counts.events.toLocaleString()} 行。每项 ${RUNS} 次取中位数（毫秒）。\n`,
  );

  const auditors = await benchActors(sql, "lz_auditor", { username: "gs_bench", name: "省总审计", roles: ["AUDITOR"] });
  const officials = await benchActors(sql, "lz_official", { username: "gs_bench", name: "省总审批人", roles: ["OFFICIAL"] });
  const caseworkers = await benchActors(sql, "lz_caseworker", { username: "gs_bench", name: "省总帮扶干部", roles: ["CASEWORKER"] });
  const today = todayInShanghai();
  const year = periodFrom({ kind: "year" }, today) as Exclude<ReturnType<typeof periodFrom>, { error: string }>;
  const month = periodFrom({ kind: "month" }, today) as typeof year;
  const range = periodFrom({ kind: "range", from: `${Number(today.slice(0, 4)) - 3}-01-01`, to: today }, today) as typeof year;

  const cases: Array<{ name: string; run: () => Promise<unknown> }> = [
    { name: "报表 · 省 · 本年", run: () => findReport(auditors.province, { period: year }) },
    { name: "报表 · 省 · 本月", run: () => findReport(auditors.province, { period: month }) },
    { name: "报表 · 省 · 近三年", run: () => findReport(auditors.province, { period: range }) },
    { name: "报表 · 市 · 本年", run: () => findReport(auditors.city, { period: year }) },
    { name: "工作台 · 帮扶干部 · 省", run: () => findWorkbench(caseworkers.province) },
    { name: "工作台 · 审批人 · 省", run: () => findWorkbench(officials.province) },
    { name: "工作台 · 审计 · 省", run: () => findWorkbench(auditors.province) },
    { name: "工作台 · 帮扶干部 · 市", run: () => findWorkbench(caseworkers.city) },
  ];

  const rows: string[][] = [];
  const slowest: Array<{ name: string; statements: Array<{ text: string; ms: number }> }> = [];
  for (const c of cases) {
    await c.run();
    const statements = await captureStatements(c.run);
    const domain: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      domain.push(await timed(c.run));
      plain.push(await replay(sql, statements));
    }
    const per: Array<{ text: string; ms: number }> = [];
    for (const s of statements) {
      const times: number[] = [];
      for (let i = 0; i < 3; i += 1) times.push(await timed(() => sql.query(s.text, s.values)));
      per.push({ text: s.text, ms: median(times) });
    }
    per.sort((a, b) => b.ms - a.ms);
    slowest.push({ name: c.name, statements: per.slice(0, 2) });
    rows.push([c.name, ms(median(domain)), ms(median(plain)), ms(per[0]?.ms ?? NaN), String(statements.length)]);
    console.log(`  ${c.name}: 领域函数 ${ms(median(domain))} ms，同样 SQL 经 pg ${ms(median(plain))} ms，最慢一条 ${ms(per[0]?.ms ?? NaN)} ms`);
  }
  table(["查询", "领域函数（Prisma）", "同样 SQL 经 pg 逐条", "最慢一条", "语句数"], rows, new Set([1, 2, 3, 4]));
  console.log("\n每项最慢的语句：");
  for (const s of slowest) {
    for (const st of s.statements) console.log(`  ${s.name}  ${ms(st.ms)} ms  ${st.text.replace(/\s+/g, " ").slice(0, 140)}`);
  }
});
