import "server-only";
import { createRequire } from "node:module";
import { prisma } from "@/lib/db/client";

// 法定节假日与调休: the mainland calendar from the chinese-days package (maintained data, updated
// each year when the State Council publishes the next year's schedule), copied into calendar_day
// so that PostgreSQL itself can add working days (add_working_days, used by the paper-sync trigger).
// A day the table does not list counts as working exactly when it is Monday to Friday.
// The package covers only the years already published; an administrator enters the others
// (lib/calendar/set-calendar-day.ts) and those rows (source ADMIN) are never overwritten here.

type TChineseDays = { holidays: Record<string, string>; workdays: Record<string, string> };

function chineseDays(): TChineseDays {
  return createRequire(import.meta.url)("chinese-days/dist/chinese-days.json") as TChineseDays;
}

const nameOf = (value: string) => value.split(",")[1] ?? null;

/** The years for which the package lists holidays, ascending. */
export function packageYears(): number[] {
  return [...new Set(Object.keys(chineseDays().holidays).map((day) => Number(day.slice(0, 4))))].sort((a, b) => a - b);
}

/** What the package says about a day, or null when it does not list it. */
export function packageDay(day: string): { working: boolean; name: string | null } | null {
  const { holidays, workdays } = chineseDays();
  const holiday = holidays[day];
  if (holiday !== undefined) return { working: false, name: nameOf(holiday) };
  const workday = workdays[day];
  if (workday !== undefined) return { working: true, name: nameOf(workday) ? `${nameOf(workday)}调休上班` : null };
  return null;
}

/**
 * Upserts every holiday and make-up working day the package knows, except days an administrator
 * entered (source ADMIN: theirs is the later word); returns how many days the package lists.
 */
export async function syncWorkingCalendar(): Promise<number> {
  const data = chineseDays();
  const days = [
    ...Object.entries(data.holidays).map(([day, v]) => ({ day, working: false, name: nameOf(v) })),
    ...Object.entries(data.workdays).map(([day, v]) => ({ day, working: true, name: nameOf(v) ? `${nameOf(v)}调休上班` : null })),
  ];
  await prisma.$executeRaw`
    INSERT INTO calendar_day (day, working, name)
    SELECT d::date, w, n FROM unnest(${days.map((d) => d.day)}::text[], ${days.map((d) => d.working)}::boolean[], ${days.map((d) => d.name)}::text[]) AS t(d, w, n)
    ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, name = EXCLUDED.name WHERE calendar_day.source = 'PACKAGE'`;
  return days.length;
}

/** The date `n` working days after `start`, by the same rule as the database's add_working_days. */
export async function addWorkingDays(start: string, n: number): Promise<string> {
  const [row] = await prisma.$queryRaw<[{ d: string }]>`SELECT add_working_days(${start}::date, ${n}::integer)::text AS d`;
  return row.d;
}
