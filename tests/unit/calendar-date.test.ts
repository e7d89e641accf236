// Guards the one date field (issue 22 §7): a day that does not exist (2026-02-30, 2025-02-29,
// 2026-13-01) is refused with a Chinese message instead of rolling into the next month, and every
// day that exists comes out of the schema and the Asia/Shanghai helpers exactly as it went in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calendarDate, optionalCalendarDate } from "@/lib/forms/zod-fields";
import { dateOnly, dateOnlyString, endOfShanghaiDay, formatDate, isCalendarDate, startOfShanghaiDay } from "@/lib/format/datetime";

// The oracle, written out here and not taken from the code under test: the Gregorian rule.
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

const year = fc.integer({ min: 1900, max: 2199 });
const month = fc.integer({ min: 1, max: 12 });
const schema = calendarDate("请选择日期");

/** A year, month and a day past that month's last day (up to 99, what two digits can say). */
const impossibleDay = fc.tuple(year, month).chain(([y, m]) => fc.integer({ min: daysIn(y, m) + 1, max: 99 }).map((d) => ymd(y, m, d)));
/** A month that does not exist, or day 00. */
const impossibleMonthOrZeroDay = fc.oneof(
  fc.tuple(year, fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => ymd(y, m, d)),
  fc.tuple(year, fc.constant(0), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => ymd(y, m, d)),
  fc.tuple(year, month).map(([y, m]) => ymd(y, m, 0)),
);
const realDay = fc.tuple(year, month).chain(([y, m]) => fc.integer({ min: 1, max: daysIn(y, m) }).map((d) => ymd(y, m, d)));

describe("the one calendar-date schema", () => {
  it("refuses every day past its month's end, saying the day does not exist", () => {
    fc.assert(
      fc.property(impossibleDay, (value) => {
        const parsed = schema.safeParse(value);
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.message).toBe(`${value} 这一天不存在（该月没有这么多天），请重新选择日期`);
        expect(isCalendarDate(value)).toBe(false);
        expect(startOfShanghaiDay(value)).toBeUndefined();
        expect(endOfShanghaiDay(value)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it("refuses month 00 and 13–99, and day 00", () => {
    fc.assert(
      fc.property(impossibleMonthOrZeroDay, (value) => {
        expect(schema.safeParse(value).success).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("lets every real day through unchanged, and the Shanghai helpers give it back", () => {
    fc.assert(
      fc.property(realDay, (value) => {
        expect(schema.parse(value)).toBe(value);
        expect(dateOnlyString(dateOnly(value))).toBe(value);
        // The first instant of the day in China is that day and the one before it the previous
        // day; the exclusive end is the first instant that is no longer that day (also across
        // the summer time China kept in 1986–1991).
        const start = startOfShanghaiDay(value)!;
        const end = endOfShanghaiDay(value)!;
        expect(formatDate(start)).toBe(value);
        expect(formatDate(new Date(start.getTime() - 1))).not.toBe(value);
        expect(formatDate(new Date(end.getTime() - 1))).toBe(value);
        expect(formatDate(end)).not.toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it("knows the leap days written out", () => {
    for (const value of ["2024-02-29", "2000-02-29", "2026-02-28", "2026-12-31"]) expect(schema.safeParse(value).success).toBe(true);
    for (const value of ["2026-02-30", "2025-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10"]) {
      expect(schema.safeParse(value).success).toBe(false);
    }
  });

  it("answers a missing, mistyped or far-off date in Chinese", () => {
    expect(schema.safeParse(undefined).error?.issues[0]?.message).toBe("请选择日期");
    expect(schema.safeParse("").error?.issues[0]?.message).toBe("请选择日期");
    expect(schema.safeParse("2026/11/23").error?.issues[0]?.message).toBe("请选择日期");
    expect(schema.safeParse("0226-11-23").error?.issues[0]?.message).toBe("年份应在 1900 至 2199 年之间，请检查日期");
    expect(optionalCalendarDate("请选择日期").parse("")).toBeUndefined();
    expect(optionalCalendarDate("请选择日期").safeParse("2026-02-30").success).toBe(false);
  });
});
