// Guards 资金发放's sums since issue 28: a report reads its whole calendar months from
// report_ledger_monthly (migration 0049, kept by a statement trigger on ledger_entry) and only the
// days of a partial first or last month from report_ledger_daily. Payments of 2024, where the demo
// data pays nothing, on both sides of month ends (Beijing dates), a reversal in the next month, a
// Tianshui union beside a Lanzhou one, and two approvals into the same month's row at once; every
// expected figure is written out by hand from the entries below.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { ZSubmitFilingData } from "@/lib/filing/schemas";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { findReport } from "@/lib/reports/find-report";
import type { TPeriod } from "@/lib/reports/period";
import { expectNoDemoPaymentsBeforeMid2025, startReportTest } from "../support/report-test";
import { filingValues } from "../support/filing-factory";
import { insertApprovedPayment } from "../support/ledger-fixtures";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let provinceAuditor: TActor;
let org: Record<string, string>;
const file: Record<string, string> = {};

async function household(name: string, orgCode: string) {
  const data = ZSubmitFilingData.parse(filingValues(org[orgCode]!));
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, secondary_causes, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at,
       opened_at, updated_at, civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 2, 'CITY', 'URBAN', 'ILLNESS', '{}', 'DEEP', 'DEEP', $6, $6, '2024-06-01T04:00:00Z', $7,
       '2024-06-01T04:00:00Z', '2024-06-01T04:00:00Z', '2024-06-01T04:00:00Z', 'CONSISTENT', '2025-06-01')
     RETURNING id`,
    [org[orgCode], `MS-${name}`, JSON.stringify(data), name, data.members[0]!.residentId, caseworker.userId, official.userId],
  );
  file[name] = rows[0]!.id;
}

const payment = (name: string, orgCode: string, entryDate: string, amountFen: number, aidType: AidType = "LIVING", fundSource: FundSource = "UNION_FUNDS") => ({
  fileId: file[name]!,
  organisationId: org[orgCode]!,
  aidType,
  fundSource,
  amountFen,
  entryDate,
  purpose: "测试",
  recordedById: caseworker.userId,
  approvedById: official.userId,
});

const range = (from: string, to: string): TPeriod => ({ kind: "range", from, to, label: "" });

async function money(from: string, to: string) {
  const report = await findReport(provinceAuditor, { period: range(from, to), groups: ["money"] });
  return {
    rows: Object.fromEntries(report.money.rows.filter((r) => r.times || r.amountFen).map((r) => [r.name, [r.amountFen, r.times]])),
    total: [report.money.total.amountFen, report.money.total.times],
  };
}

beforeAll(async () => {
  ({ sql, caseworker, official, provinceAuditor, org } = await startReportTest(["GSLZCG01", "GSTSQZ01"]));
  await expectNoDemoPaymentsBeforeMid2025(sql);

  await household("H1", "GSLZCG01");
  await household("H2", "GSTSQZ01");
  await household("H3", "GSLZCG01");
  await household("H4", "GSLZCG01");
  const { entryId } = await insertApprovedPayment(sql, payment("H1", "GSLZCG01", "2024-11-30", 10_000));
  await insertApprovedPayment(sql, payment("H1", "GSLZCG01", "2024-12-01", 10_000));
  await insertApprovedPayment(sql, payment("H2", "GSTSQZ01", "2024-12-15", 20_000, "MEDICAL", "CENTRAL_SPECIAL"));
  // The November payment reversed in January.
  await insertApprovedPayment(sql, { ...payment("H1", "GSLZCG01", "2025-01-02", -10_000), purpose: "冲正", reverses: { entryId, reason: "录入错误" } });

  // Two officials approving into the same month's row (GSLZCG01, December, 生活, 工会经费) at once.
  const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const b = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await Promise.all([a.connect(), b.connect()]);
  try {
    await Promise.all([a.query("BEGIN"), b.query("BEGIN")]);
    await insertApprovedPayment(a, payment("H3", "GSLZCG01", "2024-12-20", 3_000));
    const second = insertApprovedPayment(b, payment("H4", "GSLZCG01", "2024-12-31", 4_000));
    await a.query("COMMIT");
    await second;
    await b.query("COMMIT");
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}, 60_000);

afterAll(async () => {
  await sql.end();
});

describe("资金发放 sums from whole months and partial days", () => {
  it("keeps one row per organisation, month, aid type and fund, both approvals counted", async () => {
    const { rows } = await sql.query(
      `SELECT o.code, m.month::text, m.aid_type::text, m.fund_source::text, m.payments, m.reversals, m.total_fen::int AS total
         FROM report_ledger_monthly m JOIN organisation o ON o.id = m.organisation_id WHERE m.month < '2025-06-01' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { code: "GSLZCG01", month: "2024-11-01", aid_type: "LIVING", fund_source: "UNION_FUNDS", payments: 1, reversals: 0, total: 10_000 },
      { code: "GSLZCG01", month: "2024-12-01", aid_type: "LIVING", fund_source: "UNION_FUNDS", payments: 3, reversals: 0, total: 17_000 },
      { code: "GSLZCG01", month: "2025-01-01", aid_type: "LIVING", fund_source: "UNION_FUNDS", payments: 0, reversals: 1, total: -10_000 },
      { code: "GSTSQZ01", month: "2024-12-01", aid_type: "MEDICAL", fund_source: "CENTRAL_SPECIAL", payments: 1, reversals: 0, total: 20_000 },
    ]);
  });

  it("adds whole months and the days around them exactly once", async () => {
    // December whole; November 15–30 and January 1–10 from the days.
    expect(await money("2024-11-15", "2025-01-10")).toEqual({ rows: { 兰州市总工会: [17_000, 3], 天水市总工会: [20_000, 1] }, total: [37_000, 4] });
    // The calendar month of December.
    expect(await money("2024-12-01", "2024-12-31")).toEqual({ rows: { 兰州市总工会: [17_000, 3], 天水市总工会: [20_000, 1] }, total: [37_000, 4] });
    // Two days across a month end: no whole month.
    expect(await money("2024-11-30", "2024-12-01")).toEqual({ rows: { 兰州市总工会: [20_000, 2] }, total: [20_000, 2] });
    // November and December whole, the reversal's January outside.
    expect(await money("2024-11-01", "2024-12-31")).toEqual({ rows: { 兰州市总工会: [27_000, 4], 天水市总工会: [20_000, 1] }, total: [47_000, 5] });
    // December's last day alone, inside one month.
    expect(await money("2024-12-31", "2024-12-31")).toEqual({ rows: { 兰州市总工会: [4_000, 1] }, total: [4_000, 1] });
  });

  it("equals the migration's backfill from the daily sums", async () => {
    const kept = await sql.query("SELECT * FROM report_ledger_monthly ORDER BY 1, 2, 3, 4");
    await sql.query("BEGIN");
    try {
      await sql.query("DELETE FROM report_ledger_monthly");
      await sql.query(`INSERT INTO report_ledger_monthly (organisation_id, month, aid_type, fund_source, payments, reversals, total_fen)
        SELECT organisation_id, date_trunc('month', entry_date::timestamp)::date, aid_type, fund_source, sum(payments), sum(reversals), sum(total_fen)
          FROM report_ledger_daily GROUP BY 1, 2, 3, 4`);
      const rebuilt = await sql.query("SELECT * FROM report_ledger_monthly ORDER BY 1, 2, 3, 4");
      expect(rebuilt.rows).toEqual(kept.rows);
    } finally {
      await sql.query("ROLLBACK");
    }
  });
});
