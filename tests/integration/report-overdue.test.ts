// Guards 逾期未复核 (overdue re-checks) of the report's work section, read since issue 28 from
// report_recheck_due (migration 0049: today's open files per organisation and re-check due date,
// kept by statement triggers on household_file) instead of counting household_file row by row.
// Six files of 2024, where the demo data has no open file due, each with its figure written out
// by hand: overdue is "open now, due before the period's end (or today, if sooner)". Then what
// moves a file in or out of the count — a re-check done (new due date), a resolved exit (渐退期),
// a transfer to a Tianshui union, a re-opening — and two caseworkers changing files of one union
// and one due date at once. A Tianshui auditor sees neither Lanzhou's rows nor picks Lanzhou.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { ZSubmitFilingData } from "@/lib/filing/schemas";
import { findReport } from "@/lib/reports/find-report";
import type { TPeriod } from "@/lib/reports/period";
import { actorFor } from "../support/factories";
import { startReportTest } from "../support/report-test";
import { filingValues } from "../support/filing-factory";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let provinceAuditor: TActor;
let lzAuditor: TActor;
let tsAuditor: TActor;
let org: Record<string, string>;
const file: Record<string, string> = {};
let seq = 0;

async function openFile(name: string, orgCode: string, due: string) {
  seq += 1;
  const data = ZSubmitFilingData.parse(filingValues(org[orgCode]!));
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, secondary_causes, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at,
       opened_at, updated_at, civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 2, 'CITY', 'URBAN', 'ILLNESS', '{}', 'DEEP', 'DEEP', $6, $6, '2024-01-10T04:00:00Z', $7,
       '2024-01-10T04:00:00Z', '2024-01-10T04:00:00Z', '2024-01-10T04:00:00Z', 'CONSISTENT', $8)
     RETURNING id`,
    [org[orgCode], `OD-${seq}`, JSON.stringify(data), name, data.members[0]!.residentId, caseworker.userId, official.userId, due],
  );
  file[name] = rows[0]!.id;
}

const month = (m: string): TPeriod => ({ kind: "month", from: `${m}-01`, to: m === "2024-11" ? "2024-11-30" : "2024-12-31", label: m });

/** Overdue per report row (by organisation code of the row) and in all. */
async function overdue(actor: TActor, period: TPeriod, orgCode?: string) {
  const report = await findReport(actor, { organisationId: orgCode ? org[orgCode] : undefined, period, groups: ["work"] });
  const rows: Record<string, number> = {};
  for (const r of report.work.rows) if (r.overdue) rows[r.name] = r.overdue;
  return rows;
}

beforeAll(async () => {
  ({ sql, caseworker, official, provinceAuditor, org } = await startReportTest(["GS", "GSLZ", "GSLZCG01", "GSLZQLH01", "GSTS", "GSTSQZ01"]));
  lzAuditor = await actorFor("lz_auditor");
  tsAuditor = await actorFor("ts_auditor");
  const { rows } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM household_file WHERE status = 'OPEN' AND next_check_due < '2025-01-01'");
  expect(rows[0]!.n, "the demo data has no open file due before 2025, so every figure below comes from these files").toBe(0);

  await openFile("L1", "GSLZCG01", "2024-11-15"); // overdue in November and December
  await openFile("L2", "GSLZCG01", "2024-12-10"); // December only
  await openFile("L3", "GSLZQLH01", "2024-12-31"); // due on December's last day: not yet overdue
  await openFile("L4", "GSLZCG01", "2024-12-10"); // exits below
  await openFile("L5", "GSLZCG01", "2024-12-10"); // the two caseworkers at once
  await openFile("T1", "GSTSQZ01", "2024-12-30"); // Tianshui, December
}, 60_000);

afterAll(async () => {
  await sql.end();
});

describe("逾期未复核 from report_recheck_due", () => {
  it("counts open files due before the period's end, per row, for the province and a city", async () => {
    expect(await overdue(provinceAuditor, month("2024-12"))).toEqual({ 兰州市总工会: 4, 天水市总工会: 1 });
    expect(await overdue(provinceAuditor, month("2024-11"))).toEqual({ 兰州市总工会: 1 });
    expect(await overdue(lzAuditor, month("2024-12"))).toEqual({ 城关区总工会: 4 });
    expect(await overdue(lzAuditor, month("2024-12"), "GSLZQLH01")).toEqual({});
  });

  it("a Tianshui auditor sees only Tianshui's files and cannot pick Lanzhou", async () => {
    expect(await overdue(tsAuditor, month("2024-12"))).toEqual({ 秦州区总工会: 1 });
    await expect(overdue(tsAuditor, month("2024-12"), "GSLZ")).rejects.toThrow("不在您的管辖范围内");
  });

  it("follows a re-check, a resolved exit, a transfer and a re-opening", async () => {
    // L2 re-checked: due again in June 2025.
    await sql.query("UPDATE household_file SET next_check_due = '2025-06-10' WHERE id = $1", [file.L2]);
    // L4 leaves hardship (脱困): observation, no longer open.
    await sql.query(
      `UPDATE household_file SET status = 'OBSERVATION', exit_reason = 'RESOLVED', exited_at = '2024-12-20T04:00:00Z', observation_until = '2025-06-20'
        WHERE id = $1`,
      [file.L4],
    );
    // L3 moves to a Tianshui union with an earlier due date.
    await sql.query("UPDATE household_file SET organisation_id = $2, next_check_due = '2024-12-01' WHERE id = $1", [file.L3, org.GSTSQZ01]);
    expect(await overdue(provinceAuditor, month("2024-12"))).toEqual({ 兰州市总工会: 2, 天水市总工会: 2 });
    expect(await overdue(lzAuditor, month("2024-12"))).toEqual({ 城关区总工会: 2 });
    expect(await overdue(tsAuditor, month("2024-12"))).toEqual({ 秦州区总工会: 2 });

    // L4 relapses (返困) and is open again, its re-check still due on December 10th.
    await sql.query(
      "UPDATE household_file SET status = 'OPEN', exit_reason = NULL, exited_at = NULL, observation_until = NULL, episode = episode + 1 WHERE id = $1",
      [file.L4],
    );
    expect(await overdue(provinceAuditor, month("2024-12"))).toEqual({ 兰州市总工会: 3, 天水市总工会: 2 });
  });

  it("two caseworkers re-checking files of one union and one due date at once both count", async () => {
    // L4 and L5 are both due on 2024-12-10 in GSLZCG01: each transaction subtracts one from that row.
    const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const b = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await Promise.all([a.query("BEGIN"), b.query("BEGIN")]);
      await a.query("UPDATE household_file SET next_check_due = '2025-07-01' WHERE id = $1", [file.L4]);
      const second = b.query("UPDATE household_file SET next_check_due = '2025-07-02' WHERE id = $1", [file.L5]);
      await a.query("COMMIT");
      await second;
      await b.query("COMMIT");
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    expect(await overdue(provinceAuditor, month("2024-12"))).toEqual({ 兰州市总工会: 1, 天水市总工会: 2 });
    const { rows } = await sql.query<{ files: number }>("SELECT files FROM report_recheck_due WHERE organisation_id = $1 AND due = '2024-12-10'", [
      org.GSLZCG01,
    ]);
    expect(rows).toEqual([{ files: 0 }]);
  });
});
