// The one date module: everything is stored in UTC and shown in China Standard Time. Calendar
// arithmetic and time-zone conversion go through date-fns and @date-fns/tz, never hand-written
// offsets; calendar dates travel as YYYY-MM-DD strings (comparable as strings).
import { TZDate, tz } from "@date-fns/tz";
import { addDays as addCalendarDays, addMonths as addCalendarMonths, format, isValid, parse } from "date-fns";

export const TIME_ZONE = "Asia/Shanghai";
const inShanghai = tz(TIME_ZONE);

/** 2026-11-23 18:05 */
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return "—";
  return format(value, "yyyy-MM-dd HH:mm", { in: inShanghai });
}

/** 2026-11-23 */
export function formatDate(value: Date | null | undefined): string {
  if (!value) return "—";
  return format(value, "yyyy-MM-dd", { in: inShanghai });
}

/** 18:05 */
export function formatTime(value: Date): string {
  return format(value, "HH:mm", { in: inShanghai });
}

/** Today's calendar date in China, as YYYY-MM-DD. */
export function todayInShanghai(now = new Date()): string {
  return formatDate(now);
}

/** A calendar date as people write it: "2026-12-07" → "12 月 7 日" (the year only when it is not this year's). */
export function formatMonthDay(value: string, today = todayInShanghai()): string {
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  return `${value.slice(0, 4) === today.slice(0, 4) ? "" : `${y} 年 `}${m} 月 ${d} 日`;
}

/** A YYYY-MM-DD calendar date as the Date Prisma stores in a `date` column (UTC midnight). */
export function dateOnly(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

/** A `date` column's value back to YYYY-MM-DD. */
export function dateOnlyString(value: Date): string {
  return format(value, "yyyy-MM-dd", { in: tz("UTC") });
}

/** Parses YYYY-MM-DD strictly (no 2026-02-30); undefined for anything else. */
function calendarDate(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = parse(value, "yyyy-MM-dd", new TZDate(0, "UTC"), { in: tz("UTC") });
  return isValid(date) ? date : undefined;
}

function requireCalendarDate(value: string): Date {
  const date = calendarDate(value);
  if (!date) throw new RangeError(`not a calendar date: ${value}`);
  return date;
}

export function addDays(value: string, days: number): string {
  return dateOnlyString(addCalendarDays(requireCalendarDate(value), days, { in: tz("UTC") }));
}

/** The same day `months` later (clamped to the month's end: 2026-01-31 + 1 → 2026-02-28). */
export function addMonths(value: string, months: number): string {
  return dateOnlyString(addCalendarMonths(requireCalendarDate(value), months, { in: tz("UTC") }));
}

/** A calendar date typed in China ("2026-11-23") as the UTC instant its day starts in Asia/Shanghai. */
export function startOfShanghaiDay(value: string | undefined): Date | undefined {
  if (!value || !calendarDate(value)) return undefined;
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, TIME_ZONE);
}
