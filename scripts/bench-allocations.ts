// `npm run bench:allocations`: what allocations (0031) cost, on whatever database it opens
// (DATABASE_URL, or the embedded one in .bangfu / BANGFU_DATA_DIR, like `npm start`):
//   1. the allocation report (findAllocationReport) for the province and for a city, for the
//      current year — each beside the same statement replayed in plain SQL through pg;
//   2. the price of the allocation triggers on the ledger (the balance, 0031; the report's kept
//      sums, 0065): 10,000 entries inserted by one INSERT … SELECT (what a batch approval does),
//      with the allocation triggers on, and with them off (the paying union written directly) —
//      both inside a transaction that is rolled back, so nothing is left behind.
// Prints lscpu's model and the load average: figures from a loaded machine are not comparable.
import { execSync } from "node:child_process";
import { loadavg } from "node:os";
import { assertReactServer, benchActors, captureStatements, runBench, table } from "./bench-support";

assertReactServer("lib/allocations/find-allocation-report.ts", "npm run bench:allocations", "scripts/bench-allocations.ts");
const RUNS = 5;
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await runBench(async (sql) => {
  const { findAllocationReport } = await import("@/lib/allocations/find-allocation-report");
  const cpu = (() => {
    try {
      return execSync("lscpu | grep 'Model name'", { encoding: "utf8" }).trim().replace(/\s+/g, " ");
    } catch {
      return "lscpu unavailable";
    }
  })();
  console.log(
    `${cpu}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const counts = (
    await sql.query<{ entries: string; allocations: string; files: string }>(
      "SELECT (SELECT count(*) FROM ledger_entry)::text AS entries, (SELECT count(*) FROM allocation)::text AS allocations, (SELECT count(*) FROM household_file)::text AS files",
    )
  ).rows[0]!;
  console.log(
    `ledger_entry ${Number(counts.entries).toLocaleString()} 行，allocation ${Number(counts.allocations).toLocaleString()} 行，household_file ${Number(counts.files).toLocaleString()} 行`,
  );

  const { city, province } = await benchActors(sql, "lz_official", { username: "bench_gs", name: "省级审批人", roles: ["OFFICIAL"] });
  const year = new Date().getFullYear();
  const period = { kind: "year" as const, from: `${year}-01-01`, to: `${year}-12-31`, label: `${year}年` };
  const rows: string[][] = [];
  for (const [label, actor] of [
    ["省（各市）", province],
    ["市（各县区）", city],
  ] as const) {
    await findAllocationReport(actor, { period });
    const times: number[] = [];
    let statements: Awaited<ReturnType<typeof captureStatements>> = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      statements = await captureStatements(() => findAllocationReport(actor, { period }));
      times.push(ms(t0));
    }
    const raw = statements.find((s) => s.text.includes("WITH nodes AS"));
    const plain: number[] = [];
    for (let i = 0; raw && i < RUNS; i++) {
      const t0 = performance.now();
      await sql.query(raw.text, raw.values as unknown[]);
      plain.push(ms(t0));
    }
    rows.push([`资金额度报表 ${label}`, median(times).toFixed(1), plain.length ? median(plain).toFixed(1) : "—"]);
  }

  // 2. 10,000 entries with and without the allocation triggers (rolled back).
  const caseworker = (await sql.query<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_caseworker'")).rows[0]!.id;
  for (const [label, on] of [
    ["10,000 条入账（额度触发器开启）", true],
    ["10,000 条入账（额度触发器关闭）", false],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sql.query("BEGIN");
      try {
        // Enough allocation for the run, as the demo gives; rolled back with the rest.
        await sql.query(
          "INSERT INTO allocation (organisation_id, kind, fund_source, amount_fen, entry_date, note) VALUES ($1, 'OPENING', 'UNION_FUNDS', 100000000, current_date, '基准测试')",
          [city.organisation.id],
        );
        if (!on)
          await sql.query(
            "ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_spend; ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_set_paying_organisation; ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_spent_sums",
          );
        // A data-modifying CTE is not allowed in LATERAL: disbursements first, then the entries.
        await sql.query(
          `CREATE TEMP TABLE bench_d ON COMMIT DROP AS
          WITH d AS (INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, status, recorded_by_id, decided_by_id, decided_at)
                     SELECT gen_random_uuid(), f.id, f.organisation_id, 'LIVING', 'UNION_FUNDS', 100, current_date, '基准测试', 'APPROVED', $2, $1, now()
                       FROM household_file f LIMIT 10000 RETURNING id, file_id, organisation_id)
          SELECT * FROM d`,
          [city.userId, caseworker],
        );
        const t1 = performance.now();
        await sql.query(
          `INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, disbursement_id, recorded_by_id, approved_by_id${on ? "" : ", paying_organisation_id"})
          SELECT organisation_id, file_id, 'LIVING', 'UNION_FUNDS', 100, current_date, '基准测试', id, $2, $1${on ? "" : ", $3"} FROM bench_d`,
          on ? [city.userId, caseworker] : [city.userId, caseworker, city.organisation.id],
        );
        times.push(ms(t1));
      } finally {
        await sql.query("ROLLBACK");
      }
    }
    rows.push([label, median(times).toFixed(1), "—"]);
  }
  table(["测量", "中位数 ms", "同一语句 pg 直接执行 ms"], rows, new Set([1, 2]));
});
