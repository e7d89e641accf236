// Guards the return-to-hardship warnings (返困预警, issue 25): each rule raised by the daily run from
// the recorded facts with its reason written out, only once per fact however often the run goes
// (also after a warning was dismissed), acted on by 发起复核 / 返困重新建档 / 排除 with an audit row,
// never deleted; post-exit check-ins opened and answered by a visit. Scope: a Tianshui caseworker
// (attacker) neither sees nor acts on Lanzhou's (victim's) warnings. Two people acting at once: one wins.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { runDailySteps } from "@/lib/calendar/run-daily-calendar";
import { prisma } from "@/lib/db/client";
import { decideChange, proposeExit } from "@/lib/dynamic/changes";
import { recordVisit } from "@/lib/dynamic/pairing";
import { ZRecordVisitInput } from "@/lib/dynamic/schemas";
import { approveFiling, recordCivilCheck, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, addMonths, dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { actOnWarning } from "@/lib/warnings/act-on-warning";
import { findWarnings, openWarningsSummary } from "@/lib/warnings/find-warnings";
import { raiseWarnings } from "@/lib/warnings/raise-warnings";
import { ZActOnWarningInput } from "@/lib/warnings/schemas";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let secondCaseworker: TActor;
let official: TActor;
let tsCaseworker: TActor;
let county: string;
const today = todayInShanghai();

const fileRow = (id: string) => prisma.householdFile.findUniqueOrThrow({ where: { id } });
const ref = async (fileId: string) => ({ fileId, expectedVersion: (await fileRow(fileId)).version });
const warningsOf = (fileId: string) => prisma.hardshipWarning.findMany({ where: { fileId }, orderBy: { raisedAt: "asc" } });

async function openFile(tier: "DEEP" | "RELATIVE" = "DEEP", organisationId = county) {
  const values = filingValues(organisationId);
  const { fileId } = await submitNewFiling(caseworker, values);
  await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
  await backdateReview(fileId, 7);
  await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -6) });
  await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
  await approveFiling(official, { ...(await ref(fileId)), tier });
  return { fileId, holderId: String(values.members[0]!.residentId) };
}

/** An exited (脱困) household in its observation period, exited `monthsAgo` months ago. */
async function exitedFile(monthsAgo = 0, organisationId = county) {
  const file = await openFile("DEEP", organisationId);
  const exit = await proposeExit(caseworker, { ...(await ref(file.fileId)), exitReason: "RESOLVED", reason: "就业稳定，脱困" });
  await decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true });
  if (monthsAgo > 0) {
    await prisma.householdFile.update({ where: { id: file.fileId }, data: { exitedAt: dateOnly(addMonths(today, -monthsAgo)) } });
  }
  return file;
}

const visit = (fileId: string, extra: Record<string, unknown> = {}) =>
  recordVisit(caseworker, ZRecordVisitInput.parse({ fileId, visitDate: today, visitors: "王静", findings: "入户走访", ...extra }));

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  secondCaseworker = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] })).username);
  tsCaseworker = await actorFor("ts_caseworker");
  county = (await orgByCode("GSLZCG")).id;
  // The demo data's own facts are raised once here, so each test sees only what it records.
  await raiseWarnings(today);
});

describe("the rules", () => {
  it("raises a warning for a job loss recorded at a visit to an exited household, once, with its reason", async () => {
    const { fileId } = await exitedFile();
    await visit(fileId, { events: ["JOB_LOSS"], findings: "户主所在企业停产，本人失业" });
    const summary = await raiseWarnings(today);
    expect(summary["返困预警：重大变故"]!.created).toBe(1);
    const [w] = await warningsOf(fileId);
    expect(w).toMatchObject({ rule: "LIFE_EVENT", status: "OPEN" });
    expect(w!.reason).toBe(`${today} 走访记录：失业。走访情况：户主所在企业停产，本人失业`);
    // The next run, and a run that reads everything again, raise nothing new.
    await raiseWarnings(today);
    await prisma.warningWatermark.deleteMany();
    await raiseWarnings(today);
    expect(await warningsOf(fileId)).toHaveLength(1);
  });

  it("compares the income heard at a visit with 低保 × the multiplier of the file's region (兰州 780.00 元)", async () => {
    const exited = await exitedFile();
    await visit(exited.fileId, { perCapitaMonthlyFen: "1559.99" });
    const above = await exitedFile();
    await visit(above.fileId, { perCapitaMonthlyFen: "1560.00" });
    const relative = await openFile("RELATIVE");
    await visit(relative.fileId, { perCapitaMonthlyFen: "779.99" });
    const deep = await openFile("DEEP");
    await visit(deep.fileId, { perCapitaMonthlyFen: "100" });
    await raiseWarnings(today);
    expect((await warningsOf(exited.fileId)).map((w) => w.reason)).toEqual([
      `${today} 走访记录人均月收入 1559.99 元，低于返困预警线 1560.00 元（低保标准 780.00 元 × 2）`,
    ]);
    expect(await warningsOf(above.fileId)).toEqual([]);
    expect((await warningsOf(relative.fileId)).map((w) => w.reason)).toEqual([
      `${today} 走访记录人均月收入 779.99 元，低于返困预警线 780.00 元（低保标准 780.00 元 × 1）`,
    ]);
    // 深度困难 files are not watched: they are already in the programme.
    expect(await warningsOf(deep.fileId)).toEqual([]);
  });

  it("follows a dated policy change: the rule switched off from a day raises nothing for facts dated after it", async () => {
    // 七里河 (620103) switches the rule off from yesterday; 城关 (620102) keeps the default.
    await prisma.policyParameter.create({ data: { key: "WARNING_LIFE_EVENT", regionCode: "620103", value: 0, effectiveFrom: dateOnly(addDays(today, -1)) } });
    const off = await exitedFile(0, (await orgByCode("GSLZQLH")).id);
    await visit(off.fileId, { events: ["SERIOUS_ILLNESS"] });
    const on = await exitedFile();
    await visit(on.fileId, { events: ["SERIOUS_ILLNESS"] });
    await raiseWarnings(today);
    expect(await warningsOf(off.fileId)).toEqual([]);
    expect((await warningsOf(on.fileId)).map((w) => w.rule)).toEqual(["LIFE_EVENT"]);
  });

  it("raises a warning when a roster newly lists a member on 低保, not again for the next roster", async () => {
    const { fileId, holderId } = await exitedFile();
    const roster = async (sha: string) => {
      const run = await prisma.civilRosterRun.create({
        data: {
          organisationId: county,
          createdById: official.userId,
          fileName: `${sha}.xlsx`,
          sizeBytes: 1,
          sha256: sha.padEnd(64, "0"),
          workbook: Buffer.from("x"),
          policyDate: dateOnly(today),
          rowCount: 1,
        },
      });
      await prisma.civilRosterRow.create({
        data: {
          runId: run.id,
          residentId: holderId,
          sheetRow: 2,
          name: "张建华",
          onDibao: true,
          dibaoMonthlyFen: 78000,
          hasVehicle: false,
          hasProperty: false,
          deceased: false,
          unionMember: true,
        },
      });
    };
    await roster("a1");
    await raiseWarnings(today);
    await roster("b2");
    await raiseWarnings(today);
    const rows = await warningsOf(fileId);
    expect(rows.map((w) => [w.rule, w.reason])).toEqual([["CIVIL_LISTING", `民政比对名单（a1.xlsx，${today} 上传）新列入低保：家庭成员 张建华`]]);
  });

  it("raises a warning for an observation household not visited for longer than the policy's months, counted from the exit", async () => {
    const late = await exitedFile(4);
    const visited = await exitedFile(4);
    await visit(visited.fileId);
    await raiseWarnings(today);
    expect((await warningsOf(late.fileId)).map((w) => w.reason)).toEqual([`渐退期自 ${addMonths(today, -4)} 退档以来未走访，已超过 3 个月`]);
    expect(await warningsOf(visited.fileId)).toEqual([]);
  });
});

describe("acting on a warning", () => {
  it("reopens the file through the relapse path from the warning, settling every open warning of the file, audited", async () => {
    const { fileId } = await exitedFile();
    await visit(fileId, { events: ["JOB_LOSS"], perCapitaMonthlyFen: "300" });
    await raiseWarnings(today);
    const [first, second] = await warningsOf(fileId);
    expect(second).toBeDefined();
    // Out of scope: Tianshui neither sees nor acts on it.
    expect((await findWarnings(tsCaseworker, {}, 1)).rows.some((w) => w.file.id === fileId)).toBe(false);
    await expect(actOnWarning(tsCaseworker, { warningId: first!.id, expectedVersion: 1, action: "REOPEN" })).rejects.toThrow("不在您的管辖范围内");
    expect((await openWarningsSummary(caseworker)).newest.some((w) => w.id === first!.id || w.id === second!.id)).toBe(true);

    await actOnWarning(caseworker, { warningId: first!.id, expectedVersion: 1, action: "REOPEN" });
    expect(await fileRow(fileId)).toMatchObject({ status: "DRAFT", episode: 2 });
    const after = await warningsOf(fileId);
    expect(after.map((w) => [w.status, w.actedById])).toEqual([
      ["REOPENED", caseworker.userId],
      ["REOPENED", caseworker.userId],
    ]);
    expect(await prisma.auditEvent.count({ where: { action: "warning.reopen", entityId: { in: after.map((w) => w.id) } } })).toBe(2);
    await expect(actOnWarning(caseworker, { warningId: second!.id, expectedVersion: 1, action: "DISMISS", note: "误报" })).rejects.toThrow("已被他人处理");
  });

  it("dismisses with a reason (required), and the dismissed fact does not come back", async () => {
    const { fileId } = await exitedFile();
    await visit(fileId, { events: ["DISABILITY"] });
    await raiseWarnings(today);
    const [w] = await warningsOf(fileId);
    expect(() => ZActOnWarningInput.parse({ warningId: w!.id, expectedVersion: 1, action: "DISMISS", note: "" })).toThrow("请填写排除理由");
    await actOnWarning(caseworker, { warningId: w!.id, expectedVersion: 1, action: "DISMISS", note: "残疾为既往情况，已核实" });
    await prisma.warningWatermark.deleteMany();
    await raiseWarnings(today);
    expect((await warningsOf(fileId)).map((x) => [x.status, x.note])).toEqual([["DISMISSED", "残疾为既往情况，已核实"]]);
    expect(await prisma.auditEvent.count({ where: { action: "warning.dismiss", entityId: w!.id } })).toBe(1);
  });

  it("opens a re-check only for an open file, bringing its due date forward to today", async () => {
    const open = await openFile("RELATIVE");
    await visit(open.fileId, { perCapitaMonthlyFen: "500" });
    const exited = await exitedFile();
    await visit(exited.fileId, { perCapitaMonthlyFen: "500" });
    await raiseWarnings(today);
    const [w] = await warningsOf(open.fileId);
    await actOnWarning(official, { warningId: w!.id, expectedVersion: 1, action: "RECHECK" });
    expect(dateOnlyString((await fileRow(open.fileId)).nextCheckDue!)).toBe(today);
    expect((await warningsOf(open.fileId))[0]).toMatchObject({ status: "RECHECK_OPENED", actedById: official.userId });
    const [x] = await warningsOf(exited.fileId);
    await expect(actOnWarning(caseworker, { warningId: x!.id, expectedVersion: 1, action: "RECHECK" })).rejects.toThrow("只有在档家庭可以发起动态核查");
    await expect(actOnWarning(await actorFor("lz_auditor"), { warningId: x!.id, expectedVersion: 1, action: "DISMISS", note: "x" })).rejects.toThrow(
      "没有权限",
    );
  });

  it("lets one of two caseworkers acting at once win; the other is told", async () => {
    const { fileId } = await exitedFile();
    await visit(fileId, { events: ["EARNER_DEATH"] });
    await raiseWarnings(today);
    const [w] = await warningsOf(fileId);
    const results = await Promise.allSettled([
      actOnWarning(caseworker, { warningId: w!.id, expectedVersion: 1, action: "DISMISS", note: "已核实，家属已就业" }),
      actOnWarning(secondCaseworker, { warningId: w!.id, expectedVersion: 1, action: "DISMISS", note: "重复登记" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason)).toContain("已被他人处理");
  });

  it("keeps every warning: no delete, and no change once acted on", async () => {
    const [acted] = await prisma.hardshipWarning.findMany({ where: { status: "DISMISSED" }, take: 1 });
    await expect(prisma.hardshipWarning.delete({ where: { id: acted!.id } })).rejects.toThrow();
    await expect(prisma.hardshipWarning.update({ where: { id: acted!.id }, data: { status: "OPEN", actedById: null, actedAt: null } })).rejects.toThrow();
  });
});

describe("post-exit check-ins (脱困后回访)", () => {
  it("opens the check-in due six months after the exit and closes it when the visit is recorded", async () => {
    const { fileId } = await exitedFile(6);
    await runDailySteps(today);
    const [item] = await prisma.workItem.findMany({ where: { fileId, kind: "CHECKIN_DUE" } });
    expect(item).toMatchObject({ status: "OPEN", sourceKey: addMonths(addMonths(today, -6), 6) });
    await visit(fileId);
    expect((await prisma.workItem.findUniqueOrThrow({ where: { id: item!.id } })).status).toBe("DONE");
    await runDailySteps(today);
    expect(await prisma.workItem.count({ where: { fileId, kind: "CHECKIN_DUE", status: "OPEN" } })).toBe(0);
  });

  it("records a check-in visit on a closed 脱困 file, and refuses one on a cancelled file", async () => {
    const { fileId } = await exitedFile();
    await prisma.householdFile.update({ where: { id: fileId }, data: { status: "CLOSED" } });
    await visit(fileId, { findings: "回访：工作稳定" });
    const cancelled = await openFile();
    const exit = await proposeExit(caseworker, { ...(await ref(cancelled.fileId)), exitReason: "CANCELLED", cancelReason: "RETIREMENT", reason: "已退休" });
    await decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true });
    await expect(visit(cancelled.fileId)).rejects.toThrow("只有在档或渐退期的档案可以登记");
  });
});
