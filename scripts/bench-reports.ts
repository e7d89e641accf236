// `npm run bench:reports`: times the report (findReport, lib/reports/find-report.ts) and the
// workbench (findWorkbench, lib/workbench/find-workbench.ts) for a city and a province scope.
//
//   npm run seed -- --households 200000 --ledger-entries 2000000   first (scratch database!)
//   npm run bench:reports                    then this; options: --runs <n> (timed runs, 7),
//                                            --only <regexp> (only the cases whose name matches, e.g. '自定义.*资金')
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`). Reads only.
//
// Cases: for the province and a city, the report of the last full month, its quarter and the
// current year — whole and per section (档案, 资金, 工作, 质量: findReport's `groups`) — and the
// caseworker's, official's and auditor's workbench. Each case runs once to warm up, then --runs
// times through the domain function (Prisma, the scoping layer, the JavaScript that assembles the
// rows), alternating with the same SQL — captured from what Prisma sent (bench-support.ts) —
// replayed through plain pg clients, with the same parallelism (a pool of 10, like the app's): the
// floor the database sets. Printed: p50 and p95 of both, their ratio, and the slowest statement.
// Targets (issue 9): report ≤ 300 ms, workbench ≤ 100 ms (median, warm).
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
const onlyAt = process.argv.indexOf("--only");
const ONLY = onlyAt === -1 ? null : (process.argv[onlyAt + 1] ?? "");

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? NaN;
};

await runBench(async (sql) => {
  assertReactServer("lib/reports/find-report.ts", "npm run bench:reports", "scripts/bench-reports.ts");
  const { findReport, REPORT_GROUPS } = await import("@/lib/reports/find-report");
  const { findWorkbench } = await import("@/lib/workbench/find-workbench");
  const { periodFrom } = await import("@/lib/reports/period");
  const { todayInShanghai, addMonths, addDays } = await import("@/lib/format/datetime");
  // The plain floor: the same statements through pg clients of the application's role.
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const replay = (statements: TStatement[]) => Promise.all(statements.map((s) => pool.query(s.text, s.values)));

  const counts = (
    await sql.query<{ files: number; open: number; entries: number; states: number; cells: number; multi: number }>(
      `SELECT (SELECT count(*)::int FROM household_file) AS files, (SELECT count(*)::int FROM household_file WHERE status = 'OPEN') AS open,
              (SELECT count(*)::int FROM ledger_entry) AS entries, (SELECT count(*)::int FROM report_ledger_file_period) AS states,
              (SELECT count(*)::int FROM report_ledger_count) AS cells, (SELECT count(*)::int FROM report_ledger_file WHERE multi) AS multi`,
    )
  ).rows[0]!;
  const load = (await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
  console.log(
    `档案 ${counts.files.toLocaleString()} 户（在档 ${counts.open.toLocaleString()}），台账 ${counts.entries.toLocaleString()} 条；` +
      `report_ledger_file_period ${counts.states.toLocaleString()} 行，report_ledger_count ${counts.cells.toLocaleString()} 行，` +
      `多单位发放的户 ${counts.multi.toLocaleString()}。每项 ${RUNS} 次；${(await import("node:os")).cpus()[0]?.model ?? ""}，负载 ${load}。\n`,
  );

  const auditors = await benchActors(sql, "lz_auditor", { username: "gs_bench", name: "省总审计", roles: ["AUDITOR"] });
  const officials = await benchActors(sql, "lz_official", { username: "gs_bench", name: "省总审批人", roles: ["OFFICIAL"] });
  const caseworkers = await benchActors(sql, "lz_caseworker", { username: "gs_bench", name: "省总帮扶干部", roles: ["CASEWORKER"] });
  const today = todayInShanghai();
  const lastMonth = addMonths(today, -1).slice(0, 7);
  type TOk = Exclude<ReturnType<typeof periodFrom>, { error: string }>;
  const periods: Array<[string, TOk]> = [
    ["上月", periodFrom({ kind: "month", month: lastMonth }, today) as TOk],
    [
      "上月所在季度",
      periodFrom({ kind: "quarter", quarter: `${lastMonth.slice(0, 4)}-Q${Math.floor((Number(lastMonth.slice(5, 7)) - 1) / 3) + 1}` }, today) as TOk,
    ],
    ["本年", periodFrom({ kind: "year" }, today) as TOk],
    // Last year: its open files are counted back from a kept month (decision 039), not from today.
    ["去年", periodFrom({ kind: "year", year: String(Number(today.slice(0, 4)) - 1) }, today) as TOk],
    // A custom range cutting two months: counted from the ledger's entries, not the period aggregates.
    ["自定义 30 天", periodFrom({ kind: "range", from: `${lastMonth}-15`, to: addDays(`${lastMonth}-15`, 29) }, today) as TOk],
    // The ranges users ask for besides: a 送温暖 season across the new year (mid-December to
    // mid-February, two whole months inside) and a fiscal half (a fiscal year from April) that is
    // two quarters, not a calendar period.
    ["送温暖 12-15 至 2-15", periodFrom({ kind: "range", from: `${Number(today.slice(0, 4)) - 1}-12-15`, to: `${today.slice(0, 4)}-02-15` }, today) as TOk],
    ["财年半年 4-1 至 9-30", periodFrom({ kind: "range", from: `${today.slice(0, 4)}-04-01`, to: `${today.slice(0, 4)}-09-30` }, today) as TOk],
  ];
  const GROUP_LABELS = { files: "档案", money: "资金", work: "工作", quality: "质量" } as const;

  const cases: Array<{ name: string; run: () => Promise<unknown>; target: number }> = [];
  for (const [scope, actor] of [
    ["省", auditors.province],
    ["市", auditors.city],
  ] as const) {
    for (const [label, period] of periods) {
      cases.push({ name: `报表 · ${scope} · ${label} · 全部`, run: () => findReport(actor, { period }), target: 300 });
      for (const g of REPORT_GROUPS)
        cases.push({ name: `报表 · ${scope} · ${label} · ${GROUP_LABELS[g]}`, run: () => findReport(actor, { period, groups: [g] }), target: 300 });
    }
  }
  for (const [scope, key] of [
    ["省", "province"],
    ["市", "city"],
  ] as const) {
    cases.push({ name: `工作台 · 帮扶干部 · ${scope}`, run: () => findWorkbench(caseworkers[key]), target: 100 });
    cases.push({ name: `工作台 · 审批人 · ${scope}`, run: () => findWorkbench(officials[key]), target: 100 });
    cases.push({ name: `工作台 · 审计 · ${scope}`, run: () => findWorkbench(auditors[key]), target: 100 });
  }

  const rows: string[][] = [];
  if (ONLY !== null) cases.splice(0, cases.length, ...cases.filter((c) => new RegExp(ONLY).test(c.name)));
  const slowest: Array<{ name: string; text: string; ms: number }> = [];
  for (const c of cases) {
    await c.run();
    const statements = await captureStatements(c.run);
    await replay(statements);
    const domain: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      domain.push(await timed(c.run));
      plain.push(await timed(() => replay(statements)));
    }
    let worst = { text: "", ms: 0 };
    for (const s of statements) {
      const times: number[] = [];
      for (let i = 0; i < 3; i += 1) times.push(await timed(() => pool.query(s.text, s.values)));
      if (median(times) > worst.ms) worst = { text: s.text, ms: median(times) };
    }
    slowest.push({ name: c.name, ...worst });
    const p50 = median(domain);
    rows.push([
      c.name,
      ms(p50),
      ms(p95(domain)),
      ms(median(plain)),
      ms(p95(plain)),
      (p50 / median(plain)).toFixed(2),
      ms(worst.ms),
      String(statements.length),
      p50 <= c.target ? "是" : "否",
    ]);
    console.log(`  ${c.name}: 领域函数 p50 ${ms(p50)} ms，同样 SQL 经 pg p50 ${ms(median(plain))} ms`);
  }
  console.log("");
  table(["查询", "领域函数 p50", "p95", "纯 SQL（pg）p50", "p95", "倍数", "最慢一条", "语句数", "达标"], rows, new Set([1, 2, 3, 4, 5, 6, 7]));
  console.log("\n每项最慢的语句：");
  for (const s of slowest) console.log(`  ${s.name}  ${ms(s.ms)} ms  ${s.text.replace(/\s+/g, " ").slice(0, 140)}`);
  await pool.end();
});
