// The one date formatter: everything is stored in UTC and shown in China Standard Time.
const TIME_ZONE = "Asia/Shanghai";

const dateTimeFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
});
const dateFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
const timeFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", hour12: false });

/** 2026-11-23 18:05 */
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return "—";
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(value).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** 2026-11-23 */
export function formatDate(value: Date | null | undefined): string {
  if (!value) return "—";
  const parts = Object.fromEntries(dateFormat.formatToParts(value).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** 18:05 */
export function formatTime(value: Date): string {
  return timeFormat.format(value);
}

/** Today's calendar date in China, as YYYY-MM-DD. */
export function todayInShanghai(now = new Date()): string {
  return formatDate(now);
}

/** A YYYY-MM-DD calendar date as the Date Prisma stores in a `date` column (UTC midnight). */
export function dateOnly(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

/** A `date` column's value back to YYYY-MM-DD. */
export function dateOnlyString(value: Date): string {
  return value.toISOString().slice(0, 10);
}

export function addDays(value: string, days: number): string {
  return dateOnlyString(new Date(dateOnly(value).getTime() + days * 86_400_000));
}

/** The same day `months` later (clamped to the month's end: 2026-01-31 + 1 → 2026-02-28). */
export function addMonths(value: string, months: number): string {
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return dateOnlyString(target);
}
