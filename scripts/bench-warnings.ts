// `npm run bench:warnings`: the daily return-to-hardship warning run (issue 25) at scale, and the
// warnings the workbench and /warnings read, beside the same reads in plain SQL through pg.
//
//   BANGFU_DATA_DIR=<a copy of a seeded database> npm run bench:warnings
//   npm run bench:warnings -- --visits 5000          the day's new visits recorded before the run
//
// It writes (visits, warnings, signals, the watermarks): use a scratch copy of the database. The
// auditors' signals (疑似重复与冒领) are timed after the warnings: the whole run, then each of the
// three grouped reads alone in plain SQL (their plans must be index scans, never a cross join).
import { execSync } from "node:child_process";
import os from "node:os";
import pg from "pg";
import { assertReactServer, benchActors, captureStatements, median, ms, runBench } from "./bench-support";

const argNumber = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const VISITS = argNumber("--visits", 5_000);
const RUNS = 5;
const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(2);

await runBench(async (sql) => {
  assertReactServer("raise-warnings", "npm run bench:warnings", "scripts/bench-warnings.ts");
  const cpu = (() => {
    try {
      return execSync("lscpu | grep 'Model name'", { encoding: "utf8" }).trim();
    } catch {
      return os.cpus()[0]?.model ?? "?";
    }
  })();
  console.log(
    `${cpu}；负载 ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" / ")}`,
  );
  const { raiseWarnings } = await import("@/lib/warnings/raise-warnings");
  const { runDailySteps, DAILY_STEPS } = await import("@/lib/calendar/run-daily-calendar");
  const { openWarningsSummary, findWarnings } = await import("@/lib/warnings/find-warnings");
  const { todayInShanghai } = await import("@/lib/format/datetime");
  const today = todayInShanghai();

  const {
    rows: [stats],
  } = await sql.query<{ files: number; watched: number; visits: number }>(
    `SELECT (SELECT count(*)::int FROM household_file) AS files,
            (SELECT count(*)::int FROM household_file WHERE status = 'OBSERVATION' OR (status = 'CLOSED' AND exit_reason = 'RESOLVED') OR (status = 'OPEN' AND tier = 'RELATIVE')) AS watched,
            (SELECT count(*)::int FROM visit) AS visits`,
  );
  console.log(
    `档案 ${stats!.files.toLocaleString("zh-CN")} 户，其中受监测 ${stats!.watched.toLocaleString("zh-CN")} 户；走访 ${stats!.visits.toLocaleString("zh-CN")} 条。\n`,
  );

  // 1. The first run: no watermark, every fact ever recorded is read once.
  await sql.query("DELETE FROM warning_watermark");
  let start = performance.now();
  let summary = await raiseWarnings(today);
  console.log(
    `首次运行（无水位线，读取全部事实）：${seconds(start)} s，新预警 ${Object.values(summary)
      .reduce((n, s) => n + s.created, 0)
      .toLocaleString("zh-CN")} 条`,
  );

  // 2. A day's facts: VISITS new visits on watched files, one in ten naming a job loss, one in ten a low income.
  const {
    rows: [user],
  } = await sql.query<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_caseworker'");
  await sql.query(
    `INSERT INTO visit (file_id, visit_date, visitors, findings, recorded_by_id, events, per_capita_monthly_fen)
     SELECT f.id, $2::date, '基准测试', '入户走访', $1::uuid,
            CASE WHEN n % 10 = 0 THEN '{JOB_LOSS}'::visit_event[] ELSE '{}' END,
            CASE WHEN n % 10 = 5 THEN 50000 WHEN n % 10 = 6 THEN 300000 ELSE NULL END
       FROM (SELECT id, row_number() OVER () AS n FROM household_file
              WHERE status = 'OBSERVATION' OR (status = 'OPEN' AND tier = 'RELATIVE') ORDER BY random() LIMIT $3) f`,
    [user!.id, today, VISITS],
  );
  start = performance.now();
  summary = await raiseWarnings(today);
  console.log(
    `日常运行（当天新增走访 ${VISITS.toLocaleString("zh-CN")} 条后）：${seconds(start)} s，新预警 ${Object.values(summary)
      .reduce((n, s) => n + s.created, 0)
      .toLocaleString("zh-CN")} 条`,
  );
  for (const [name, s] of Object.entries(summary)) console.log(`  ${name}：${s.created}`);
  start = performance.now();
  await raiseWarnings(today);
  console.log(`再次运行（无新事实）：${seconds(start)} s`);
  const checkin = DAILY_STEPS.find((s) => s.kind === "CHECKIN_DUE")!;
  start = performance.now();
  const steps = await runDailySteps(today, [checkin]);
  console.log(`脱困后回访步骤：${seconds(start)} s，新待办 ${steps["脱困后回访"]!.created}\n`);

  // 3. What people read: the workbench's open warnings and the list's first page, beside plain SQL.
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  const { city, province } = await benchActors(sql, "lz_caseworker", { username: "gs_bench", name: "省总帮扶干部", roles: ["CASEWORKER"] });
  const actors = { 兰州市总工会: city, 省总工会: province };
  for (const [label, actor] of Object.entries(actors)) {
    for (const [what, run] of [
      ["工作台：待处理预警", () => openWarningsSummary(actor)],
      ["预警列表第 1 页（待处理）", () => findWarnings(actor, { status: "OPEN" }, 1)],
    ] as const) {
      const statements = await captureStatements(run);
      const domain: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let t = performance.now();
        await run();
        domain.push(performance.now() - t);
        t = performance.now();
        await Promise.all(statements.map((s) => pool.query(s.text, s.values)));
        plain.push(performance.now() - t);
      }
      console.log(`${label} ${what}：领域函数 ${ms(median(domain))} ms，同样的 SQL 直接经 pg ${ms(median(plain))} ms（中位数，${RUNS} 次）`);
    }
  }

  // 4. The auditors' signals: the daily run at this size (first and again), and each kind's read alone.
  const { raiseSignals } = await import("@/lib/signals/raise-signals");
  const { findSignals } = await import("@/lib/signals/resolve-signal");
  await sql.query("DELETE FROM warning_watermark WHERE name = 'suspect-signals'");
  start = performance.now();
  const signals = await raiseSignals(today);
  console.log(`\n疑似重复与冒领：首次运行 ${seconds(start)} s`);
  for (const [name, s] of Object.entries(signals)) console.log(`  ${name}：新线索 ${s.created}`);
  start = performance.now();
  await raiseSignals(today);
  console.log(`再次运行（无新事实）：${seconds(start)} s`);
  for (const [what, text] of [
    [
      "同名同出生日期分组",
      "SELECT count(*) FROM (SELECT 1 FROM file_person WHERE holds AND name IS NOT NULL GROUP BY name, substring(resident_id, 7, 8) HAVING count(*) > 1) g",
    ],
    [
      "在档户联系电话跨工会分组",
      "SELECT count(*) FROM (SELECT 1 FROM household_file WHERE status = 'OPEN' AND contact_phone IS NOT NULL AND normalise_phone(contact_phone) IS NOT NULL GROUP BY normalise_phone(contact_phone) HAVING count(DISTINCT organisation_id) > 1) g",
    ],
    [
      "登记死亡的档案",
      "SELECT (SELECT count(*) FROM change_request WHERE kind = 'EXIT' AND status = 'APPROVED' AND cancel_reason = 'DEATH') + (SELECT count(*) FROM civil_roster_row WHERE deceased) AS n",
    ],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await pool.query(text);
      times.push(performance.now() - t);
    }
    const { rows: plan } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN ${text}`);
    const scans = plan
      .map((r) => r["QUERY PLAN"])
      .filter((l) => /Scan/.test(l))
      .map((l) => l.trim().replace(/\s+\(cost.*$/, ""))
      .join("；");
    console.log(`  ${what}（纯 SQL）：${ms(median(times))} ms；计划：${scans}`);
  }
  const auditors = await benchActors(sql, "lz_auditor", { username: "gs_bench_auditor", name: "省总审计人员", roles: ["AUDITOR"] });
  for (const [label, actor] of Object.entries({ 兰州市总工会: auditors.city, 省总工会: auditors.province })) {
    const run = () => findSignals(actor, { status: "OPEN" }, 1);
    const statements = await captureStatements(run);
    const domain: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await run();
      domain.push(performance.now() - t);
      t = performance.now();
      await Promise.all(statements.map((s) => pool.query(s.text, s.values)));
      plain.push(performance.now() - t);
    }
    console.log(`${label} 线索列表第 1 页（待核查）：领域函数 ${ms(median(domain))} ms，同样的 SQL 直接经 pg ${ms(median(plain))} ms（中位数，${RUNS} 次）`);
  }
  await pool.end();
});
