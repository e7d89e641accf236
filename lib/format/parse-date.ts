import { addDays, startOfShanghaiDay } from "./datetime";

/** A calendar date typed in China ("2026-11-23") as the UTC instant its day starts in Asia/Shanghai. */
export function parseShanghaiDate(value: string | undefined): Date | undefined {
  const date = startOfShanghaiDay(value);
  return date ? new Date(date.getTime()) : undefined;
}

/** The instant after a typed day ends in Asia/Shanghai (the exclusive end of a "to" filter). */
export function parseShanghaiDayEnd(value: string | undefined): Date | undefined {
  return parseShanghaiDate(value) && value ? parseShanghaiDate(addDays(value, 1)) : undefined;
}
