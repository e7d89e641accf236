// The period a report covers, from the page's search parameters: a month, a quarter, a year or any
// date range (calendar dates in China). Shared by the page (its form) and the domain (its query).
import { z } from "zod";
import { addDays, addMonths, formatDateRange } from "@/lib/format/datetime";
import { calendarDate } from "@/lib/forms/zod-fields";

export const PERIOD_KINDS = { month: "月度", quarter: "季度", year: "年度", range: "自定义" } as const;
export type TPeriodKind = keyof typeof PERIOD_KINDS;

export type TPeriod = { kind: TPeriodKind; from: string; to: string; label: string };

const ZMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "请选择月份");
const ZQuarter = z.string().regex(/^\d{4}-Q[1-4]$/, "季度应写作“年份-Q季度”，季度为 1 至 4，如 2026-Q4");
const ZYear = z.string().regex(/^\d{4}$/, "请选择年份");

export const ZReportQuery = z.object({
  organisationId: z.uuid("请选择组织").optional(),
  kind: z.enum(Object.keys(PERIOD_KINDS) as [TPeriodKind, ...TPeriodKind[]]).default("month"),
  month: ZMonth.optional(),
  quarter: ZQuarter.optional(),
  year: ZYear.optional(),
  from: calendarDate("开始日期格式不正确").optional(),
  to: calendarDate("结束日期格式不正确").optional(),
});
export type TReportQuery = z.infer<typeof ZReportQuery>;

const lastDayOf = (firstDay: string, months: number) => addDays(addMonths(firstDay, months), -1);

/**
 * The period the query names; a missing value falls back to the current month, quarter or year.
 * Returns a Chinese message when the range is unusable (end before start, longer than 10 years).
 */
export function periodFrom(query: TReportQuery, today: string): TPeriod | { error: string } {
  const year = today.slice(0, 4);
  switch (query.kind) {
    case "month": {
      const month = query.month ?? today.slice(0, 7);
      const from = `${month}-01`;
      return { kind: "month", from, to: lastDayOf(from, 1), label: `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月` };
    }
    case "quarter": {
      const quarter = query.quarter ?? `${year}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
      const q = Number(quarter.slice(-1));
      const from = `${quarter.slice(0, 4)}-${String((q - 1) * 3 + 1).padStart(2, "0")}-01`;
      return { kind: "quarter", from, to: lastDayOf(from, 3), label: `${quarter.slice(0, 4)}年第${"一二三四"[q - 1]}季度` };
    }
    case "year": {
      const y = query.year ?? year;
      return { kind: "year", from: `${y}-01-01`, to: `${y}-12-31`, label: `${y}年` };
    }
    case "range": {
      const from = query.from ?? `${year}-01-01`;
      const to = query.to ?? today;
      if (to < from) return { error: "结束日期不能早于开始日期。" };
      if (addMonths(from, 120) < to) return { error: "统计区间不能超过 10 年。" };
      return { kind: "range", from, to, label: formatDateRange(from, to) };
    }
  }
}

/**
 * The query with the period it resolved to written into its own field, so the form shows what the
 * page shows: a month report that fell back to this month has 2026-12 in the month box.
 */
export function queryShowing(query: TReportQuery, period: TPeriod): TReportQuery {
  switch (period.kind) {
    case "month":
      return { ...query, month: period.from.slice(0, 7) };
    case "quarter":
      return { ...query, quarter: `${period.from.slice(0, 4)}-Q${(Number(period.from.slice(5, 7)) + 2) / 3}` };
    case "year":
      return { ...query, year: period.from.slice(0, 4) };
    case "range":
      return { ...query, from: period.from, to: period.to };
  }
}

/** The first day of each month the period touches, for the monthly line. */
export function monthsOf(period: Pick<TPeriod, "from" | "to">): string[] {
  const months: string[] = [];
  for (let m = `${period.from.slice(0, 7)}-01`; m <= period.to && months.length < 121; m = addMonths(m, 1)) months.push(m.slice(0, 7));
  return months;
}

/**
 * The calendar month, quarter or year the period is exactly ('M', 'Q', 'Y' and its first day), or
 * null for any other range. Distinct households are kept per such period (migration 0018), so
 * these read counts; other ranges count the entries themselves.
 */
export function calendarPeriodOf(period: Pick<TPeriod, "from" | "to">): { kind: "M" | "Q" | "Y"; start: string } | null {
  const { from, to } = period;
  if (from.slice(8) !== "01") return null;
  const month = Number(from.slice(5, 7));
  if (to === lastDayOf(from, 1)) return { kind: "M", start: from };
  if ((month - 1) % 3 === 0 && to === lastDayOf(from, 3)) return { kind: "Q", start: from };
  if (month === 1 && to === lastDayOf(from, 12)) return { kind: "Y", start: from };
  return null;
}
