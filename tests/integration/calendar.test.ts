// Guards the calendar jobs (定时任务与档案合规) with a controlled clock ("today" passed in): the
// daily job's work items (re-checks due and overdue, observation and publicity ended, the resolved
// rule, retention), a run interrupted half-way and run again, one run at a time; working days with
// Chinese holidays and make-up days; the paper-sync item on every content change; the seeded,
// reproducible spot check and its findings; disposal after retention with a tombstone. Scope: a
// Tianshui user (attacker) neither sees nor acts on Lanzhou's (victim's) items and checks.
import { createRequire } from "node:module";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { completeWorkItem } from "@/lib/calendar/complete-work-item";
import { disposeFile } from "@/lib/calendar/dispose-file";
import { findWorkItemList, findWorkItems } from "@/lib/calendar/find-work-items";
import { DAILY_STEPS, runDailyCalendar, runDailySteps } from "@/lib/calendar/run-daily-calendar";
import { runJob } from "@/lib/calendar/run-job";
import { drawSample, sampleSize } from "@/lib/calendar/sample";
import { ZRecordFindingInput } from "@/lib/calendar/schemas";
import { getSpotCheck, recordFinding, startSpotCheck } from "@/lib/calendar/spot-checks";
import { addWorkingDays, syncWorkingCalendar } from "@/lib/calendar/working-days";
import { prisma } from "@/lib/db/client";
import { ZSubmitFilingData } from "@/lib/filing/schemas";
import { addDays, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { filingValues } from "../support/filing-factory";

// The controlled clock: a fixed day, far from the real one so nothing depends on when tests run.
const T = "2031-06-15";
let lzCaseworker: TActor;
let lzOfficial: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let lanzhouCounty: string;
let sql: pg.Client;

beforeAll(async () => {
  await seedDemo();
  lzCaseworker = await actorFor("lz_caseworker");
  lzOfficial = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
  tsOfficial = await actorFor("ts_official");
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  await syncWorkingCalendar();
});
afterAll(async () => {
  await sql.end();
});

let seq = 0;
type TFileOptions = { status?: string; nextCheckDue?: string; observationUntil?: string; publicityEnd?: string; exitedAt?: string };
/** A file in the given state, written directly (the workflows have their own tests). */
async function file(options: TFileOptions = {}, organisationId = lanzhouCounty) {
  seq += 1;
  const data = ZSubmitFilingData.parse(filingValues(organisationId));
  const holder = data.members[0]!;
  const status = options.status ?? "OPEN";
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, reviewed_by_id, reviewed_at, home_visit_date,
       publicity_start, publicity_end, approved_by_id, approved_at, opened_at, civil_check_result, next_check_due, exit_reason, exited_at, observation_until)
     VALUES ($1, $2, $3::file_status, $4, $5, $6, 3, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $7, $7, now(), $8, now(), '2031-01-01',
       CASE WHEN $3 = 'PUBLICITY' THEN $11::date - 5 END, $11::date,
       CASE WHEN $3 <> 'PUBLICITY' THEN $8::uuid END, CASE WHEN $3 <> 'PUBLICITY' THEN now() END, now(), 'CONSISTENT', $9::date,
       CASE WHEN $3 IN ('OBSERVATION', 'CLOSED') THEN 'RESOLVED'::exit_reason END, $12::timestamptz, $10::date)
     RETURNING id`,
    [
      organisationId,
      status === "PUBLICITY" ? null : `C-${seq}-${Date.now()}`,
      status,
      JSON.stringify(data),
      holder.name,
      holder.residentId,
      lzCaseworker.userId,
      lzOfficial.userId,
      options.nextCheckDue ?? (status === "OPEN" ? "2031-12-31" : null),
      options.observationUntil ?? null,
      options.publicityEnd ?? null,
      options.exitedAt ?? null,
    ],
  );
  return rows[0]!.id;
}

async function recheck(fileId: string, checkDate: string, suggestedTier: string | null) {
  await sql.query(
    `INSERT INTO recheck (file_id, episode, check_date, visitors, recorded_by_id, figures, per_capita_monthly_fen, suggested_tier, tier_at_check, outcome)
     VALUES ($1, 1, $2, '王静', $3, '{}', 200000, $4::tier, 'DEEP', 'CONFIRM')`,
    [fileId, checkDate, lzCaseworker.userId, suggestedTier],
  );
}

/**
 * The oracle for the trigger: working days after `from` up to and including `to`, read straight
 * from the State Council's calendar as the chinese-days package publishes it (a listed holiday is
 * off, a listed make-up day is worked, any other day is worked Monday to Friday).
 */
function publishedWorkingDaysBetween(from: string, to: string): number {
  const published = createRequire(import.meta.url)("chinese-days/dist/chinese-days.json") as {
    holidays: Record<string, string>;
    workdays: Record<string, string>;
  };
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (day in published.holidays) continue;
    if (day in published.workdays || (weekday >= 1 && weekday <= 5)) count += 1;
  }
  return count;
}

const openItems = (kind: string) =>
  prisma.workItem.findMany({ where: { kind: kind as never, status: "OPEN" }, select: { fileId: true, dueDate: true, sourceKey: true } });

describe("working days", () => {
  it("skip Chinese public holidays and count make-up Saturdays", async () => {
    // 2026: 国庆 1–7 October, make-up working day Saturday 10 October; 中秋 25 September (Friday).
    expect(await addWorkingDays("2026-09-30", 1)).toBe("2026-10-08");
    expect(await addWorkingDays("2026-09-30", 3)).toBe("2026-10-10");
    expect(await addWorkingDays("2026-09-24", 1)).toBe("2026-09-28");
    // A year the package does not list yet: Monday to Friday.
    expect(await addWorkingDays("2031-06-13", 1)).toBe("2031-06-16");
  });

  it("counts the paper-sync period (30 working days) across 中秋 and 国庆 as the published 2026 calendar has it", async () => {
    // From Monday 21 September 2026: 22–24 Sep (3; 中秋 25–27 Sep off), 28–30 Sep (6), 国庆 1–7 Oct
    // off, 8–9 Oct and the make-up Saturday 10 Oct (9), 12–16 Oct (14), 19–23 Oct (19),
    // 26–30 Oct (24), 2–6 Nov (29), Monday 9 November (30).
    expect(await addWorkingDays("2026-09-21", 30)).toBe("2026-11-09");
  });
});

describe("the daily job", () => {
  type TKey =
    | "dueSoon"
    | "overdue"
    | "later"
    | "observationEnded"
    | "observationRunning"
    | "publicityEnded"
    | "retentionEnded"
    | "retentionRunning"
    | "resolved"
    | "relapsed"
    | "tooRecent";
  const f = {} as Record<TKey, string>;
  beforeAll(async () => {
    f.dueSoon = await file({ nextCheckDue: "2031-06-20" });
    f.overdue = await file({ nextCheckDue: "2031-06-10" });
    f.later = await file({ nextCheckDue: "2031-09-01" });
    f.observationEnded = await file({ status: "OBSERVATION", observationUntil: "2031-06-14", exitedAt: "2030-06-14T02:00:00Z" });
    f.observationRunning = await file({ status: "OBSERVATION", observationUntil: "2031-07-01", exitedAt: "2030-07-01T02:00:00Z" });
    f.publicityEnded = await file({ status: "PUBLICITY", publicityEnd: "2031-06-15" });
    f.retentionEnded = await file({ status: "CLOSED", exitedAt: "2021-06-14T16:30:00Z" }); // 2021-06-15 in China
    f.retentionRunning = await file({ status: "CLOSED", exitedAt: "2021-06-15T16:30:00Z" }); // 2021-06-16 in China
    f.resolved = await file();
    await recheck(f.resolved, "2030-12-01", null);
    await recheck(f.resolved, "2031-03-01", null);
    f.relapsed = await file();
    await recheck(f.relapsed, "2030-12-01", null);
    await recheck(f.relapsed, "2031-04-01", "RELATIVE");
    f.tooRecent = await file();
    await recheck(f.tooRecent, "2031-01-20", null);
  });

  it("completes a run interrupted half-way, and a second run adds nothing", async () => {
    await expect(
      runJob("calendar-daily", T, async () => {
        await runDailySteps(T, DAILY_STEPS.slice(0, 2));
        throw new Error("进程被终止");
      }),
    ).rejects.toThrow("进程被终止");
    expect((await openItems("RECHECK_DUE")).length).toBe(2);
    expect(await prisma.jobRun.findFirst({ where: { job: "calendar-daily", status: "FAILED" } })).toMatchObject({
      error: expect.stringContaining("进程被终止"),
    });

    const first = await runDailyCalendar(T);
    expect(first.ran).toBe(true);
    const second = await runDailyCalendar(T);
    expect(second.ran && Object.values(second.result).every((s) => s.created === 0)).toBe(true);

    expect((await openItems("RECHECK_DUE")).map((i) => i.fileId).sort()).toEqual([f.dueSoon, f.overdue].sort());
    expect((await openItems("OBSERVATION_ENDED")).map((i) => i.fileId)).toEqual([f.observationEnded]);
    expect((await openItems("PUBLICITY_ENDED")).map((i) => i.fileId)).toEqual([f.publicityEnded]);
    expect((await openItems("EXIT_SUGGESTED")).map((i) => i.fileId)).toEqual([f.resolved]);
    expect(await openItems("RETENTION_ENDED")).toEqual([{ fileId: f.retentionEnded, dueDate: new Date("2031-06-15T00:00:00Z"), sourceKey: "2021-06-15" }]);
    expect(await prisma.jobRun.count({ where: { job: "calendar-daily", status: "SUCCEEDED" } })).toBe(2);
  });

  it("closes an item whose condition no longer holds", async () => {
    await sql.query("UPDATE household_file SET next_check_due = '2031-09-10' WHERE id = $1", [f.overdue]);
    await runDailyCalendar(T);
    expect((await openItems("RECHECK_DUE")).map((i) => i.fileId)).toEqual([f.dueSoon]);
    expect(await prisma.workItem.findFirst({ where: { fileId: f.overdue, kind: "RECHECK_DUE" } })).toMatchObject({ status: "OBSOLETE" });
  });

  it("runs once at a time: a second start while one runs does nothing", async () => {
    let release!: () => void;
    let working!: () => void;
    const holdingTheLock = new Promise<void>((resolve) => (working = resolve));
    const held = runJob(
      "calendar-daily",
      T,
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve("done");
          working();
        }),
    );
    // The work has started, so the first run holds the job's lock.
    await holdingTheLock;
    await expect(runDailyCalendar(T)).resolves.toEqual({ ran: false, reason: "ALREADY_RUNNING" });
    release();
    await expect(held).resolves.toMatchObject({ ran: true, result: "done" });
  });

  it("shows the items in scope, with counts and overdue, to Lanzhou and not to Tianshui", async () => {
    const summary = await findWorkItems(lzCaseworker, { today: T });
    expect(summary.find((s) => s.kind === "RECHECK_DUE")).toMatchObject({
      label: "动态核查到期",
      count: 1,
      overdue: 0,
      nextDue: "2031-06-20",
      href: "/tasks?kind=RECHECK_DUE",
    });
    expect(summary.find((s) => s.kind === "OBSERVATION_ENDED")).toMatchObject({ count: 1, overdue: 1 });
    expect(await findWorkItems(tsCaseworker, { today: T })).toEqual([]);
    expect((await findWorkItemList(tsOfficial, { kind: "RETENTION_ENDED", page: 1, today: T })).total).toBe(0);
    expect((await findWorkItemList(lzOfficial, { kind: "RETENTION_ENDED", page: 1, today: T })).rows[0]?.file.id).toBe(f.retentionEnded);
  });

  it("disposes of a file's evidence after retention, keeping a tombstone, the file and the ledger", async () => {
    await sql.query(
      "INSERT INTO evidence_file (file_id, kind, original_name, content_type, size_bytes, sha256, storage_key, uploaded_by_id) VALUES ($1, 'APPLICATION', 'a.pdf', 'application/pdf', 10, $2, $3, $4)",
      [f.retentionEnded, "0".repeat(64), `test/${f.retentionEnded}`, lzCaseworker.userId],
    );
    await expect(disposeFile(lzCaseworker, { fileId: f.retentionEnded }, { today: T })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(disposeFile(tsOfficial, { fileId: f.retentionEnded }, { today: T })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(disposeFile(lzOfficial, { fileId: f.retentionRunning }, { today: T })).rejects.toMatchObject({
      code: "RETENTION_RUNNING",
      message: expect.stringContaining("2031-06-16"),
    });
    await disposeFile(lzOfficial, { fileId: f.retentionEnded }, { today: T });
    expect(await prisma.evidenceFile.count({ where: { fileId: f.retentionEnded } })).toBe(0);
    expect(await prisma.fileDisposal.findUniqueOrThrow({ where: { fileId: f.retentionEnded } })).toMatchObject({
      evidenceCount: 1,
      approvedById: lzOfficial.userId,
    });
    expect(await prisma.householdFile.findUniqueOrThrow({ where: { id: f.retentionEnded } })).toMatchObject({ status: "CLOSED", disposedAt: expect.any(Date) });
    expect(await openItems("RETENTION_ENDED")).toEqual([]);
    await expect(disposeFile(lzOfficial, { fileId: f.retentionEnded }, { today: T })).rejects.toMatchObject({ code: "CONFLICT" });
    // The application role may not delete at all; the owner would be stopped by the trigger.
    await expect(sql.query("DELETE FROM file_disposal")).rejects.toThrow(/append-only|permission denied/);
  });
});

describe("paper and electronic in step", () => {
  it("opens one sync item per change of an approved file, due in 30 working days; the caseworker marks it done", async () => {
    const id = await file();
    const noChange = await prisma.workItem.count({ where: { fileId: id, kind: "PAPER_SYNC" } });
    expect(noChange).toBe(0);
    await sql.query('UPDATE household_file SET data = data || \'{"needs": "医疗救助"}\', version = version + 1 WHERE id = $1', [id]);
    await sql.query('UPDATE household_file SET data = data || \'{"needs": "医疗与助学"}\', version = version + 1 WHERE id = $1', [id]);
    const items = await prisma.workItem.findMany({ where: { fileId: id, kind: "PAPER_SYNC" } });
    expect(items).toHaveLength(1);
    // The trigger counts from the real today; the count is checked against the published calendar.
    expect(publishedWorkingDaysBetween(todayInShanghai(), dateOnlyString(items[0]!.dueDate))).toBe(30);
    expect(publishedWorkingDaysBetween(addDays(dateOnlyString(items[0]!.dueDate), -1), dateOnlyString(items[0]!.dueDate))).toBe(1);

    const recheckItem = await prisma.workItem.findFirstOrThrow({ where: { kind: "RECHECK_DUE" } });
    await expect(completeWorkItem(lzCaseworker, { itemId: recheckItem.id })).rejects.toMatchObject({ code: "NOT_MANUAL" });
    await expect(completeWorkItem(tsCaseworker, { itemId: items[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(completeWorkItem(lzOfficial, { itemId: items[0]!.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await completeWorkItem(lzCaseworker, { itemId: items[0]!.id, note: "已补入纸质档案" });
    await expect(completeWorkItem(lzCaseworker, { itemId: items[0]!.id })).rejects.toMatchObject({ code: "CONFLICT" });
    // The next change opens a new item.
    await sql.query("UPDATE household_file SET tier = 'RELATIVE', version = version + 1 WHERE id = $1", [id]);
    expect(await prisma.workItem.count({ where: { fileId: id, kind: "PAPER_SYNC", status: "OPEN" } })).toBe(1);
  });
});

describe("the annual spot check", () => {
  it("draws a reproducible sample of at least the share", () => {
    const ids = Array.from({ length: 10 }, (_, i) => `id-${String(i).padStart(2, "0")}`);
    expect(sampleSize(10, 0.3)).toBe(3);
    expect(sampleSize(7, 0.3)).toBe(3);
    expect(sampleSize(0, 0.3)).toBe(0);
    const a = drawSample(ids, 20261201, 0.3);
    expect(a).toHaveLength(3);
    expect(new Set(a).size).toBe(3);
    expect(a.every((id) => ids.includes(id))).toBe(true);
    // The same seed with the ids in any order gives the same sample.
    expect(drawSample([...ids].reverse(), 20261201, 0.3)).toEqual(a);
    expect(drawSample(ids, 7, 0.3)).not.toEqual(a);
  });

  it("samples the organisation's open files with a stored seed and takes findings", async () => {
    const county = await orgByCode("GSLZQLH");
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await file({}, county.id));
    await expect(startSpotCheck(lzCaseworker, { organisationId: county.id }, { today: T })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(startSpotCheck(tsOfficial, { organisationId: county.id }, { today: T })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const started = await startSpotCheck(lzOfficial, { organisationId: county.id }, { today: T, seed: 424242 });
    expect(started).toMatchObject({ population: 7, sampled: 3 });
    const check = await getSpotCheck(lzOfficial, started.spotCheckId);
    expect(check.seed).toBe("424242");
    expect(check.records.map((r) => r.fileId).sort()).toEqual(drawSample(ids, 424242, 0.3).sort());
    await expect(startSpotCheck(lzOfficial, { organisationId: county.id }, { today: T })).rejects.toMatchObject({ code: "CONFLICT" });

    expect(ZRecordFindingInput.safeParse({ recordId: check.records[0]!.id, finding: "WRONGLY_FILED", note: "" }).success).toBe(false);
    await recordFinding(lzCaseworker, ZRecordFindingInput.parse({ recordId: check.records[0]!.id, finding: "WRONGLY_FILED", note: "家庭有经营性收入未申报" }));
    await recordFinding(lzCaseworker, ZRecordFindingInput.parse({ recordId: check.records[1]!.id, finding: "ACCURATE", note: "" }));
    await expect(
      recordFinding(tsCaseworker, ZRecordFindingInput.parse({ recordId: check.records[2]!.id, finding: "ACCURATE", note: "" })),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const after = await getSpotCheck(lzOfficial, started.spotCheckId);
    expect(after.recorded).toBe(2);
    expect(after.rates).toEqual({ wronglyFiled: 0.5, wronglyExited: 0, missedExit: 0 });
  });
});
