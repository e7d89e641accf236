// Guards 日历维护: chinese-days covers only published years, so an administrator of the national or
// a province union enters the holidays and make-up working days of a later year. Bad input gets a
// Chinese error and writes nothing; another role, or a city union's administrator, is refused; each
// entry is audited with before and after; add_working_days (the paper-sync trigger's deadline)
// skips an entered holiday and counts an entered make-up day; open paper-sync deadlines across a
// changed day move with it; and the package sync never overwrites a day an administrator entered.
// Dates are in 2028, a year the installed package does not list (checked first); "today" is passed in.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runActionAs } from "@/lib/actions/run-action";
import type { TActor } from "@/lib/auth/actor";
import { findCalendarCoverage } from "@/lib/calendar/find-calendar-coverage";
import { CALENDAR_LEVEL_REFUSAL } from "@/lib/calendar/rules";
import { ZRemoveCalendarDayInput, ZSetCalendarDayInput, type TRemoveCalendarDayInput, type TSetCalendarDayInput } from "@/lib/calendar/schemas";
import { removeCalendarDay, setCalendarDay } from "@/lib/calendar/set-calendar-day";
import { addWorkingDays, packageYears, syncWorkingCalendar } from "@/lib/calendar/working-days";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";

const TODAY = "2026-12-02";
let sql: pg.Client;
let gsAdmin: TActor;
let lzAdmin: TActor;
let lzOfficial: TActor;
let lzCaseworker: TActor;

const set = (actor: TActor, body: Record<string, unknown>, today = TODAY) =>
  runActionAs(ZSetCalendarDayInput, (a, input: TSetCalendarDayInput) => setCalendarDay(a, input, today), actor, body);
const remove = (actor: TActor, body: Record<string, unknown>, today = TODAY) =>
  runActionAs(ZRemoveCalendarDayInput, (a, input: TRemoveCalendarDayInput) => removeCalendarDay(a, input, today), actor, body);

const adminDays = async () =>
  (
    await sql.query<{ day: string; working: boolean; name: string; source: string }>(
      "SELECT day::text, working, name, source::text FROM calendar_day WHERE source = 'ADMIN' ORDER BY day",
    )
  ).rows;
const calendarAudits = async () =>
  (
    await sql.query<{ action: string; entity_id: string; actor_id: string; detail: Record<string, unknown> }>(
      "SELECT action, entity_id, actor_id, detail FROM audit_event WHERE entity_type = 'calendar_day' ORDER BY id",
    )
  ).rows;

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  await syncWorkingCalendar();
  [gsAdmin, lzAdmin, lzOfficial, lzCaseworker] = (await Promise.all(["gs_admin", "lz_admin", "lz_official", "lz_caseworker"].map(actorFor))) as [
    TActor,
    TActor,
    TActor,
    TActor,
  ];
});

afterAll(async () => {
  await sql.end();
});

describe("日历维护", () => {
  it("works on a year the package does not list", () => {
    expect(packageYears()).toContain(2026);
    expect(packageYears()).not.toContain(2028);
  });

  it("refuses bad input with a Chinese error on the field and writes nothing", async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ day: "2028-02-30", kind: "HOLIDAY", name: "春节" }, "day", "2028-02-30 这一天不存在（该月没有这么多天），请重新选择日期"],
      [{ day: "2028/01/26", kind: "HOLIDAY", name: "春节" }, "day", "请选择日期"],
      [{ day: "2028-01-26", kind: "REST", name: "春节" }, "kind", "请选择放假或调休上班"],
      [{ day: "2028-01-26", kind: "HOLIDAY", name: "   " }, "name", "请填写名称"],
      [{ day: "2028-01-26", kind: "HOLIDAY", name: "春".repeat(31) }, "name", "名称不能超过 30 个字"],
      // 2028-01-26 is a Wednesday: it is a working day already.
      [{ day: "2028-01-26", kind: "WORKDAY", name: "调休" }, "kind", "调休上班只能设在周六或周日：周一至周五本来就是工作日。"],
      [{ day: "2026-11-30", kind: "HOLIDAY", name: "补假" }, "day", "不能修改今天以前的日历：已经过去的日子不再影响期限。"],
      [
        { day: "2026-12-31", kind: "HOLIDAY", name: "跨年" },
        "day",
        "2026 年的节假日已由 chinese-days 数据收录（以国务院办公厅公布的安排为准），不能在此修改。",
      ],
      [{ day: "2029-10-01", kind: "HOLIDAY", name: "国庆节" }, "day", "只能录入 2 年以内的安排。"],
    ];
    for (const [body, field, message] of cases) {
      const result = await set(gsAdmin, body);
      expect(result, JSON.stringify(body)).toMatchObject({ ok: false, fieldErrors: { [field]: message } });
    }
    expect(await remove(gsAdmin, { day: "2028-01-26" })).toMatchObject({ ok: false, error: "该日期没有管理员录入的安排。" });
    expect(await adminDays()).toEqual([]);
    expect(await calendarAudits()).toEqual([]);
  });

  it("lets only an administrator of the national or a province union keep the calendar", async () => {
    const body = { day: "2028-01-26", kind: "HOLIDAY", name: "春节" };
    expect(await set(lzOfficial, body)).toMatchObject({ ok: false, error: "您没有权限执行此操作。" });
    expect(await set(lzAdmin, body)).toMatchObject({ ok: false, error: CALENDAR_LEVEL_REFUSAL });
    expect(await remove(lzAdmin, { day: "2028-01-26" })).toMatchObject({ ok: false, error: CALENDAR_LEVEL_REFUSAL });
    expect(await adminDays()).toEqual([]);
    expect(await calendarAudits()).toEqual([]);
    expect((await findCalendarCoverage(lzAdmin, TODAY)).mayEdit).toBe(false);
    expect((await findCalendarCoverage(gsAdmin, TODAY)).mayEdit).toBe(true);
    await expect(findCalendarCoverage(lzOfficial, TODAY)).rejects.toThrow("没有权限");
  });

  it("records holidays and a make-up day that add_working_days then follows, each audited with before and after", async () => {
    // 2028-01-25 is a Tuesday; without entries the next working day is the Wednesday.
    expect(await addWorkingDays("2028-01-25", 1)).toBe("2028-01-26");
    expect(await set(gsAdmin, { day: "2028-01-26", kind: "HOLIDAY", name: "春节" })).toMatchObject({ ok: true });
    expect(await set(gsAdmin, { day: "2028-01-27", kind: "HOLIDAY", name: "春节" })).toMatchObject({ ok: true });
    expect(await set(gsAdmin, { day: "2028-01-29", kind: "WORKDAY", name: "春节调休上班" })).toMatchObject({ ok: true });
    expect(await addWorkingDays("2028-01-25", 1)).toBe("2028-01-28");
    expect(await addWorkingDays("2028-01-25", 2)).toBe("2028-01-29"); // the Saturday make-up day
    expect(await addWorkingDays("2028-01-25", 3)).toBe("2028-01-31");

    // Entering a date again corrects it.
    expect(await set(gsAdmin, { day: "2028-01-27", kind: "HOLIDAY", name: "春节假期" })).toMatchObject({ ok: true });
    expect(await adminDays()).toEqual([
      { day: "2028-01-26", working: false, name: "春节", source: "ADMIN" },
      { day: "2028-01-27", working: false, name: "春节假期", source: "ADMIN" },
      { day: "2028-01-29", working: true, name: "春节调休上班", source: "ADMIN" },
    ]);
    const audits = await calendarAudits();
    expect(audits.map((a) => [a.action, a.entity_id, a.actor_id])).toEqual([
      ["calendar.set-day", "2028-01-26", gsAdmin.userId],
      ["calendar.set-day", "2028-01-27", gsAdmin.userId],
      ["calendar.set-day", "2028-01-29", gsAdmin.userId],
      ["calendar.set-day", "2028-01-27", gsAdmin.userId],
    ]);
    expect(audits[0]!.detail).toEqual({ day: "2028-01-26", before: null, after: { working: false, name: "春节", source: "ADMIN" }, deadlinesMoved: 0 });
    expect(audits[3]!.detail).toMatchObject({
      before: { working: false, name: "春节", source: "ADMIN" },
      after: { working: false, name: "春节假期", source: "ADMIN" },
    });

    const coverage = await findCalendarCoverage(gsAdmin, TODAY);
    expect(coverage.years.find((y) => y.year === 2028)).toEqual({ year: 2028, fromPackage: false, adminDays: 3, withinHorizon: false });
    expect(coverage.enteredOnly).toEqual([]);
    expect(coverage.days.map((d) => [d.day, d.enteredBy])).toEqual([
      ["2028-01-26", "马志强"],
      ["2028-01-27", "马志强"],
      ["2028-01-29", "马志强"],
    ]);
  });

  it("serialises two administrators correcting the same day at once: both audited, each with what it replaced", async () => {
    const gsAdmin2 = await actorFor((await createTestUser({ orgCode: "GS", roles: ["ADMIN"] })).username);
    const results = await Promise.all([
      set(gsAdmin, { day: "2028-02-05", kind: "WORKDAY", name: "春节调休上班" }),
      set(gsAdmin2, { day: "2028-02-05", kind: "WORKDAY", name: "调休上班" }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const audits = (await calendarAudits()).filter((a) => a.entity_id === "2028-02-05");
    expect(audits).toHaveLength(2);
    expect(audits[0]!.detail.before).toBeNull();
    expect(audits[1]!.detail.before).toEqual(audits[0]!.detail.after);
    expect((await adminDays()).find((d) => d.day === "2028-02-05")).toEqual({
      day: "2028-02-05",
      working: true,
      name: (audits[1]!.detail.after as { name: string }).name,
      source: "ADMIN",
    });
  });

  it("moves an open paper-sync deadline across the changed day, and only that one", async () => {
    const county = (await orgByCode("GSLZCG")).id;
    const people = { caseworker: lzCaseworker, official: lzOfficial };
    const [open, done, earlier] = [
      await insertOpenFile(sql, people, county),
      await insertOpenFile(sql, people, county),
      await insertOpenFile(sql, people, county),
    ];
    // Opened Monday 2028-04-03: 30 working days (Monday–Friday) end on Monday 2028-05-15.
    const item = (fileId: string, opened: string, due: string, status = "OPEN") =>
      sql.query(
        `INSERT INTO work_item (kind, file_id, source_key, due_date, created_at, status, completed_at, completed_by_id)
         VALUES ('PAPER_SYNC', $1, 'test', $2::date, ($3 || ' 09:00')::timestamp AT TIME ZONE 'Asia/Shanghai', $4::work_item_status,
                 CASE WHEN $4 = 'DONE' THEN now() END, CASE WHEN $4 = 'DONE' THEN $5::uuid END)`,
        [fileId, due, opened, status, lzCaseworker.userId],
      );
    await item(open.fileId, "2028-04-03", "2028-05-15");
    await item(done.fileId, "2028-04-03", "2028-05-15", "DONE");
    await item(earlier.fileId, "2028-03-20", "2028-04-28");
    const dueOf = async (fileId: string) =>
      (await sql.query<{ d: string }>("SELECT due_date::text AS d FROM work_item WHERE file_id = $1", [fileId])).rows[0]!.d;

    expect(await set(gsAdmin, { day: "2028-05-01", kind: "HOLIDAY", name: "劳动节" })).toEqual({ ok: true, data: { day: "2028-05-01", deadlinesMoved: 1 } });
    expect(await dueOf(open.fileId)).toBe("2028-05-16");
    expect(await dueOf(done.fileId)).toBe("2028-05-15");
    expect(await dueOf(earlier.fileId)).toBe("2028-04-28");
    expect((await calendarAudits()).at(-1)!.detail).toMatchObject({ day: "2028-05-01", deadlinesMoved: 1 });

    // Withdrawn: the day counts by Monday–Friday again, and the deadline moves back.
    expect(await remove(gsAdmin, { day: "2028-05-01" })).toEqual({ ok: true, data: { day: "2028-05-01", deadlinesMoved: 1 } });
    expect(await dueOf(open.fileId)).toBe("2028-05-15");
    expect((await adminDays()).map((d) => d.day)).not.toContain("2028-05-01");
    expect((await calendarAudits()).at(-1)).toMatchObject({
      action: "calendar.remove-day",
      entity_id: "2028-05-01",
      detail: { before: { name: "劳动节" }, after: null },
    });
  });

  it("keeps an administrator's day through a package sync, while package days are rewritten", async () => {
    // As if an administrator had entered 2026-10-01 before the package listed 2026: theirs counts.
    await sql.query(
      `INSERT INTO calendar_day (day, working, name, source, entered_by_id, entered_at) VALUES ('2026-10-01', true, '管理员更正', 'ADMIN', $1, now())
       ON CONFLICT (day) DO UPDATE SET working = true, name = '管理员更正', source = 'ADMIN', entered_by_id = $1, entered_at = now()`,
      [gsAdmin.userId],
    );
    // A package day altered by hand is put back by the sync.
    await sql.query("UPDATE calendar_day SET working = true, name = '被改动' WHERE day = '2026-10-02'");
    await syncWorkingCalendar();
    const row = async (day: string) => (await sql.query("SELECT working, name, source::text FROM calendar_day WHERE day = $1", [day])).rows[0];
    expect(await row("2026-10-01")).toEqual({ working: true, name: "管理员更正", source: "ADMIN" });
    expect(await row("2026-10-02")).toEqual({ working: false, name: "国庆节", source: "PACKAGE" });
    expect((await findCalendarCoverage(gsAdmin, "2026-09-01")).days.find((d) => d.day === "2026-10-01")).toMatchObject({
      differsFromPackage: true,
      removable: true,
    });

    // Withdrawing it restores what the package says.
    expect(await remove(gsAdmin, { day: "2026-10-01" }, "2026-09-01")).toMatchObject({ ok: true });
    expect(await row("2026-10-01")).toEqual({ working: false, name: "国庆节", source: "PACKAGE" });
  });

  it("warns about the next year when deadlines already reach into it and nothing covers it", async () => {
    const coverage = await findCalendarCoverage(gsAdmin, TODAY);
    expect(coverage.lastPackageYear).toBe(2026);
    expect(coverage.years.find((y) => y.year === 2027)).toEqual({ year: 2027, fromPackage: false, adminDays: 0, withinHorizon: true });
    expect(coverage.uncovered).toEqual([2027]);
    // In June the next year is still beyond the horizon.
    expect((await findCalendarCoverage(gsAdmin, "2026-06-01")).uncovered).toEqual([]);
  });
});
