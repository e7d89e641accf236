import "server-only";
import { enforce } from "@/lib/errors/domain-error";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { addDays, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { CALENDAR_LEVELS, CALENDAR_WARNING_HORIZON_DAYS, CALENDAR_YEARS_AHEAD, mayAdministerCalendar } from "./rules";
import { packageDay, packageYears } from "./working-days";

export type TCalendarYear = {
  year: number;
  /** chinese-days lists this year's holidays (the State Council's published schedule). */
  fromPackage: boolean;
  /** Days administrators entered for the year. */
  adminDays: number;
  /** Deadlines computed from today reach into the year (within CALENDAR_WARNING_HORIZON_DAYS). */
  withinHorizon: boolean;
};

/**
 * Which years the working-day calendar covers, what administrators entered, and the warning an
 * administrator must see: a year that deadlines already reach into, with no holidays at all, counts
 * 元旦 and 春节 as working days.
 */
export async function findCalendarCoverage(actor: TActor, today: string = todayInShanghai()) {
  enforce(mayAdministerCalendar(actor));
  const db = scopedDb(actor);
  const [org, entered] = await Promise.all([
    db.organisation.findUniqueOrThrow({ where: { id: actor.organisation.id }, select: { level: true } }),
    db.calendarDay.findMany({
      where: { source: "ADMIN" },
      orderBy: { day: "asc" },
      select: { day: true, working: true, name: true, enteredAt: true, enteredBy: { select: { name: true } } },
    }),
  ]);
  const published = packageYears();
  const thisYear = Number(today.slice(0, 4));
  const horizonYear = Number(addDays(today, CALENDAR_WARNING_HORIZON_DAYS).slice(0, 4));
  const years: TCalendarYear[] = [];
  for (let year = thisYear - 1; year <= thisYear + CALENDAR_YEARS_AHEAD; year++) {
    years.push({
      year,
      fromPackage: published.includes(year),
      adminDays: entered.filter((d) => d.day.getUTCFullYear() === year).length,
      withinHorizon: year >= thisYear && year <= horizonYear,
    });
  }
  const days = entered.map((d) => {
    const day = dateOnlyString(d.day);
    const pkg = packageDay(day);
    return {
      day,
      working: d.working,
      name: d.name,
      enteredBy: d.enteredBy?.name ?? null,
      enteredAt: d.enteredAt,
      /** A later package release lists the day differently: the administrator's entry still counts. */
      differsFromPackage: pkg !== null && pkg.working !== d.working,
      removable: day >= today,
    };
  });
  return {
    today,
    years,
    lastPackageYear: published.at(-1) ?? null,
    /** Years deadlines reach into with no holiday listed at all: the administrator must act. */
    uncovered: years.filter((y) => y.withinHorizon && !y.fromPackage && y.adminDays === 0).map((y) => y.year),
    /** Years covered only by what administrators entered: worth checking for completeness. */
    enteredOnly: years.filter((y) => y.withinHorizon && !y.fromPackage && y.adminDays > 0).map((y) => y.year),
    days,
    mayEdit: CALENDAR_LEVELS.includes(org.level),
  };
}

export type TCalendarCoverage = Awaited<ReturnType<typeof findCalendarCoverage>>;
