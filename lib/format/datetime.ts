// The one date module: everything is stored in UTC and shown in China Standard Time. Calendar
// arithmetic and time-zone conversion go through date-fns and @date-fns/tz, never hand-written
// offsets; calendar dates travel as YYYY-MM-DD strings (comparable as strings).
import { TZDate, tz, tzOffset } from "@date-fns/tz";
import { addDays as addCalendarDays, addMonths as addCalendarMonths, format } from "date-fns";

export const TIME_ZONE = "Asia/Shanghai";
const inShanghai = tz(TIME_ZONE);

// The page formatters below read the fields of shanghaiWallClock (the zone's offset from
// @date-fns/tz, once per day) instead of date-fns' format with a TZDate: that built a zoned date
// and walked the pattern on every call, 30–40 µs each, and a household page formats a few hundred
// dates (issue 28, the web process's CPU per page). Same text, tested against date-fns' own.
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
/** YYYY-MM-DD of a Date's UTC fields (years below 1000 padded, as date-fns' yyyy does). */
const utcDay = (d: Date) => `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
const utcMinute = (d: Date) => `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;

/** 2026-11-23 18:05 */
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return "—";
  const wall = shanghaiWallClock(value);
  return `${utcDay(wall)} ${utcMinute(wall)}`;
}

/** 2026-11-23 */
export function formatDate(value: Date | null | undefined): string {
  if (!value) return "—";
  return utcDay(shanghaiWallClock(value));
}

/** 18:05 */
export function formatTime(value: Date): string {
  return utcMinute(shanghaiWallClock(value));
}

/** Today's calendar date in China, as YYYY-MM-DD: never `toISOString().slice(0, 10)`, which is the UTC day and so yesterday from 00:00 to 08:00 Beijing time. */
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
  return utcDay(value);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Years a date field or filter accepts: a typo such as 0226 is refused rather than stored. */
export const CALENDAR_YEARS = { min: 1900, max: 2199 } as const;

/** Why a value is not a calendar date we accept: not written YYYY-MM-DD, a day that does not exist, or a year outside CALENDAR_YEARS. */
export type TCalendarDateProblem = "FORMAT" | "NO_SUCH_DAY" | "YEAR";

/**
 * The one strict-date check, behind every date field (`calendarDate`, lib/forms/zod-fields.ts),
 * filter, import column and address-bar period: null when `value` is a day that exists, written
 * YYYY-MM-DD, in CALENDAR_YEARS. 2024-02-29 is one; 2026-02-30, 2025-02-29 and 2026-13-01 are not
 * (JavaScript's Date would roll them into the next month), nor is 0226-05-12.
 */
export function calendarDateProblem(value: string): TCalendarDateProblem | null {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return "FORMAT";
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, unlike Date.UTC and date-fns' isExists, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return "NO_SUCH_DAY";
  return year >= CALENDAR_YEARS.min && year <= CALENDAR_YEARS.max ? null : "YEAR";
}

/** Whether `value` passes the one strict-date check (`calendarDateProblem`). */
export function isCalendarDate(value: string): boolean {
  return calendarDateProblem(value) === null;
}

/** Arithmetic needs a day that exists; the year range is for what people type, not for sums. */
function requireCalendarDate(value: string): Date {
  const problem = calendarDateProblem(value);
  if (problem === "FORMAT" || problem === "NO_SUCH_DAY") throw new RangeError(`not a calendar date: ${value}`);
  return dateOnly(value);
}

export function addDays(value: string, days: number): string {
  return dateOnlyString(addCalendarDays(requireCalendarDate(value), days, { in: tz("UTC") }));
}

/** The same day `months` later (clamped to the month's end: 2026-01-31 + 1 → 2026-02-28). */
export function addMonths(value: string, months: number): string {
  return dateOnlyString(addCalendarMonths(requireCalendarDate(value), months, { in: tz("UTC") }));
}

/**
 * The instant a calendar day starts in Asia/Shanghai ("2026-11-23" → 2026-11-22T16:00Z): the
 * inclusive start of a "from" filter. Undefined for anything that is not a calendar date, so a
 * mistyped filter in a URL is ignored.
 */
export function startOfShanghaiDay(value: string | undefined): Date | undefined {
  if (!value || !isCalendarDate(value)) return undefined;
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, TIME_ZONE).getTime());
}

/**
 * The instant after a calendar day ends in Asia/Shanghai ("2026-11-23" → 2026-11-23T16:00Z): the
 * exclusive end of a "to" filter (`at < endOfShanghaiDay(to)`), so the whole last day is in the
 * range. The one end-of-day helper: filters never add 24 hours or format the end back themselves.
 */
export function endOfShanghaiDay(value: string | undefined): Date | undefined {
  return value && isCalendarDate(value) ? startOfShanghaiDay(addDays(value, 1)) : undefined;
}

/** A range of calendar dates as export titles and filter summaries write it: "2026-11-01 至 2026-11-23". */
export function formatDateRange(from: string | undefined, to: string | undefined): string {
  return `${from ?? "不限"} 至 ${to ?? "不限"}`;
}

/**
 * The next instant after `now` whose Beijing wall clock reads hour:minute: today's if it is still
 * to come, else tomorrow's. Through @date-fns/tz, so no module keeps its own "+8 hours".
 */
export function nextShanghaiTime(now: Date, at: { hour: number; minute: number }): Date {
  const local = new TZDate(now.getTime(), TIME_ZONE);
  let next = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), at.hour, at.minute, TIME_ZONE);
  if (next.getTime() <= now.getTime()) next = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + 1, at.hour, at.minute, TIME_ZONE);
  return new Date(next.getTime());
}

/** An instant as a file name's Beijing time stamp: 2026-12-07 09:05:03 → "20261207-090503". */
export function formatFileStamp(value: Date): string {
  return format(value, "yyyyMMdd-HHmmss", { in: inShanghai });
}

const DAY_MS = 86_400_000;
/** UTC day number → the zone's offset (ms) when it held all that day; null when it changed that day. */
const dayOffsets = new Map<number, number | null>();

/**
 * The Beijing wall clock of an instant to the minute, as a Date whose UTC fields read it (what a
 * spreadsheet cell holds: Excel has no time zones). Equal to parsing formatDateTime's text, for a
 * million cells: the zone's offset comes from @date-fns/tz once per day (a day whose first and
 * last instant have the same offset had it throughout; a day with a change asks for every value).
 */
export function shanghaiWallClock(value: Date): Date {
  const ms = value.getTime();
  const day = Math.floor(ms / DAY_MS);
  let offset = dayOffsets.get(day);
  if (offset === undefined) {
    const first = tzOffset(TIME_ZONE, new Date(day * DAY_MS));
    offset = first === tzOffset(TIME_ZONE, new Date(day * DAY_MS + DAY_MS - 1)) ? first * 60_000 : null;
    // A cache, not a store: a few hundred years of days at most, cleared past that.
    if (dayOffsets.size >= 100_000) dayOffsets.clear();
    dayOffsets.set(day, offset);
  }
  const shifted = ms + (offset ?? tzOffset(TIME_ZONE, value) * 60_000);
  return new Date(Math.floor(shifted / 60_000) * 60_000);
}

/** A `date` column's value (UTC midnight) or any instant, as the UTC midnight of its UTC day: dateOnly(dateOnlyString(value)) without the text. */
export function utcMidnight(value: Date): Date {
  return new Date(Math.floor(value.getTime() / DAY_MS) * DAY_MS);
}
