// Guards "dates one way" (issue 27 §4): the day people live in is Beijing's. From 00:00 to 08:00
// Beijing time the UTC date is still yesterday, so every "which day is it" and "what time is it
// there" goes through lib/format/datetime.ts; these instants are the hours where a hand-written
// `toISOString().slice(0, 10)` or "+8 hours" gets it wrong. Expected values are written out.
import { describe, expect, it } from "vitest";
import { backupFileName } from "@/lib/backup/create-backup";
import { nextBackupAt } from "@/lib/backup/schedule";
import {
  calendarDateProblem,
  dateOnly,
  dateOnlyString,
  formatDate,
  formatFileStamp,
  isCalendarDate,
  nextShanghaiTime,
  todayInShanghai,
} from "@/lib/format/datetime";
import { calendarDate } from "@/lib/forms/zod-fields";
import { warningReportPeriod } from "@/lib/warnings/report-period";

describe("the Beijing day of an instant", () => {
  it("turns at 16:00 UTC, not at UTC midnight", () => {
    expect(todayInShanghai(new Date("2026-12-06T15:59:59.999Z"))).toBe("2026-12-06"); // 23:59:59 Beijing
    expect(todayInShanghai(new Date("2026-12-06T16:00:00.000Z"))).toBe("2026-12-07"); // 00:00 Beijing
    expect(todayInShanghai(new Date("2026-12-06T23:59:00.000Z"))).toBe("2026-12-07"); // 07:59 Beijing, UTC still says the 6th
    expect(formatDate(new Date("2026-12-31T16:30:00Z"))).toBe("2027-01-01"); // a new year in Beijing first
  });

  it("keeps a date column's day whatever the hour", () => {
    // Prisma hands a `date` column back as UTC midnight; its day is the stored day, not Beijing's.
    expect(dateOnlyString(dateOnly("2026-12-07"))).toBe("2026-12-07");
    expect(dateOnlyString(new Date("2026-02-28T00:00:00Z"))).toBe("2026-02-28");
  });

  it("names backup files by the Beijing wall clock", () => {
    expect(formatFileStamp(new Date("2026-12-06T17:05:03Z"))).toBe("20261207-010503");
    expect(backupFileName(new Date("2026-12-06T23:59:59Z"))).toBe("bangfu-backup-20261207-075959.tar.gz");
    expect(backupFileName(new Date("2026-12-07T00:00:00Z"))).toBe("bangfu-backup-20261207-080000.tar.gz");
  });

  it("finds the next Beijing wall-clock time across the UTC date line", () => {
    // 01:00 Beijing on the 7th (17:00 UTC on the 6th): 02:30 is still to come that Beijing day.
    expect(nextShanghaiTime(new Date("2026-12-06T17:00:00Z"), { hour: 2, minute: 30 }).toISOString()).toBe("2026-12-06T18:30:00.000Z");
    // 23:00 Beijing on the 31st: the next 00:15 is in the new year.
    expect(nextShanghaiTime(new Date("2026-12-31T15:00:00Z"), { hour: 0, minute: 15 }).toISOString()).toBe("2026-12-31T16:15:00.000Z");
    // 09:00 Beijing on the 28th of February: the next 08:59 is on 1 March (2027 is not a leap year).
    expect(nextShanghaiTime(new Date("2027-02-28T01:00:00Z"), { hour: 8, minute: 59 }).toISOString()).toBe("2027-03-01T00:59:00.000Z");
    expect(nextBackupAt(new Date("2026-12-06T18:30:00Z"), { hour: 2, minute: 30 }).toISOString()).toBe("2026-12-07T18:30:00.000Z");
  });
});

describe("the one strict-date check", () => {
  it("says what is wrong, and every date field, filter and period uses the same answer", () => {
    expect(calendarDateProblem("2024-02-29")).toBeNull();
    expect(calendarDateProblem("2026-2-3")).toBe("FORMAT");
    expect(calendarDateProblem("2026-02-29")).toBe("NO_SUCH_DAY");
    expect(calendarDateProblem("0226-05-12")).toBe("YEAR");
    expect(calendarDateProblem("2200-01-01")).toBe("YEAR");
    expect(isCalendarDate("0226-05-12")).toBe(false);
    // A zod date field and the warnings report's address-bar period refuse the same year typo.
    expect(calendarDate("请选择日期").safeParse("0226-05-12").error?.issues[0]?.message).toBe("年份应在 1900 至 2199 年之间，请检查日期");
    expect(warningReportPeriod({ from: "0226-01-01", to: "2026-12-07" }, "2026-12-07")).toEqual({ error: "日期格式不正确（年-月-日）。" });
    expect(warningReportPeriod({ from: "2026-01-01", to: "2026-12-07" }, "2026-12-07")).toEqual({ from: "2026-01-01", to: "2026-12-07" });
  });
});
