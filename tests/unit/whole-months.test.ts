// The split of a report range into whole calendar months (read from report_ledger_monthly,
// migration 0049) and the days around them (report_ledger_daily): boundary values written out.
import { describe, expect, it } from "vitest";
import { wholeMonthsOf } from "@/lib/reports/report-money";

describe("wholeMonthsOf", () => {
  it.each([
    // a calendar month, quarter and year: all whole months, no day read apart
    ["2026-11-01", "2026-11-30", { first: "2026-11-01", end: "2026-12-01" }],
    ["2026-10-01", "2026-12-31", { first: "2026-10-01", end: "2027-01-01" }],
    ["2026-01-01", "2026-12-31", { first: "2026-01-01", end: "2027-01-01" }],
    // February of a leap year ends on the 29th
    ["2028-02-01", "2028-02-29", { first: "2028-02-01", end: "2028-03-01" }],
    ["2028-02-01", "2028-02-28", { first: "2028-02-01", end: "2028-02-01" }],
    // a fiscal half from April: six whole months
    ["2026-04-01", "2026-09-30", { first: "2026-04-01", end: "2026-10-01" }],
    // a 送温暖 season: January whole, December and February partial
    ["2025-12-15", "2026-02-15", { first: "2026-01-01", end: "2026-02-01" }],
    // 30 days cutting two months: none whole (first = end)
    ["2026-11-15", "2026-12-14", { first: "2026-12-01", end: "2026-12-01" }],
    // inside one month: none whole (first after end)
    ["2026-11-15", "2026-11-20", { first: "2026-12-01", end: "2026-11-01" }],
    // one day, the last of a year
    ["2026-12-31", "2026-12-31", { first: "2027-01-01", end: "2027-01-01" }],
  ])("%s to %s", (from, to, expected) => {
    expect(wholeMonthsOf(from, to)).toEqual(expected);
  });
});
