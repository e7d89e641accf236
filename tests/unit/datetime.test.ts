import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import { describe, expect, it } from "vitest";
import {
  addDays,
  dateOnlyString,
  addMonths,
  endOfShanghaiDay,
  formatDate,
  formatDateTime,
  formatMonthDay,
  formatTime,
  shanghaiWallClock,
  startOfShanghaiDay,
  todayInShanghai,
  utcMidnight,
} from "@/lib/format/datetime";

describe("dates in Asia/Shanghai", () => {
  it("shows a UTC instant in China Standard Time", () => {
    expect(formatDateTime(new Date("2026-11-23T10:05:00Z"))).toBe("2026-11-23 18:05");
    expect(formatDate(new Date("2026-11-23T16:30:00Z"))).toBe("2026-11-24");
    expect(todayInShanghai(new Date("2026-12-31T15:59:59Z"))).toBe("2026-12-31");
    expect(todayInShanghai(new Date("2026-12-31T16:00:00Z"))).toBe("2027-01-01");
  });

  it("adds calendar days and months, clamping to the month's end", () => {
    expect(addDays("2026-12-02", 5)).toBe("2026-12-07");
    expect(addDays("2026-12-30", 5)).toBe("2027-01-04");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-11-15", 12)).toBe("2027-11-15");
  });

  it("reads a typed day as the instants it starts and ends in China", () => {
    expect(startOfShanghaiDay("2026-11-23")?.toISOString()).toBe("2026-11-22T16:00:00.000Z");
    expect(endOfShanghaiDay("2026-11-23")?.toISOString()).toBe("2026-11-23T16:00:00.000Z");
    expect(endOfShanghaiDay("2026-12-31")?.toISOString()).toBe("2026-12-31T16:00:00.000Z");
    expect(endOfShanghaiDay("2024-02-28")?.toISOString()).toBe("2024-02-28T16:00:00.000Z");
    // China kept summer time in 1986–1991: 1986-05-04 had 23 hours, 1986-09-14 had 25.
    expect(endOfShanghaiDay("1986-05-04")?.toISOString()).toBe("1986-05-04T15:00:00.000Z");
    expect(startOfShanghaiDay("1986-09-14")?.toISOString()).toBe("1986-09-13T15:00:00.000Z");
    expect(endOfShanghaiDay("1986-09-14")?.toISOString()).toBe("1986-09-14T16:00:00.000Z");
    expect(startOfShanghaiDay("2026-02-30")).toBeUndefined();
    expect(startOfShanghaiDay("0050-01-01")).toBeUndefined(); // not read as 1950
    expect(endOfShanghaiDay("2026-02-30")).toBeUndefined();
    expect(startOfShanghaiDay("23/11/2026")).toBeUndefined();
  });

  it("writes a day as people say it", () => {
    expect(formatMonthDay("2026-12-07", "2026-12-02")).toBe("12 月 7 日");
    expect(formatMonthDay("2027-01-04", "2026-12-30")).toBe("2027 年 1 月 4 日");
  });
});

describe("the wall clock a spreadsheet cell holds (issue 28: a million cells)", () => {
  const wall = (iso: string) => shanghaiWallClock(new Date(iso)).toISOString();
  it("is the Beijing time to the minute, written as UTC fields", () => {
    expect(wall("2026-11-23T10:05:42Z")).toBe("2026-11-23T18:05:00.000Z");
    expect(wall("2026-12-31T16:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(wall("2026-12-31T15:59:59.999Z")).toBe("2026-12-31T23:59:00.000Z");
  });
  it("follows China's daylight saving time of 1986–1991, also on the day the clocks moved", () => {
    expect(wall("1988-07-01T00:00:00Z")).toBe("1988-07-01T09:00:00.000Z");
    // 1988-04-17 02:00 became 03:00: the UTC day 1988-04-16 holds both offsets.
    expect(wall("1988-04-16T17:59:00Z")).toBe("1988-04-17T01:59:00.000Z");
    expect(wall("1988-04-16T18:00:00Z")).toBe("1988-04-17T03:00:00.000Z");
  });
  it("takes a date column's value to its own day", () => {
    expect(utcMidnight(new Date("2027-01-01T00:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(utcMidnight(new Date("2027-01-01T23:59:59Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});

describe("the page formatters (issue 28: no zoned date built per call)", () => {
  it("write Beijing time, also in China's summer time of 1986–1991 and on the night the clocks moved", () => {
    expect(formatDateTime(new Date("1988-07-01T00:00:00Z"))).toBe("1988-07-01 09:00");
    expect(formatDateTime(new Date("1988-04-16T17:59:00Z"))).toBe("1988-04-17 01:59");
    expect(formatDateTime(new Date("1988-04-16T18:00:00Z"))).toBe("1988-04-17 03:00");
    expect(formatTime(new Date("2026-11-23T01:05:59Z"))).toBe("09:05");
    expect(formatDate(new Date("2026-11-23T15:59:59.999Z"))).toBe("2026-11-23");
    expect(formatDate(null)).toBe("—");
    expect(formatDateTime(undefined)).toBe("—");
  });
  it("write a date column's value as its own day, a year below 1000 with four digits", () => {
    expect(dateOnlyString(new Date("2026-02-28T00:00:00Z"))).toBe("2026-02-28");
    expect(dateOnlyString(new Date("2026-12-31T23:59:59Z"))).toBe("2026-12-31");
    expect(dateOnlyString(new Date("0226-05-12T00:00:00Z"))).toBe("0226-05-12");
  });
  it("agree with date-fns' own zoned format over fifty years, an instant every 3 days 1 hour 7 minutes", () => {
    const inShanghai = tz("Asia/Shanghai");
    const utc = tz("UTC");
    for (let ms = Date.UTC(1980, 0, 1); ms < Date.UTC(2030, 0, 1); ms += 263_237_017) {
      const at = new Date(ms);
      expect(formatDateTime(at)).toBe(format(at, "yyyy-MM-dd HH:mm", { in: inShanghai }));
      expect(dateOnlyString(at)).toBe(format(at, "yyyy-MM-dd", { in: utc }));
    }
  });
});
