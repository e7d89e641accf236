// Guards the money figures of a report for a range that is not a calendar month, quarter or year
// (自定义: a 30-day window, a 送温暖 season across the new year) — the reading of the period's
// entries rewritten for issue 28 (decision 031). Seven households are paid in 2024–2025, where the
// demo data pays nothing, and every expected figure below is written out by hand from the entries
// listed here: a household paid twice (counted once), one paid by a Lanzhou and a Tianshui union
// (once in the province's total, once in each city's row), a payment reversed the same day, a
// payment made before the range and reversed inside it, two students one of whom is paid by two
// unions, and entries on the first and last day of a range beside entries on the days just outside.
// Ranges are calendar dates in China: H1 leaves hardship (脱困) at 00:30 Beijing time on 2024-11-21,
// still the 20th in UTC, so its payment of the 20th is not aid in its observation period (渐退期)
// and its payment of December 10th is.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { findReport, type TReport } from "@/lib/reports/find-report";
import type { TPeriod } from "@/lib/reports/period";
import { actorFor } from "../support/factories";
import { expectNoDemoPaymentsBeforeMid2025, startReportTest } from "../support/report-test";
import { insertOpenFile } from "../support/open-file";
import { insertApprovedPayment } from "../support/ledger-fixtures";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let provinceAuditor: TActor;
let lzAuditor: TActor;
let tsAuditor: TActor;
let org: Record<string, string>;
const file: Record<string, string> = {};

async function household(name: string, orgCode: string, size: number) {
  const opened = await insertOpenFile(sql, { caseworker, official }, org[orgCode]!, {}, { householdSize: size, openedAt: "2024-06-01T04:00:00Z" });
  file[name] = opened.fileId;
}

async function pay(name: string, orgCode: string, entryDate: string, aidType: AidType, fundSource: FundSource, amountFen: number, student?: string) {
  const base = {
    fileId: file[name]!,
    organisationId: org[orgCode]!,
    aidType,
    fundSource,
    studentResidentId: student ?? null,
    recordedById: caseworker.userId,
    approvedById: official.userId,
  };
  const { entryId } = await insertApprovedPayment(sql, { ...base, amountFen, entryDate, purpose: "测试" });
  return {
    reverse: (on: string) =>
      insertApprovedPayment(sql, { ...base, amountFen: -amountFen, entryDate: on, purpose: "冲正", reverses: { entryId, reason: "录入错误" } }),
  };
}

// Students (助学) by resident ID: S1 is paid by a Tianshui and a Lanzhou union.
const S1 = "620102201001010011";
const S2 = "620502201102020022";

beforeAll(async () => {
  ({ sql, caseworker, official, provinceAuditor, org } = await startReportTest([
    "GS",
    "GSLZ",
    "GSLZCG",
    "GSLZCG01",
    "GSLZQLH",
    "GSLZQLH01",
    "GSTS",
    "GSTSQZ01",
  ]));
  lzAuditor = await actorFor("lz_auditor");
  tsAuditor = await actorFor("ts_auditor");
  await expectNoDemoPaymentsBeforeMid2025(sql);

  await household("H1", "GSLZCG01", 3);
  await household("H2", "GSLZCG01", 2);
  await household("H3", "GSLZCG01", 4);
  await household("H4", "GSLZQLH01", 1);
  await household("H5", "GSLZQLH01", 5);
  await household("H6", "GSTSQZ01", 2);
  await household("H7", "GSLZCG01", 3);

  // H1: paid on the first day of the 30-day range and again inside it, and in January.
  await pay("H1", "GSLZCG01", "2024-11-20", "LIVING", "UNION_FUNDS", 10_000);
  await pay("H1", "GSLZCG01", "2024-12-10", "LIVING", "UNION_FUNDS", 10_000);
  await pay("H1", "GSLZCG01", "2025-01-10", "LIVING", "UNION_FUNDS", 10_000);
  // H2: paid the day before and the day after the 30-day range; in the season on its first days and its last day, and the day after it.
  await pay("H2", "GSLZCG01", "2024-11-19", "MEDICAL", "CENTRAL_SPECIAL", 20_000);
  await pay("H2", "GSLZCG01", "2024-12-20", "MEDICAL", "CENTRAL_SPECIAL", 20_000);
  await pay("H2", "GSLZCG01", "2025-02-15", "MEDICAL", "CENTRAL_SPECIAL", 20_000);
  await pay("H2", "GSLZCG01", "2025-02-16", "MEDICAL", "CENTRAL_SPECIAL", 20_000);
  // H3: paid by its Lanzhou union, then by a Tianshui union.
  await pay("H3", "GSLZCG01", "2024-12-01", "LIVING", "UNION_FUNDS", 30_000);
  await pay("H3", "GSTSQZ01", "2024-12-05", "LIVING", "UNION_FUNDS", 30_000);
  // H4: paid and reversed on the 30-day range's last day: no household, no payment, no amount.
  await (await pay("H4", "GSLZQLH01", "2024-12-19", "EMERGENCY", "DONATION", 40_000)).reverse("2024-12-19");
  // H5: paid before the 30-day range and reversed inside it, then paid 送温暖 inside it.
  await (await pay("H5", "GSLZQLH01", "2024-11-10", "LIVING", "UNION_FUNDS", 50_000)).reverse("2024-11-25");
  await pay("H5", "GSLZQLH01", "2024-12-12", "WARMTH", "WARMTH_FUND", 60_000);
  // H6: two students of one household, S1 paid twice in the range and once in January.
  await pay("H6", "GSTSQZ01", "2024-12-02", "EDUCATION", "CENTRAL_SPECIAL", 7_000, S1);
  await pay("H6", "GSTSQZ01", "2024-12-03", "EDUCATION", "CENTRAL_SPECIAL", 8_000, S2);
  await pay("H6", "GSTSQZ01", "2024-12-15", "EDUCATION", "CENTRAL_SPECIAL", 9_000, S1);
  await pay("H6", "GSTSQZ01", "2025-01-20", "EDUCATION", "CENTRAL_SPECIAL", 9_000, S1);
  // H7: S1 again, paid by a Lanzhou union for another household.
  await pay("H7", "GSLZCG01", "2024-12-04", "EDUCATION", "DONATION", 11_000, S1);
  await sql.query(
    `UPDATE household_file SET status = 'OBSERVATION', exit_reason = 'RESOLVED', exited_at = '2024-11-20T16:30:00Z', observation_until = '2025-11-21',
            updated_at = '2024-11-20T16:30:00Z' WHERE id = $1`,
    [file.H1],
  );
}, 120_000);

afterAll(async () => {
  await sql.end();
});

const range = (from: string, to: string): TPeriod => ({ kind: "range", from, to, label: `${from}–${to}` });
const moneyOf = (report: TReport) => ({
  rows: Object.fromEntries(
    report.money.rows.map((r) => [r.name, { amountFen: r.amountFen, times: r.times, households: r.households, persons: r.persons, students: r.students }]),
  ),
  total: (({ amountFen, times, households, persons, students }) => ({ amountFen, times, households, persons, students }))(report.money.total),
  observation: [report.money.total.observationFen, report.money.total.observationTimes],
  byType: Object.fromEntries(report.money.byType.map((t) => [t.aidType, [t.households, t.persons, t.amountFen, t.times]])),
  byFund: Object.fromEntries(report.money.byFund.map((f) => [f.fundSource, f.households])),
});

describe("a 30-day range cutting two months (2024-11-20 to 2024-12-19)", () => {
  const period = range("2024-11-20", "2024-12-19");

  it("counts each household once in the province, once per city row, with the reversals netted", async () => {
    const money = moneyOf(await findReport(provinceAuditor, { organisationId: org.GS, period, groups: ["money"] }));
    expect(money.rows).toEqual({
      // H1 (twice), H3 (its Lanzhou payment), H7; H4 paid and reversed, H5 reversed and paid again: net 0.
      兰州市总工会: { amountFen: 71_000, times: 4, households: 3, persons: 10, students: 1 },
      // H3 (its Tianshui payment), H6 (three payments, students S1 and S2).
      天水市总工会: { amountFen: 54_000, times: 4, households: 2, persons: 6, students: 2 },
    });
    // H1, H3 (paid in both cities: once), H6, H7; S1 (paid in both cities: once) and S2.
    expect(money.total).toEqual({ amountFen: 125_000, times: 8, households: 4, persons: 12, students: 2 });
    expect(money.byType).toEqual({
      LIVING: [2, 7, 30_000, 3], // H1, H3; H5's reversal of a November payment takes one payment off
      WARMTH: [1, 5, 60_000, 1], // H5: helped with 送温暖 in the range although its net over every type is 0
      EMERGENCY: [0, 0, 0, 0], // H4: paid and reversed
      EDUCATION: [2, 5, 35_000, 4], // H6, H7
    });
    expect(money.byFund).toEqual({ UNION_FUNDS: 2, WARMTH_FUND: 1, DONATION: 1, CENTRAL_SPECIAL: 1 });
    // H1's December 10th payment; its payment of November 20th was made before it left hardship (Beijing time).
    expect(money.observation).toEqual([10_000, 1]);
  });

  it("gives a city's districts their own rows, and a Lanzhou auditor the same figures as the province's Lanzhou row", async () => {
    const money = moneyOf(await findReport(lzAuditor, { period, groups: ["money"] }));
    expect(money.rows).toEqual({
      城关区总工会: { amountFen: 61_000, times: 4, households: 3, persons: 10, students: 1 },
      西固区总工会: { amountFen: 0, times: 0, households: 0, persons: 0, students: 0 },
      七里河区总工会: { amountFen: 10_000, times: 0, households: 0, persons: 0, students: 0 },
    });
    expect(money.total).toEqual({ amountFen: 71_000, times: 4, households: 3, persons: 10, students: 1 });
  });

  it("shows Tianshui only its own payments, and refuses Lanzhou to a Tianshui auditor", async () => {
    const money = moneyOf(await findReport(tsAuditor, { period, groups: ["money"] }));
    expect(money.total).toEqual({ amountFen: 54_000, times: 4, households: 2, persons: 6, students: 2 });
    expect(money.observation).toEqual([0, 0]);
    await expect(findReport(tsAuditor, { organisationId: org.GSLZ, period, groups: ["money"] })).rejects.toThrow("不在您的管辖范围内");
  });

  it("refuses a caseworker's report of another city as well", async () => {
    await expect(findReport(caseworker, { organisationId: org.GSTS, period, groups: ["money"] })).rejects.toThrow("不在您的管辖范围内");
  });
});

describe("a 送温暖 season across the new year (2024-12-15 to 2025-02-15)", () => {
  it("counts a household paid in three months once, and stops at the season's last day", async () => {
    const money = moneyOf(await findReport(provinceAuditor, { organisationId: org.GS, period: range("2024-12-15", "2025-02-15"), groups: ["money"] }));
    expect(money.rows).toEqual({
      // H1 (January), H2 (December 20 and February 15, not the 16th), H4 (paid and reversed).
      兰州市总工会: { amountFen: 50_000, times: 3, households: 2, persons: 5, students: 0 },
      // H6: S1 on December 15 and January 20.
      天水市总工会: { amountFen: 18_000, times: 2, households: 1, persons: 2, students: 1 },
    });
    expect(money.total).toEqual({ amountFen: 68_000, times: 5, households: 3, persons: 7, students: 1 });
    expect(money.observation).toEqual([10_000, 1]); // H1 in January
  });
});

describe("a range one day short of December and the month itself", () => {
  // December 2024 has no entries on the 31st: the range (read from the entries) and the month (read
  // from the counts of migration 0018) must give the same figures, written out here once.
  // H1, H2 (the 20th), H3 (both unions), H4 (net 0: not counted), H5 (its reversal was in November), H6, H7.
  const december = { amountFen: 185_000, times: 9, households: 6, persons: 19, students: 2 };
  it.each([
    ["the range 2024-12-01 to 2024-12-30", range("2024-12-01", "2024-12-30")],
    ["the month", { kind: "month", from: "2024-12-01", to: "2024-12-31", label: "2024年12月" } satisfies TPeriod],
  ])("%s", async (_, period) => {
    const money = moneyOf(await findReport(provinceAuditor, { organisationId: org.GS, period, groups: ["money"] }));
    expect(money.total).toEqual(december);
    expect(money.observation).toEqual([10_000, 1]); // H1 on the 10th
  });
});
