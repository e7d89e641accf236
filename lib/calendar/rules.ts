// 日历维护: who may enter the working-day calendar, and which days. Shared by the domain function
// and the page, so the page offers exactly what the server accepts.
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import { dateOnly } from "@/lib/format/datetime";
import type { OrgLevel } from "@/lib/generated/prisma/enums";

/** The calendar is one for the whole country: administrators of the national or a province union keep it. */
export const CALENDAR_LEVELS: readonly OrgLevel[] = ["NATIONAL", "PROVINCE"];
export const CALENDAR_LEVEL_REFUSAL = "工作日历全国统一，由全国或省级工会的管理员维护。";

/** How many years ahead an administrator may enter (the State Council publishes one year at a time). */
export const CALENDAR_YEARS_AHEAD = 2;

/**
 * Deadlines are computed this many calendar days ahead of today and more (30 working days is about
 * six weeks): when a year within this horizon is not covered, the administrator is warned.
 */
export const CALENDAR_WARNING_HORIZON_DAYS = 90;

export type TCalendarDayRefusal = { field: "day" | "kind"; message: string };

/** Why a day cannot be entered, or null. `packageYears` are the years chinese-days covers. */
export function calendarDayRefusal(
  input: { day: string; kind: "HOLIDAY" | "WORKDAY" },
  today: string,
  packageYears: readonly number[],
): TCalendarDayRefusal | null {
  const year = Number(input.day.slice(0, 4));
  if (input.day < today) return { field: "day", message: "不能修改今天以前的日历：已经过去的日子不再影响期限。" };
  if (packageYears.includes(year)) {
    return { field: "day", message: `${year} 年的节假日已由 chinese-days 数据收录（以国务院办公厅公布的安排为准），不能在此修改。` };
  }
  if (year > Number(today.slice(0, 4)) + CALENDAR_YEARS_AHEAD) return { field: "day", message: `只能录入 ${CALENDAR_YEARS_AHEAD} 年以内的安排。` };
  const weekday = dateOnly(input.day).getUTCDay();
  if (input.kind === "WORKDAY" && weekday !== 0 && weekday !== 6) return { field: "kind", message: "调休上班只能设在周六或周日：周一至周五本来就是工作日。" };
  return null;
}

/** 办结 a work item (complete-work-item.ts): a caseworker, for the kinds that are completed by hand. */
export const mayCompleteWorkItems = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);

/** 销毁 a file whose retention ended (dispose-file.ts): an official. */
export const mayDisposeFiles = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["OFFICIAL"]);

/** 启动抽查 (spot-checks.ts startSpotCheck): an official. */
export const mayStartSpotCheck = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["OFFICIAL"]);

/** The working-day calendar and the daily run are administered by ADMIN (set-calendar-day.ts, run-daily-now.ts). */
export const mayAdministerCalendar = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["ADMIN"]);
