// Guards issue 8 §4, the rules of the file: a household in its observation period holds its
// members (one person, one file) and relapses into the same file; publicity cannot start before
// the review or far in the future, approval waits for the end of publicity and for every
// objection to be resolved by an official; a new draft naming a filed person warns on its first save.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { decideChange, proposeExit } from "@/lib/dynamic/changes";
import { draftPersonWarnings, saveDraft, submitFiling } from "@/lib/filing/save-filing";
import { ZSaveDraftInput, ZSubmitFilingInput } from "@/lib/filing/schemas";
import { approveFiling, recordCivilCheck, recordObjection, reopenFile, resolveObjection, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { attachRequiredEvidence, backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let official: TActor;
let tsCaseworker: TActor;
let county: string;
let sql: pg.Client;
const today = todayInShanghai();

const fileRow = (id: string) => prisma.householdFile.findUniqueOrThrow({ where: { id } });
const ref = async (fileId: string) => ({ fileId, expectedVersion: (await fileRow(fileId)).version });

/** Submitted and reviewed a week ago, so publicity may start in the past. */
async function reviewedWeekAgo(values = filingValues(county)) {
  const { fileId } = await submitNewFiling(caseworker, values);
  await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: addDays(today, -7) });
  await backdateReview(fileId, 7);
  return fileId;
}

async function inPublicityEndedYesterday(values = filingValues(county)) {
  const fileId = await reviewedWeekAgo(values);
  // 5 days (PUBLICITY_DAYS) from 5 days ago: the last day is yesterday.
  await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -5) });
  await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
  return fileId;
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
  county = (await orgByCode("GSLZCG")).id;
});

afterAll(async () => {
  await sql.end();
});

describe("a household in its observation period (渐退期)", () => {
  it("holds its members: none can be filed elsewhere, and the household relapses into the same file", async () => {
    const values = filingValues(county);
    const fileId = await inPublicityEndedYesterday(values);
    await approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" });
    const exit = await proposeExit(caseworker, { ...(await ref(fileId)), exitReason: "RESOLVED", reason: "收入稳定，已脱困" });
    await decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true });
    expect((await fileRow(fileId)).status).toBe("OBSERVATION");
    const spouse = (await fileRow(fileId)).data as { members: Array<{ residentId: string }> };
    expect(await prisma.filePerson.count({ where: { fileId, holds: true } })).toBe(3);

    // Another city's caseworker files the spouse into a household of their own.
    const tianshui = (await orgByCode("GSTSQZ")).id;
    const other = filingValues(tianshui);
    other.members[0] = { ...other.members[0]!, residentId: spouse.members[1]!.residentId, name: "李秀英", sex: "FEMALE", birthDate: "1980-11-02" };
    other.members = [other.members[0]!];
    const draft = await saveDraft(tsCaseworker, ZSaveDraftInput.parse({ data: other }));
    expect(draft.warnings).toEqual([expect.stringContaining("已在「城关区总工会」的档案 GSLZCG-")]);
    await attachRequiredEvidence(draft.fileId, tsCaseworker.userId);
    await expect(submitFiling(tsCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: other }))).rejects.toThrow(
      "一人只能在一个有效档案中",
    );
    // The database says so too.
    await expect(
      sql.query("INSERT INTO file_person (file_id, resident_id, is_holder) SELECT $1, resident_id, false FROM file_person WHERE file_id = $2 LIMIT 1", [
        (await submitNewFiling(caseworker, filingValues(county))).fileId,
        fileId,
      ]),
    ).rejects.toThrow(/file_person_one_active_file/);

    // Relapse (返困): the same file, a new episode, through the workflow.
    await reopenFile(caseworker, await ref(fileId));
    const reopened = await fileRow(fileId);
    await submitFiling(caseworker, ZSubmitFilingInput.parse({ fileId, expectedVersion: reopened.version, data: values }));
    expect(await fileRow(fileId)).toMatchObject({ status: "SUBMITTED", episode: 2 });
    expect(await prisma.filePerson.count({ where: { fileId, holds: true } })).toBe(3);
  });
});

describe("publicity dates", () => {
  it("cannot start before the first review, in code or in the database", async () => {
    const { fileId } = await submitNewFiling(caseworker, filingValues(county));
    await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
    await expect(startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -5) })).rejects.toThrow(
      `公示开始日期不能早于初审日期（${today}）`,
    );
    await expect(
      sql.query("UPDATE household_file SET publicity_start = CURRENT_DATE - 5, publicity_end = CURRENT_DATE - 1 WHERE id = $1", [fileId]),
    ).rejects.toThrow(/household_file_publicity_after_review/);
    expect((await fileRow(fileId)).status).toBe("REVIEWED");
  });

  it("may be set at most 3 days (PUBLICITY_START_MAX_DAYS_AHEAD) ahead, and lasts 5 days (PUBLICITY_DAYS) including the first", async () => {
    const fileId = await reviewedWeekAgo();
    await expect(startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, 4) })).rejects.toThrow(`公示开始日期最晚为 ${addDays(today, 3)}`);
    await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, 3) });
    const file = await fileRow(fileId);
    expect(file.publicityStart!.toISOString().slice(0, 10)).toBe(addDays(today, 3));
    expect(file.publicityEnd!.toISOString().slice(0, 10)).toBe(addDays(today, 7));
  });
});

describe("approval", () => {
  it("waits until the day after publicity's last day", async () => {
    const fileId = await reviewedWeekAgo();
    // From 4 days ago for 5 days: today is the last day.
    await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -4) });
    await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
    await expect(approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" })).rejects.toThrow(`公示期至 ${today} 结束`);
    await expect(
      sql.query("UPDATE household_file SET status = 'OPEN', tier = 'DEEP', file_number = 'X-1', approved_by_id = $2, approved_at = now() WHERE id = $1", [
        fileId,
        official.userId,
      ]),
    ).rejects.toThrow(/before its publicity has ended/);
  });

  it("is blocked by an unresolved objection until an official other than the submitter records how it was resolved", async () => {
    const fileId = await inPublicityEndedYesterday();
    await recordObjection(caseworker, { ...(await ref(fileId)), receivedOn: today, content: "邻居反映其有出租房屋收入" });
    const objection = await prisma.publicityObjection.findFirstOrThrow({ where: { fileId } });
    await expect(approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" })).rejects.toThrow("有 1 条公示异议尚未登记处理结果");
    await expect(
      sql.query("UPDATE household_file SET status = 'OPEN', tier = 'DEEP', file_number = 'X-2', approved_by_id = $2, approved_at = now() WHERE id = $1", [
        fileId,
        official.userId,
      ]),
    ).rejects.toThrow(/unresolved publicity objection/);
    // A caseworker cannot resolve it; an empty resolution is refused by the schema (see schemas).
    await expect(resolveObjection(caseworker, { ...(await ref(fileId)), objectionId: objection.id, resolution: "已核实" })).rejects.toThrow("没有权限");

    const second = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
    const input = { ...(await ref(fileId)), objectionId: objection.id, resolution: "经入户核实，出租房屋为亲属所有，异议不成立" };
    const results = await Promise.allSettled([resolveObjection(official, input), resolveObjection(second, input)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message).toMatch(/他人|已登记处理结果/);
    expect(await prisma.objectionResolution.count({ where: { objectionId: objection.id } })).toBe(1);
    await expect(sql.query("UPDATE objection_resolution SET resolution = 'x'")).rejects.toThrow(/permission denied/);

    await approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" });
    const events = await prisma.filingEvent.findMany({ where: { fileId }, orderBy: { id: "asc" }, select: { kind: true } });
    expect(events.map((e) => e.kind).slice(-3)).toEqual(["OBJECTION_RECORDED", "OBJECTION_RESOLVED", "APPROVED"]);
  });
});

describe("the duplicate-person warning", () => {
  it("is given on the first save of a new draft, and shown on the draft's page", async () => {
    const fileId = await inPublicityEndedYesterday();
    const held = ((await fileRow(fileId)).data as { members: Array<{ residentId: string; name: string }> }).members[2]!;
    const values = filingValues(county);
    values.members[2] = { ...values.members[2]!, residentId: held.residentId };
    const first = await saveDraft(caseworker, ZSaveDraftInput.parse({ data: values }));
    const expected = expect.stringContaining("已在「城关区总工会」提交的档案（公示中）中");
    expect(first.warnings).toEqual([expected]);
    expect(await draftPersonWarnings(caseworker, first.fileId)).toEqual([expected]);
  });
});
