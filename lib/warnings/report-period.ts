// The report's period from the address bar: from/to days (YYYY-MM-DD), by default this year to today. Pure.
import { isCalendarDate } from "@/lib/format/datetime";

export function warningReportPeriod(params: Record<string, string | undefined>, today: string): { from: string; to: string } | { error: string } {
  const from = params.from || `${today.slice(0, 4)}-01-01`;
  const to = params.to || today;
  if (!isCalendarDate(from) || !isCalendarDate(to)) return { error: "日期格式不正确（年-月-日）。" };
  if (from > to) return { error: "开始日期不能晚于结束日期。" };
  return { from, to };
}
