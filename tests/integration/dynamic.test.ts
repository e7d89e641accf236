// Guards dynamic management: re-checks on schedule, tier changes and exits decided by another
// official on an unchanged file, one open request of a kind, observation and relapse into the
// same file, transfers accepted by the receiving union, and scope (Lanzhou vs Tianshui).
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { decideChange, endObservation, proposeExit, proposeTierChange, proposeTransfer, receiveTransfer } from "@/lib/dynamic/changes";
import { findDueRechecks, findPairingCadres, findPendingChanges, followUpFigures, getFileFollowUp } from "@/lib/dynamic/find";
import { addMeasure, recordVisit, setPairing, updateMeasure } from "@/lib/dynamic/pairing";
import { recordRecheck } from "@/lib/dynamic/recheck";
import { ZRecordRecheckInput, ZUpdateMeasureInput } from "@/lib/dynamic/schemas";
import { findFiles } from "@/lib/filing/find-files";
import { ZSubmitFilingInput } from "@/lib/filing/schemas";
import { submitFiling } from "@/lib/filing/save-filing";
import { approveFiling, recordCivilCheck, reopenFile, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, addMonths, dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let official: TActor;
let secondOfficial: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let county: string;
const today = todayInShanghai();

const fileRow = (id: string) => prisma.householdFile.findUniqueOrThrow({ where: { id } });
const ref = async (fileId: string) => ({ fileId, expectedVersion: (await fileRow(fileId)).version });

async function approve(fileId: string) {
  await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
  await backdateReview(fileId, 7);
  await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -6) });
  await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
  await approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" });
}

async function openFile(values = filingValues(county)) {
  const { fileId } = await submitNewFiling(caseworker, values);
  await approve(fileId);
  return { fileId, values };
}

const recheckInput = async (fileId: string, overrides: Record<string, unknown> = {}) =>
  ZRecordRecheckInput.parse({
    ...(await ref(fileId)),
    checkDate: today,
    visitors: "王静、社区网格员",
    incomes: [{ source: "WAGES", monthlyFen: "5200" }],
    expenditures: [],
    outcome: "CONFIRM",
    finding: "ACCURATE",
    note: "入户核实：配偶新找到工作",
    // 5200 yuan a month for three no longer qualifies: keeping 深度困难 needs a reason (issue 26).
    deviationReason: "工作为三个月临时工，期满后再核",
    ...overrides,
  });

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  secondOfficial = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  tsCaseworker = await actorFor("ts_caseworker");
  tsOfficial = await actorFor("ts_official");
  county = (await orgByCode("GSLZCG")).id;
});

describe("re-verification", () => {
  it("records what the re-check found and the date it was due (facts behind 错评/漏退 and on time)", async () => {
    const { fileId } = await openFile();
    await prisma.householdFile.update({ where: { id: fileId }, data: { nextCheckDue: dateOnly(addDays(today, -10)) } });
    await recordRecheck(caseworker, await recheckInput(fileId, { finding: "WRONGLY_FILED" }));
    const [row] = await prisma.recheck.findMany({ where: { fileId } });
    expect(row!.finding).toBe("WRONGLY_FILED");
    expect(dateOnlyString(row!.dueDate!)).toBe(addDays(today, -10));
    await expect(recheckInput(fileId, { finding: "SOMETHING" })).rejects.toThrow("请选择核查发现");
  });

  it("schedules the first re-check one interval after approval and lists it when overdue", async () => {
    const { fileId } = await openFile();
    const file = await fileRow(fileId);
    expect(dateOnlyString(file.nextCheckDue!)).toBe(addMonths(today, 3));
    await prisma.householdFile.update({ where: { id: fileId }, data: { nextCheckDue: dateOnly(addDays(today, -1)) } });
    const due = await findDueRechecks(caseworker, { which: "overdue", page: 1 });
    expect(due.rows.map((r) => r.id)).toContain(fileId);
    const archive = await findFiles(caseworker, { overdue: true });
    expect(archive.rows.map((r) => r.id)).toContain(fileId);
    expect((await findDueRechecks(tsCaseworker, { which: "overdue", page: 1 })).rows.map((r) => r.id)).not.toContain(fileId);
  });

  it("records new figures, recomputes the suggestion and moves the next check on", async () => {
    const { fileId } = await openFile();
    const result = await recordRecheck(caseworker, await recheckInput(fileId));
    // 5200 × 12 ÷ 12 ÷ 3 = 1733.33 yuan per person: above twice Lanzhou's 780-yuan 低保.
    expect(result).toMatchObject({ perCapitaMonthlyFen: 173333, suggestedTier: null });
    const file = await fileRow(fileId);
    expect(dateOnlyString(file.nextCheckDue!)).toBe(addMonths(today, 3));
    expect((file.data as { incomes: unknown[] }).incomes).toEqual([{ source: "WAGES", monthlyFen: 520000 }]);
    expect(await prisma.recheck.count({ where: { fileId } })).toBe(1);
    await expect(prisma.$executeRaw`UPDATE recheck SET outcome = 'PROPOSE_EXIT' WHERE file_id = ${fileId}::uuid`).rejects.toThrow(/permission denied/);
  });

  it("records nothing without a chosen outcome and finding, the facts, and a reason where the conclusion departs from the suggestion", async () => {
    const { fileId } = await openFile();
    const blank = ZRecordRecheckInput.safeParse({
      ...(await ref(fileId)),
      checkDate: today,
      visitors: "王静",
      incomes: [],
      expenditures: [],
      outcome: "",
      finding: "",
      note: "",
    });
    expect(blank.error!.issues.map((i) => i.message)).toEqual(["请选择核查结论", "请选择核查发现"]);
    const noFacts = ZRecordRecheckInput.safeParse({
      ...(await ref(fileId)),
      checkDate: today,
      visitors: "王静",
      incomes: [],
      expenditures: [],
      outcome: "CONFIRM",
      finding: "ACCURATE",
    });
    expect(noFacts.error!.issues.map((i) => i.message)).toEqual(["请填写核查情况（入户所见、收支有无变化）"]);
    // ¥200 a month for three (66.67 per person): the figures suggest 深度困难; the file is 深度困难, so 维持 agrees.
    await recordRecheck(caseworker, await recheckInput(fileId, { incomes: [{ source: "WAGES", monthlyFen: "200" }], deviationReason: undefined }));
    expect((await prisma.recheck.findFirstOrThrow({ where: { fileId } })).deviationReason).toBeNull();
    // 5200 a month no longer qualifies: 维持原类别 without a reason is refused and nothing is written.
    const before = await fileRow(fileId);
    await expect(recordRecheck(caseworker, await recheckInput(fileId, { deviationReason: undefined }))).rejects.toMatchObject({
      message: "核查结论（维持原类别）与系统按本次收支建议的类别（不符合条件）不一致，请说明理由。",
      fieldErrors: { deviationReason: "核查结论（维持原类别）与系统按本次收支建议的类别（不符合条件）不一致，请说明理由。" },
    });
    expect(await prisma.recheck.count({ where: { fileId } })).toBe(1);
    expect((await fileRow(fileId)).version).toBe(before.version);
    await recordRecheck(caseworker, await recheckInput(fileId));
    const rows = await prisma.recheck.findMany({ where: { fileId }, orderBy: { recordedAt: "asc" } });
    expect(rows.map((r) => [r.suggestedTier, r.outcome, r.deviationReason])).toEqual([
      ["DEEP", "CONFIRM", null],
      [null, "CONFIRM", "工作为三个月临时工，期满后再核"],
    ]);
  });

  it("refuses bad input with Chinese messages", () => {
    const base = { fileId: "00000000-0000-4000-8000-000000000000", expectedVersion: 1, checkDate: today, visitors: "王静", incomes: [], expenditures: [] };
    const bad = ZRecordRecheckInput.safeParse({
      ...base,
      checkDate: "",
      visitors: "",
      incomes: [{ source: "", monthlyFen: "12.345" }],
      outcome: "CONFIRM",
      finding: "ACCURATE",
      note: "入户核实",
    });
    expect(bad.error!.issues.map((i) => i.message)).toEqual(["请填写核查日期", "请填写核查人员", "请选择收入来源", "金额最多保留两位小数（精确到分）。"]);
    const exitWithoutReason = ZRecordRecheckInput.safeParse({ ...base, outcome: "PROPOSE_EXIT", finding: "MISSED_EXIT" });
    expect(exitWithoutReason.error!.issues.map((i) => i.message)).toEqual(["请选择退档原因", "提出调整或退档时请写明理由"]);
    const cancelWithoutSubReason = ZRecordRecheckInput.safeParse({
      ...base,
      outcome: "PROPOSE_EXIT",
      finding: "MISSED_EXIT",
      exitReason: "CANCELLED",
      note: "已退休",
    });
    expect(cancelWithoutSubReason.error!.issues.map((i) => i.message)).toEqual(["注销须选择具体原因"]);
  });
});

describe("tier change", () => {
  it("is proposed with a reason, decided by another official, and kept in the tier history", async () => {
    const { fileId } = await openFile();
    await proposeTierChange(caseworker, { ...(await ref(fileId)), proposedTier: "RELATIVE", reason: "配偶病情好转，已复工" });
    await expect(proposeTierChange(caseworker, { ...(await ref(fileId)), proposedTier: "ACCIDENT", reason: "重复" })).rejects.toThrow(
      "已有待审批的“调整困难类别”申请",
    );
    const [request] = (await findPendingChanges(official, { kind: "TIER_CHANGE", page: 1 })).rows.filter((r) => r.fileId === fileId);
    expect(request).toMatchObject({ currentTier: "DEEP", proposedTier: "RELATIVE" });
    await decideChange(official, { requestId: request!.id, expectedVersion: request!.version, approve: true, comment: "同意" });
    expect((await fileRow(fileId)).tier).toBe("RELATIVE");
    const history = (await getFileFollowUp(caseworker, fileId)).tiers;
    expect(history.map((t) => [t.tier, t.source, t.decidedById])).toEqual([
      ["DEEP", "FILING", official.userId],
      ["RELATIVE", "CHANGE", official.userId],
    ]);
  });

  it("never lets the proposer decide, lets only one of two officials decide, and refuses if the file changed", async () => {
    const both = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "OFFICIAL"] })).username);
    const { fileId } = await openFile();
    const own = await proposeTierChange(both, { ...(await ref(fileId)), proposedTier: "RELATIVE", reason: "收入增加" });
    await expect(decideChange(both, { requestId: own.id, expectedVersion: 1, approve: true })).rejects.toThrow("不能审批自己提出的申请");
    await expect(prisma.$executeRaw`UPDATE change_request SET decided_by_id = requested_by_id WHERE id = ${own.id}::uuid`).rejects.toThrow(
      /change_request_decider_not_requester/,
    );

    const results = await Promise.allSettled([
      decideChange(official, { requestId: own.id, expectedVersion: 1, approve: true }),
      decideChange(secondOfficial, { requestId: own.id, expectedVersion: 1, approve: false, comment: "证据不足" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);

    const exit = await proposeExit(caseworker, { ...(await ref(fileId)), exitReason: "RESOLVED", reason: "连续六个月人均收入超过标准" });
    await recordRecheck(caseworker, await recheckInput(fileId));
    await expect(decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true })).rejects.toThrow("档案在申请提出后已有变化");
    expect((await fileRow(fileId)).status).toBe("OPEN");
  });

  it("is out of reach for another city and for the wrong roles", async () => {
    const { fileId } = await openFile();
    await expect(proposeTierChange(tsCaseworker, { ...(await ref(fileId)), proposedTier: "RELATIVE", reason: "越权" })).rejects.toThrow("不在您的管辖范围内");
    const request = await proposeTierChange(caseworker, { ...(await ref(fileId)), proposedTier: "ACCIDENT", reason: "突发重病" });
    await expect(decideChange(tsOfficial, { requestId: request.id, expectedVersion: 1, approve: true })).rejects.toThrow("不在您的管辖范围内");
    await expect(decideChange(caseworker, { requestId: request.id, expectedVersion: 1, approve: true })).rejects.toThrow("没有权限");
    await expect(recordRecheck(await actorFor("lz_auditor"), await recheckInput(fileId))).rejects.toThrow("没有权限");
    await expect(recordRecheck(tsCaseworker, await recheckInput(fileId))).rejects.toThrow("不在您的管辖范围内");
    await expect(recordVisit(tsCaseworker, { fileId, visitDate: today, visitors: "x", findings: "x" })).rejects.toThrow("不在您的管辖范围内");
  });
});

describe("exit, observation and relapse", () => {
  it("puts a resolved household into observation, keeps following it, and reopens the same file", async () => {
    const { fileId, values } = await openFile();
    const number = (await fileRow(fileId)).fileNumber;
    const exit = await proposeExit(caseworker, { ...(await ref(fileId)), exitReason: "RESOLVED", reason: "脱困" });
    await decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true });
    const observed = await fileRow(fileId);
    expect(observed).toMatchObject({ status: "OBSERVATION", exitReason: "RESOLVED" });
    expect(dateOnlyString(observed.observationUntil!)).toBe(addMonths(today, 12));
    await recordVisit(caseworker, { fileId, visitDate: today, visitors: "王静", findings: "工作稳定" });
    await expect(endObservation(caseworker, await ref(fileId))).rejects.toThrow("期满后才能结束跟踪");

    await reopenFile(caseworker, await ref(fileId));
    const draft = await fileRow(fileId);
    expect(draft).toMatchObject({ status: "DRAFT", episode: 2, fileNumber: number });
    await submitFiling(caseworker, ZSubmitFilingInput.parse({ fileId, expectedVersion: draft.version, data: values }));
    await approve(fileId);
    expect(await fileRow(fileId)).toMatchObject({ status: "OPEN", episode: 2, fileNumber: number, exitReason: null, observationUntil: null });
  });

  it("closes a cancelled file at once and ends an observation period that has run out", async () => {
    const { fileId } = await openFile();
    const exit = await proposeExit(caseworker, { ...(await ref(fileId)), exitReason: "CANCELLED", cancelReason: "RETIREMENT", reason: "已退休" });
    await decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true });
    expect(await fileRow(fileId)).toMatchObject({ status: "CLOSED", exitReason: "CANCELLED", cancelReason: "RETIREMENT" });

    const second = await openFile();
    const resolved = await proposeExit(caseworker, { ...(await ref(second.fileId)), exitReason: "RESOLVED", reason: "脱困" });
    await decideChange(official, { requestId: resolved.id, expectedVersion: 1, approve: true });
    await prisma.householdFile.update({ where: { id: second.fileId }, data: { observationUntil: dateOnly(addDays(today, -1)) } });
    await endObservation(caseworker, await ref(second.fileId));
    expect((await fileRow(second.fileId)).status).toBe("CLOSED");
  });
});

describe("transfer", () => {
  it("moves the file with its history once the receiving union accepts", async () => {
    const { fileId } = await openFile();
    await recordVisit(caseworker, { fileId, visitDate: today, visitors: "王静", findings: "拟随子女迁居天水" });
    const request = await proposeTransfer(caseworker, { ...(await ref(fileId)), targetOrganisationCode: "GSTSQZ", reason: "户籍迁至天水市秦州区" });
    await decideChange(official, { requestId: request.id, expectedVersion: 1, approve: true });
    expect((await fileRow(fileId)).organisationId).toBe(county);
    const inbound = await findPendingChanges(tsOfficial, { kind: "INBOUND", page: 1 });
    expect(inbound.rows.map((r) => r.id)).toContain(request.id);
    await expect(receiveTransfer(official, { requestId: request.id, expectedVersion: 2, approve: true })).rejects.toThrow("不在您的管辖范围内");
    await receiveTransfer(tsOfficial, { requestId: request.id, expectedVersion: 2, approve: true });
    const moved = await fileRow(fileId);
    expect(moved.organisationId).toBe((await orgByCode("GSTSQZ")).id);
    expect((await getFileFollowUp(tsCaseworker, fileId)).visits).toHaveLength(1);
    await expect(getFileFollowUp(caseworker, fileId).then((f) => f.visits)).resolves.toEqual([]);
  });
});

describe("pairing and plan", () => {
  it("offers as 帮扶责任人 the caseworkers and officials of the user's own city only, and reads them for nobody else", async () => {
    const names = (await findPairingCadres(caseworker)).map((c) => `${c.name}（${c.organisation.name}）`);
    expect(names).toContain("王静（兰州市总工会）");
    expect(names).toContain("李建国（兰州市总工会）");
    expect(names).not.toContain("刘芳（天水市总工会）");
    expect(names).not.toContain("赵敏（兰州市总工会）");
    expect((await findPairingCadres(tsOfficial)).map((c) => c.name)).toContain("刘芳");
    await expect(findPairingCadres(await actorFor("lz_auditor"))).rejects.toThrow("您没有权限执行此操作");
  });

  it("counts pairing coverage and needs → measures → resolved for the scope", async () => {
    const before = await followUpFigures(caseworker);
    const { fileId } = await openFile();
    const cadre = await prisma.user.findUniqueOrThrow({ where: { username: "lz_caseworker" } });
    await setPairing(caseworker, { ...(await ref(fileId)), responsibleCadreId: cadre.id, contactName: "马社区", contactPhone: "0931-8888888" });
    const tsCadre = await prisma.user.findUniqueOrThrow({ where: { username: "ts_caseworker" } });
    await expect(setPairing(caseworker, { ...(await ref(fileId)), responsibleCadreId: tsCadre.id, contactName: "x", contactPhone: "12345" })).rejects.toThrow(
      "帮扶责任人须为",
    );
    const measure = await addMeasure(caseworker, {
      fileId,
      need: "子女学费",
      measure: "申请金秋助学",
      responsible: "市总工会帮扶中心",
      dueDate: addDays(today, 30),
    });
    expect(ZUpdateMeasureInput.safeParse({ measureId: measure.id, expectedVersion: 1, status: "DONE" }).error!.issues[0]!.message).toBe(
      "已解决的措施请写明落实情况",
    );
    await updateMeasure(caseworker, { measureId: measure.id, expectedVersion: 1, status: "DONE", outcome: "已发放助学金 6000 元" });
    await expect(updateMeasure(caseworker, { measureId: measure.id, expectedVersion: 1, status: "CANCELLED" })).rejects.toThrow("已被他人更新");
    const after = await followUpFigures(caseworker);
    expect(after.open).toBe(before.open + 1);
    expect(after.paired).toBe(before.paired + 1);
    expect(after.measures).toBe(before.measures + 1);
    expect(after.resolved).toBe(before.resolved + 1);
    expect((await followUpFigures(tsCaseworker)).paired).toBe(0);
  });
});
