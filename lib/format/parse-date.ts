import { startOfShanghaiDay } from "./datetime";

/** A calendar date typed in China ("2026-11-23") as the UTC instant its day starts in Asia/Shanghai. */
export function parseShanghaiDate(value: string | undefined): Date | undefined {
  const date = startOfShanghaiDay(value);
  return date ? new Date(date.getTime()) : undefined;
}
