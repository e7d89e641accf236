import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb, unscopedSql, type TScopedTx } from "@/lib/data/scope";
import { DomainError, ForbiddenError, NotFoundError } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { CALENDAR_LEVEL_REFUSAL, CALENDAR_LEVELS, calendarDayRefusal } from "./rules";
import type { TRemoveCalendarDayInput, TSetCalendarDayInput } from "./schemas";
import { packageDay, packageYears } from "./working-days";

// 日历维护: an administrator enters or corrects a holiday or make-up working day of a year
// chinese-days does not cover yet. The row is marked ADMIN, so the package sync leaves it alone.
//
// Deadlines already computed: the paper-sync trigger stores each item's due date when it opens the
// item (add_working_days at that moment). A change of the calendar recomputes, in the same
// transaction, the due date of every OPEN paper-sync item whose period contains the changed day —
// from the day it was opened, with the PAPER_SYNC_WORKING_DAYS then in force — and the audit row
// says how many moved. Items already done or closed keep the date they had.

async function assertMayKeepCalendar(tx: Pick<TScopedTx, "organisation">, actor: TActor) {
  assertRole(actor, "ADMIN");
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: actor.organisation.id }, select: { level: true } });
  if (!CALENDAR_LEVELS.includes(org.level)) throw new ForbiddenError(CALENDAR_LEVEL_REFUSAL);
}

/** Recomputes the open paper-sync deadlines whose period (opened, due] contains `day`; returns how many moved. */
async function recomputePaperSync(tx: TScopedTx, day: string): Promise<number> {
  return tx.$executeRaw`${unscopedSql("the working-day calendar is national: every open paper-sync deadline that spans the changed day moves with it")}
    UPDATE work_item w SET due_date = s.due
      FROM (SELECT w.id, add_working_days(s.opened, COALESCE(policy_number('PAPER_SYNC_WORKING_DAYS', o.region_code, s.opened), 30)::integer) AS due
              FROM work_item w
              JOIN household_file f ON f.id = w.file_id
              JOIN organisation o ON o.id = f.organisation_id
              CROSS JOIN LATERAL (SELECT (w.created_at AT TIME ZONE 'Asia/Shanghai')::date AS opened) s
             WHERE w.kind = 'PAPER_SYNC' AND w.status = 'OPEN' AND s.opened < ${day}::date AND w.due_date >= ${day}::date) s
     WHERE w.id = s.id AND w.due_date <> s.due`;
}

const lockDay = (tx: TScopedTx, day: string) =>
  tx.$executeRaw`${unscopedSql("advisory lock on one calendar day, which belongs to no organisation")} SELECT pg_advisory_xact_lock(hashtext(${`calendar_day:${day}`}))`;

const describeDay = (row: { working: boolean; name: string | null; source: string } | null) =>
  row ? { working: row.working, name: row.name, source: row.source } : null;

export async function setCalendarDay(actor: TActor, input: TSetCalendarDayInput, today: string = todayInShanghai()) {
  assertRole(actor, "ADMIN");
  const refusal = calendarDayRefusal(input, today, packageYears());
  if (refusal) throw new DomainError(refusal.message, "CALENDAR_DAY_REFUSED", { [refusal.field]: refusal.message });
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    await assertMayKeepCalendar(tx, actor);
    await lockDay(tx, input.day);
    const before = await tx.calendarDay.findUnique({ where: { day: dateOnly(input.day) } });
    const values = { working: input.kind === "WORKDAY", name: input.name, source: "ADMIN" as const, enteredById: actor.userId, enteredAt: new Date() };
    await tx.calendarDay.upsert({ where: { day: dateOnly(input.day) }, create: { day: dateOnly(input.day), ...values }, update: values });
    const deadlinesMoved = await recomputePaperSync(tx, input.day);
    await recordAudit(tx, actor, {
      action: "calendar.set-day",
      entityType: "calendar_day",
      entityId: input.day,
      organisationId: actor.organisation.id,
      detail: { day: input.day, before: describeDay(before), after: describeDay(values), deadlinesMoved },
    });
    return { day: input.day, deadlinesMoved };
  });
}

/** Withdraws an administrator's entry; the day then counts as the package says, or by Monday–Friday. */
export async function removeCalendarDay(actor: TActor, input: TRemoveCalendarDayInput, today: string = todayInShanghai()) {
  assertRole(actor, "ADMIN");
  if (input.day < today) throw new DomainError("不能修改今天以前的日历：已经过去的日子不再影响期限。", "CALENDAR_DAY_REFUSED", { day: "不能早于今天" });
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    await assertMayKeepCalendar(tx, actor);
    await lockDay(tx, input.day);
    const before = await tx.calendarDay.findUnique({ where: { day: dateOnly(input.day) } });
    if (!before || before.source !== "ADMIN") throw new NotFoundError("该日期没有管理员录入的安排。");
    const fromPackage = packageDay(input.day);
    if (fromPackage) {
      await tx.calendarDay.update({ where: { day: before.day }, data: { ...fromPackage, source: "PACKAGE", enteredById: null, enteredAt: null } });
    } else {
      await tx.calendarDay.delete({ where: { day: before.day } });
    }
    const deadlinesMoved = await recomputePaperSync(tx, input.day);
    await recordAudit(tx, actor, {
      action: "calendar.remove-day",
      entityType: "calendar_day",
      entityId: input.day,
      organisationId: actor.organisation.id,
      detail: { day: input.day, before: describeDay(before), after: fromPackage ? describeDay({ ...fromPackage, source: "PACKAGE" }) : null, deadlinesMoved },
    });
    return { day: input.day, deadlinesMoved };
  });
}
