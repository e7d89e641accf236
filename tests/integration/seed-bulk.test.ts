// Guards `npm run seed -- --households N --ledger-entries M`, the bulk seed used to try the archive,
// the ledger and the benchmarks at scale: run as a user runs it (its command line, against this
// file's own database through DATABASE_URL / MIGRATION_DATABASE_URL), at a small size. What a user
// would notice if it broke: the command fails (as it did when the maker–checker triggers arrived and
// the seed still recorded the civil-affairs check and a batch's payment as the submitter), the
// archive's counts (household_file_tally) disagree with the files listed, a status is missing, the
// ledger's totals (ledger_daily_total, report_ledger_daily) disagree with its entries, or someone
// decided on their own work. Written against the command's behaviour, not the loader's internals.
import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_DIR } from "@/lib/db/paths";
import { batchReconDifferences } from "../support/batch-recon";
import { spentSumDifferences } from "../support/ledger-fixtures";

// 5% of households are still in review (submitted / reviewed / in publicity): 600 make ~30 of them, so
// each of the three states is all but certain to appear (organisation ids, and so the draw, differ per database).
const HOUSEHOLDS = 600;
const LEDGER_ENTRIES = 3000;

let sql: pg.Client;
let output = "";

// `npm run seed` on the embedded database loads the ledger on its superuser connection (skipped
// per-row checks, derived tables rebuilt after the load); with DATABASE_URL alone, as the owner.
// The first run takes the superuser path, the second the owner's.
const superuserUrl = `${inject("pgServerUrl")}${new URL(process.env.DATABASE_URL!).pathname}`;

function runSeed(args: string[], superuser = false): Promise<{ code: number | null; output: string }> {
  // node with tsx as a loader, as `npm run seed` runs it, minus the npm wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/seed.ts", ...args], {
    cwd: PROJECT_DIR,
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL,
      MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL,
      SEED_SUPERUSER_URL: superuser ? superuserUrl : "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output: text }));
  });
}

const tallyDifferences = () =>
  rows(`
    WITH direct AS (
      SELECT organisation_id, status, tier, file_level, worker_category, main_cause, count(*)::int AS files
        FROM household_file GROUP BY 1, 2, 3, 4, 5, 6),
    tally AS (
      SELECT organisation_id, status, tier, file_level, worker_category, main_cause, sum(files)::int AS files
        FROM household_file_tally GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(files) > 0)
    SELECT d.files AS direct, t.files AS tally
      FROM direct d FULL JOIN tally t
        ON (d.organisation_id, d.status) = (t.organisation_id, t.status)
       AND d.tier IS NOT DISTINCT FROM t.tier AND d.file_level IS NOT DISTINCT FROM t.file_level
       AND d.worker_category IS NOT DISTINCT FROM t.worker_category AND d.main_cause IS NOT DISTINCT FROM t.main_cause
     WHERE d.files IS DISTINCT FROM t.files`);

/**
 * The report tables the household triggers keep (migrations 0010, 0018, 0049), each beside the same
 * figure counted from the files and their events; each list holds the rows that differ. The
 * superuser load skips those triggers and updates the tables once after its last batch.
 */
async function reportDifferences() {
  const openNow = await rows(`
    WITH direct AS (
      SELECT organisation_id, tier, file_level, worker_category, main_cause, responsible_cadre_id IS NOT NULL AS paired, count(*)::int AS files
        FROM household_file WHERE status = 'OPEN' GROUP BY 1, 2, 3, 4, 5, 6)
    SELECT d.files, k.files AS kept FROM direct d
      FULL JOIN (SELECT * FROM report_open_now WHERE files <> 0) k
        ON d.organisation_id = k.organisation_id AND d.paired = k.paired AND d.tier IS NOT DISTINCT FROM k.tier
       AND d.file_level IS NOT DISTINCT FROM k.file_level AND d.worker_category IS NOT DISTINCT FROM k.worker_category
       AND d.main_cause IS NOT DISTINCT FROM k.main_cause
     WHERE d.files IS DISTINCT FROM k.files`);
  // Files open on a Shanghai day: +1 the day a file opened, −1 the day it left (its last change when no exit time is recorded).
  const moves = `
    moves AS (
      SELECT organisation_id, (coalesce(opened_at, approved_at, updated_at) AT TIME ZONE 'Asia/Shanghai')::date AS day, tier, file_level, worker_category, main_cause, 1 AS delta
        FROM household_file WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
      UNION ALL
      SELECT organisation_id, (coalesce(exited_at, updated_at) AT TIME ZONE 'Asia/Shanghai')::date, tier, file_level, worker_category, main_cause, -1
        FROM household_file WHERE status IN ('OBSERVATION', 'CLOSED'))`;
  const openDelta = await rows(`
    WITH ${moves},
    direct AS (SELECT organisation_id, day, tier, file_level, worker_category, main_cause, sum(delta)::int AS delta FROM moves GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(delta) <> 0),
    kept AS (SELECT organisation_id, day, tier, file_level, worker_category, main_cause, sum(delta)::int AS delta FROM report_open_delta GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(delta) <> 0)
    SELECT d.delta, k.delta AS kept FROM direct d
      FULL JOIN kept k ON d.organisation_id = k.organisation_id AND d.day = k.day AND d.tier IS NOT DISTINCT FROM k.tier
       AND d.file_level IS NOT DISTINCT FROM k.file_level AND d.worker_category IS NOT DISTINCT FROM k.worker_category
       AND d.main_cause IS NOT DISTINCT FROM k.main_cause
     WHERE d.delta IS DISTINCT FROM k.delta`);
  // The files open at the end of each kept month (0062), from the same moves.
  const openMonth = await rows(`
    WITH ${moves},
    direct AS (SELECT m.month, d.organisation_id, d.tier, d.file_level, d.worker_category, d.main_cause, sum(d.delta)::int AS files
                 FROM report_open_month_done m JOIN moves d ON d.day < m.month + interval '1 month' GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.delta) <> 0)
    SELECT d.month::text, d.files, k.files AS kept FROM direct d
      FULL JOIN (SELECT * FROM report_open_month WHERE files <> 0) k ON d.month = k.month AND d.organisation_id = k.organisation_id
       AND d.tier IS NOT DISTINCT FROM k.tier AND d.file_level IS NOT DISTINCT FROM k.file_level
       AND d.worker_category IS NOT DISTINCT FROM k.worker_category AND d.main_cause IS NOT DISTINCT FROM k.main_cause
     WHERE d.files IS DISTINCT FROM k.files`);
  // 新增 and 退出 per Shanghai day.
  const fileEvents = await rows(`
    WITH direct AS (
      SELECT organisation_id, (coalesce(opened_at, approved_at, updated_at) AT TIME ZONE 'Asia/Shanghai')::date AS day, 'NEW' AS kind, count(*)::int AS files
        FROM household_file WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED') GROUP BY 1, 2
      UNION ALL
      SELECT organisation_id, (coalesce(exited_at, updated_at) AT TIME ZONE 'Asia/Shanghai')::date, CASE WHEN exit_reason = 'RESOLVED' THEN 'EXIT_RESOLVED' ELSE 'EXIT_CANCELLED' END, count(*)::int
        FROM household_file WHERE exit_reason IS NOT NULL AND status IN ('OBSERVATION', 'CLOSED') GROUP BY 1, 2, 3),
    kept AS (SELECT organisation_id, day, kind, sum(files)::int AS files FROM report_file_event GROUP BY 1, 2, 3 HAVING sum(files) <> 0)
    SELECT d.files, k.files AS kept FROM direct d FULL JOIN kept k USING (organisation_id, day, kind) WHERE d.files IS DISTINCT FROM k.files`);
  // 审批: approvals per Shanghai day, with the days from the episode's last submission before each.
  const approvals = await rows(`
    WITH direct AS (
      SELECT f.organisation_id, (a.at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*)::int AS approvals,
             sum(extract(epoch FROM a.at - s.at) / 86400)::float8 AS days_sum
        FROM filing_event a JOIN household_file f ON f.id = a.file_id
        LEFT JOIN LATERAL (SELECT max(at) AS at FROM filing_event s WHERE s.file_id = a.file_id AND s.episode = a.episode AND s.kind = 'SUBMITTED' AND s.id < a.id) s ON true
       WHERE a.kind = 'APPROVED' GROUP BY 1, 2)
    SELECT d.approvals, k.approvals AS kept, d.days_sum, k.days_sum AS kept_days
      FROM direct d FULL JOIN (SELECT * FROM report_approval_daily WHERE approvals <> 0) k USING (organisation_id, day)
     WHERE d.approvals IS DISTINCT FROM k.approvals OR abs(d.days_sum - k.days_sum) > 1e-6`);
  return { openNow, openDelta, openMonth, fileEvents, approvals };
}

const numbering = async () =>
  (
    await rows<{ approved: number; numbered: number; distinct: number }>(
      `SELECT count(*) FILTER (WHERE approved_at IS NOT NULL)::int AS approved, count(file_number)::int AS numbered,
            count(DISTINCT file_number)::int AS distinct FROM household_file`,
    )
  )[0]!;

const rows = async <T extends pg.QueryResultRow>(text: string) => (await sql.query<T>(text)).rows;

/** The ledger's derived tables beside a direct count of the entries: each list holds the rows that differ. */
async function ledgerDifferences() {
  const daily = await rows(`
    WITH direct AS (
      SELECT organisation_id, entry_date, aid_type, fund_source, count(*)::int AS entries, sum(amount_fen)::bigint AS total_fen
        FROM ledger_entry GROUP BY 1, 2, 3, 4)
    SELECT d.entries, t.entries AS kept_entries, d.total_fen, t.total_fen AS kept_total
      FROM direct d FULL JOIN ledger_daily_total t USING (organisation_id, entry_date, aid_type, fund_source)
     WHERE (d.entries, d.total_fen) IS DISTINCT FROM (t.entries, t.total_fen)`);
  const report = await rows(`
    WITH direct AS (
      SELECT organisation_id, entry_date, aid_type, fund_source,
             count(*) FILTER (WHERE reverses_entry_id IS NULL)::int AS payments,
             count(*) FILTER (WHERE reverses_entry_id IS NOT NULL)::int AS reversals, sum(amount_fen)::bigint AS total_fen
        FROM ledger_entry GROUP BY 1, 2, 3, 4)
    SELECT d.*, r.payments AS kept_payments, r.reversals AS kept_reversals, r.total_fen AS kept_total
      FROM direct d FULL JOIN report_ledger_daily r USING (organisation_id, entry_date, aid_type, fund_source)
     WHERE (d.payments, d.reversals, d.total_fen) IS DISTINCT FROM (r.payments, r.reversals, r.total_fen)`);
  // 户数 and 人数 of each year (the report's yearly figures, migration 0018): households paid more
  // times than reversed that year, per paying organisation, and their household sizes.
  const people = await rows(`
    WITH paid AS (
      SELECT e.organisation_id, date_trunc('year', e.entry_date)::date AS year, e.file_id
        FROM ledger_entry e GROUP BY 1, 2, 3 HAVING sum(CASE WHEN e.reverses_entry_id IS NULL THEN 1 ELSE -1 END) > 0),
    direct AS (
      SELECT p.organisation_id, p.year, count(*)::int AS households, sum(f.household_size)::bigint AS persons
        FROM paid p JOIN household_file f ON f.id = p.file_id GROUP BY 1, 2),
    kept AS (
      SELECT organisation_id, period_start AS year, households, persons FROM report_ledger_count
       WHERE period_kind = 'Y' AND dim = 'A' AND (households <> 0 OR persons <> 0))
    SELECT * FROM direct d FULL JOIN kept k USING (organisation_id, year)
     WHERE (d.households, d.persons) IS DISTINCT FROM (k.households, k.persons)`);
  // What each household was paid per month, quarter and year and paying organisation, net of
  // reversals, in all and per aid type and fund: the state the counts are decided from (0018's
  // report_ledger_file_period; migration 0054 builds its one-type and one-fund documents apart).
  const periods = await rows(`
    WITH e AS (
      SELECT e.file_id, k.kind AS period_kind, date_trunc(k.unit, e.entry_date::timestamp)::date AS period_start, e.organisation_id,
             e.aid_type::text AS aid_type, e.fund_source::text AS fund_source, CASE WHEN e.reverses_entry_id IS NULL THEN 1 ELSE -1 END AS v
        FROM ledger_entry e CROSS JOIN (VALUES ('M', 'month'), ('Q', 'quarter'), ('Y', 'year')) k(kind, unit)),
    nets AS (
      SELECT file_id, period_kind, period_start, organisation_id, 'T' AS dim, aid_type AS key, sum(v)::int AS n FROM e GROUP BY 1, 2, 3, 4, 6
      UNION ALL
      SELECT file_id, period_kind, period_start, organisation_id, 'F', fund_source, sum(v)::int FROM e GROUP BY 1, 2, 3, 4, 6),
    direct AS (
      SELECT file_id, period_kind, period_start, organisation_id, sum(n) FILTER (WHERE dim = 'T')::int AS times,
             jsonb_object_agg(key, n) FILTER (WHERE dim = 'T') AS by_type, jsonb_object_agg(key, n) FILTER (WHERE dim = 'F') AS by_fund
        FROM nets GROUP BY 1, 2, 3, 4)
    SELECT d.times, k.times AS kept_times, d.by_type, k.by_type AS kept_type, d.by_fund, k.by_fund AS kept_fund
      FROM direct d FULL JOIN report_ledger_file_period k USING (file_id, period_kind, period_start, organisation_id)
     WHERE (d.times, d.by_type, d.by_fund) IS DISTINCT FROM (k.times, k.by_type, k.by_fund)`);
  // 资金额度使用情况's 实际支出, 银行退回 and 未领取退回 per paying union, fund and day, and per month
  // (migration 0065; the superuser load leaves its trigger off and calls allocation_spent_rebuild()).
  const spent = await spentSumDifferences(sql);
  return { daily, report, people, periods, spent };
}

const LOADED = ["household_file", "file_person", "filing_event", "tier_decision"];
const indexes = async (client: pg.Client) =>
  (await client.query<{ def: string }>("SELECT indexdef AS def FROM pg_indexes WHERE tablename = ANY ($1) ORDER BY indexname", [LOADED])).rows.map(
    (r) => r.def,
  );
let indexesBefore: string[] = [];

beforeAll(async () => {
  // The superuser load drops the secondary and constraint-less unique indexes and builds them again.
  const probe = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await probe.connect();
  indexesBefore = await indexes(probe);
  await probe.end();
  const run = await runSeed(["--households", String(HOUSEHOLDS), "--ledger-entries", String(LEDGER_ENTRIES), "--seed", "20261202"], true);
  output = run.output;
  if (run.code !== 0) throw new Error(`npm run seed exited with ${run.code}:\n${output}`);
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  await sql?.end();
});

describe("npm run seed -- --households --ledger-entries", () => {
  it("files the households asked for, in every status a file passes through", async () => {
    const byStatus = await rows<{ status: string; n: number }>("SELECT status::text, count(*)::int AS n FROM household_file GROUP BY 1");
    const counts = Object.fromEntries(byStatus.map((s) => [s.status, s.n]));
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(HOUSEHOLDS);
    for (const status of ["SUBMITTED", "REVIEWED", "PUBLICITY", "OPEN", "CLOSED"])
      expect(counts[status] ?? 0, `${status} in ${JSON.stringify(counts)}`).toBeGreaterThan(0);
    // Every file that was approved has a number, and no number twice.
    const numbers = await numbering();
    expect(numbers.approved).toBeGreaterThan(0);
    expect(numbers.numbered).toBe(numbers.approved);
    expect(numbers.distinct).toBe(numbers.numbered);
    // Every index of the loaded tables is back as it was, the one-file rules among them.
    expect(indexesBefore.length).toBeGreaterThan(20);
    expect(await indexes(sql)).toEqual(indexesBefore);
    expect(indexesBefore.join("\n")).toContain("UNIQUE INDEX file_person_one_active_file");
    // 一人一档: nobody is held by two files.
    const [twice] = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM (SELECT resident_id FROM file_person WHERE holds GROUP BY 1 HAVING count(*) > 1) d",
    );
    expect(twice!.n).toBe(0);
  });

  it("gives each person, file and count what the database's own triggers give them, though the superuser load skips them per row", async () => {
    expect(output).toContain("跳过逐行外键检查与 household_file_publicity_token_on_insert");
    // file_person_set_name: the member's name in the file's document; file_person_set_holds: whether the file's status holds.
    const [people] = await rows<{ checked: number; names: number; holds: number }>(`
      SELECT count(*)::int AS checked,
             count(*) FILTER (WHERE p.name IS DISTINCT FROM (SELECT nullif(btrim(m ->> 'name'), '') FROM jsonb_array_elements(f.data -> 'members') m
                                                             WHERE m ->> 'residentId' = p.resident_id LIMIT 1))::int AS names,
             count(*) FILTER (WHERE p.holds <> (f.status IN ('SUBMITTED', 'REVIEWED', 'PUBLICITY', 'OPEN', 'OBSERVATION')))::int AS holds
        FROM file_person p JOIN household_file f ON f.id = p.file_id`);
    expect(people!.checked).toBeGreaterThan(HOUSEHOLDS);
    expect(people).toMatchObject({ names: 0, holds: 0 });
    const [named] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM file_person WHERE name IS NULL");
    expect(named!.n).toBe(0);
    // A publicity link for the files in publicity, none for the others.
    const [tokens] = await rows<{ publicity: number; without: number; others: number }>(`
      SELECT count(*) FILTER (WHERE status = 'PUBLICITY')::int AS publicity,
             count(*) FILTER (WHERE status = 'PUBLICITY' AND publicity_token IS NULL)::int AS without,
             count(*) FILTER (WHERE status <> 'PUBLICITY' AND publicity_token IS NOT NULL)::int AS others FROM household_file`);
    expect(tokens!.publicity).toBeGreaterThan(0);
    expect(tokens).toMatchObject({ without: 0, others: 0 });
    // 逾期未复核's counts (report_recheck_due, kept by a statement trigger) against the open files themselves.
    expect(
      await rows(`
        WITH direct AS (SELECT organisation_id, next_check_due AS due, count(*)::int AS files FROM household_file
                         WHERE status = 'OPEN' AND next_check_due IS NOT NULL GROUP BY 1, 2)
        SELECT d.files, r.files AS kept FROM direct d FULL JOIN (SELECT * FROM report_recheck_due WHERE files <> 0) r USING (organisation_id, due)
         WHERE d.files IS DISTINCT FROM r.files`),
    ).toEqual([]);
  });

  it("keeps the archive's counts equal to the files themselves", async () => {
    // Every combination the tally keeps, counted both ways; a full join shows any difference.
    expect(await tallyDifferences()).toEqual([]);
    // The superuser load updates these once after its last batch instead of per statement.
    expect(output).toContain("不逐批执行，写完后按全部新档案整体更新统计表");
    expect(await reportDifferences()).toEqual({ openNow: [], openDelta: [], openMonth: [], fileEvents: [], approvals: [] });
    const [open] = await rows<{ n: number }>("SELECT coalesce(sum(files), 0)::int AS n FROM report_open_now");
    expect(open!.n).toBeGreaterThan(HOUSEHOLDS / 2);
    // The files were opened over past years: their months are kept already.
    const [months] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM report_open_month_done");
    expect(months!.n).toBeGreaterThan(12);
    const [total] = await rows<{ n: number }>("SELECT sum(files)::int AS n FROM household_file_tally");
    expect(total!.n).toBe(HOUSEHOLDS);
  });

  it("writes the ledger entries asked for, with totals equal to their sums", async () => {
    const [count] = await rows<{ n: number; reversals: number }>("SELECT count(*)::int AS n, count(reverses_entry_id)::int AS reversals FROM ledger_entry");
    // The loader draws entries month by month and may end a little short of the target; what it
    // reports is what is there.
    expect(count!.n).toBeLessThanOrEqual(LEDGER_ENTRIES);
    expect(count!.n).toBeGreaterThanOrEqual(LEDGER_ENTRIES * 0.95);
    expect(count!.reversals).toBeGreaterThan(0);
    expect(output).toContain(`ledger_entry 现有 ${count!.n.toLocaleString()} 行`);
    expect(output).toContain("超级用户连接：跳过逐行外键检查");

    expect(await ledgerDifferences()).toEqual({ daily: [], report: [], people: [], periods: [], spent: [] });
    expect(output).toContain("allocation_spent_rebuild()");
    // 资金对账's per-batch sums (migration 0064), which the superuser load rebuilds after its last month.
    expect(await batchReconDifferences(sql)).toEqual([]);
    const [recon] = await rows<{ batches: number; lines: number }>("SELECT count(*)::int AS batches, sum(approved_lines)::int AS lines FROM batch_recon");
    expect(recon!.batches).toBeGreaterThan(0);
    expect(recon!.lines).toBeGreaterThan(LEDGER_ENTRIES / 2);
    // Both kinds of period were compared: paid with one aid type, and with several.
    const [docs] = await rows<{ one: number; several: number }>(`
      SELECT count(*) FILTER (WHERE k = 1)::int AS one, count(*) FILTER (WHERE k > 1)::int AS several
        FROM (SELECT (SELECT count(*) FROM jsonb_object_keys(by_type)) AS k FROM report_ledger_file_period) x`);
    expect(docs!.one).toBeGreaterThan(0);
    expect(docs!.several).toBeGreaterThan(0);

    // A reversal undoes exactly one payment, by its exact negative.
    const [reversals] = await rows<{ bad: number; twice: number }>(`
      SELECT count(*) FILTER (WHERE o.id IS NULL OR r.amount_fen <> -o.amount_fen OR o.reverses_entry_id IS NOT NULL)::int AS bad,
             (SELECT count(*)::int FROM (SELECT reverses_entry_id FROM ledger_entry WHERE reverses_entry_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d) AS twice
        FROM ledger_entry r LEFT JOIN ledger_entry o ON o.id = r.reverses_entry_id
       WHERE r.reverses_entry_id IS NOT NULL`);
    expect(reversals).toEqual({ bad: 0, twice: 0 });
  });

  it("vacuums the tables its triggers and rebuilds filled, which it used to leave for autovacuum", async () => {
    // The loader vacuumed the tables it writes itself; these it fills indirectly were left with an
    // empty visibility map (index-only scans of the reports and the workbench visit the heap) and,
    // for some, no statistics at all. last_vacuum is set only by a VACUUM someone ran, never by
    // autovacuum; the seed's backend has exited, and its statistics reach the view when it flushes
    // them, so this waits up to 10 s for them.
    const tables = ["household_file_tally", "tier_decision", "report_open_now", "report_recheck_due", "report_ledger_daily", "report_ledger_file_period"];
    const unvacuumed = () =>
      rows(`SELECT relname FROM pg_stat_user_tables WHERE relname IN (${tables.map((t) => `'${t}'`).join(", ")}) AND last_vacuum IS NULL ORDER BY relname`);
    let left = await unvacuumed();
    for (let i = 0; i < 20 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await sql.query("SELECT pg_stat_clear_snapshot()");
      left = await unvacuumed();
    }
    expect(left).toEqual([]);
    expect(output).toMatch(/其余写过的表 VACUUM ANALYZE \d+ 张/);
  });

  it("never lets the submitter or recorder take a later step (maker–checker)", async () => {
    const [filing] = await rows<{ n: number; checked: number }>(`
      SELECT count(*) FILTER (WHERE e.actor_id = f.submitted_by_id OR e.actor_id = s.actor_id)::int AS n, count(*)::int AS checked
        FROM filing_event e
        JOIN household_file f ON f.id = e.file_id
        LEFT JOIN LATERAL (SELECT actor_id FROM filing_event s WHERE s.file_id = e.file_id AND s.episode = e.episode AND s.kind = 'SUBMITTED'
                            ORDER BY s.id DESC LIMIT 1) s ON true
       WHERE e.kind IN ('REVIEWED', 'PUBLICITY_STARTED', 'CIVIL_CHECK_RECORDED', 'OBJECTION_RESOLVED', 'APPROVED', 'REJECTED')`);
    expect(filing!.checked).toBeGreaterThan(HOUSEHOLDS);
    expect(filing!.n).toBe(0);

    const [civil] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM filing_event WHERE kind = 'CIVIL_CHECK_RECORDED'");
    expect(civil!.n).toBeGreaterThan(0);

    const [ledger] = await rows<{ entries: number; disbursements: number; batches: number; paid: number }>(`
      SELECT (SELECT count(*)::int FROM ledger_entry WHERE approved_by_id = recorded_by_id) AS entries,
             (SELECT count(*)::int FROM disbursement WHERE decided_by_id = recorded_by_id) AS disbursements,
             (SELECT count(*)::int FROM disbursement_batch
               WHERE approved_by_id IN (created_by_id, submitted_by_id) OR paid_by_id IN (created_by_id, submitted_by_id)) AS batches,
             (SELECT count(*)::int FROM disbursement_batch WHERE status = 'PAID') AS paid`);
    expect(ledger).toMatchObject({ entries: 0, disbursements: 0, batches: 0 });
    expect(ledger!.paid).toBeGreaterThan(0);
  });

  it("runs again on the same database as the owner: more households, numbers continue, the ledger topped up to its target", async () => {
    const [before] = await rows<{ entries: number }>("SELECT count(*)::int AS entries FROM ledger_entry");
    const unchanged = await runSeed(["--ledger-entries", String(before!.entries)]);
    expect(unchanged.output).toContain("不再写入");
    const run = await runSeed(["--households", "40", "--ledger-entries", String(before!.entries + 400), "--seed", "7"]);
    expect(run.code, run.output).toBe(0);
    const [files] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM household_file");
    expect(files!.n).toBe(HOUSEHOLDS + 40);
    const numbers = await numbering();
    expect(numbers.numbered).toBe(numbers.approved);
    expect(numbers.distinct).toBe(numbers.numbered);
    expect(await tallyDifferences()).toEqual([]);
    expect(await reportDifferences()).toEqual({ openNow: [], openDelta: [], openMonth: [], fileEvents: [], approvals: [] });
    expect(run.output).toContain("非超级用户连接");
    const [after] = await rows<{ entries: number }>("SELECT count(*)::int AS entries FROM ledger_entry");
    expect(after!.entries).toBeGreaterThan(before!.entries);
    expect(after!.entries).toBeLessThanOrEqual(before!.entries + 400);
    expect(await ledgerDifferences()).toEqual({ daily: [], report: [], people: [], periods: [], spent: [] });
    expect(await batchReconDifferences(sql)).toEqual([]);
  }, 300_000);
});
