// Guards the civil-affairs comparison (民政比对, issue 10 §4): every reason code on a crafted roster
// whose expected results are written out by hand; bad rosters refused with sheet/row/column and
// nothing written; the same roster refused a second time; all or nothing under a failure half-way;
// scope (a city's run never matches another city's files, another city's run is not visible);
// roles; the one-click re-check and exit create the normal records; two people acting on one
// mismatch at once; the filing's civil-affairs check citing a run; and 漏评 in the report.
import ExcelJS from "exceljs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { dismissResult, openRecheckFromResult, proposeExitFromResult } from "@/lib/civil/act-on-result";
import { compareRoster } from "@/lib/civil/run-roster";
import { ROSTER_MAX_BYTES } from "@/lib/civil/upload-roster";
import { findRosterRuns, findRunResults, getRosterRun } from "@/lib/civil/find-runs";
import { runResultsSheet } from "@/lib/civil/export-results";
import { buildRosterTemplate } from "@/lib/civil/roster-template";
import { prisma } from "@/lib/db/client";
import { approveFiling, recordCivilCheck, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { findReport } from "@/lib/reports/find-report";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";

let sql: pg.Client;
let caseworker: TActor;
let caseworker2: TActor;
let official: TActor;
let auditor: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let uploads = 0;
const today = todayInShanghai();

type TRosterRow = Partial<
  Record<
    | "公民身份号码"
    | "姓名"
    | "是否享受低保"
    | "低保金额（元/月）"
    | "家庭年收入（元）"
    | "家庭人口数"
    | "是否有车辆"
    | "是否有房产"
    | "是否死亡"
    | "是否工会会员"
    | "工作单位",
    string
  >
>;

const row = (id: string, name: string, overrides: TRosterRow = {}): TRosterRow => ({
  公民身份号码: id,
  姓名: name,
  是否享受低保: "否",
  是否有车辆: "否",
  是否有房产: "否",
  是否死亡: "否",
  ...overrides,
});

/** The real template, filled in as the bureau's data is pasted (the example row left in place). */
async function rosterWorkbook(rows: TRosterRow[], tweak?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await buildRosterTemplate()) as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet("民政比对名单")!;
  const headers = (sheet.getRow(1).values as string[]).map((h) => (h ? String(h).replace(/\*$/, "") : h));
  for (const r of rows) sheet.addRow(headers.map((h) => (h ? ((r as Record<string, string>)[h] ?? "") : undefined)).slice(1));
  tweak?.(workbook);
  uploads += 1;
  workbook.creator = `test-${uploads}-${Date.now()}`; // distinct bytes per test roster
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function upload(actor: TActor, rows: TRosterRow[], fileName = "民政名单.xlsx") {
  return compareRoster(actor, { fileName, bytes: await rosterWorkbook(rows) });
}

async function okRun(actor: TActor, rows: TRosterRow[]) {
  const outcome = await upload(actor, rows);
  if (!outcome.ok) throw new Error(`roster refused: ${outcome.message} ${JSON.stringify(outcome.problems)}`);
  return outcome;
}

async function allResults(actor: TActor, runId: string) {
  return (await findRunResults(actor, runId, { page: 1 })).rows;
}

async function fileVersion(fileId: string) {
  return (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version;
}

const counts = async () => ({
  runs: await prisma.civilRosterRun.count(),
  rows: await prisma.civilRosterRow.count(),
  results: await prisma.civilComparisonResult.count(),
});

/** The comparison runs after the upload (issue 28): a refused roster is kept as an INVALID run with its message, nothing else. */
const latestRun = () => prisma.civilRosterRun.findFirstOrThrow({ orderBy: { createdAt: "desc" }, select: { status: true, message: true, rowCount: true } });

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  auditor = await actorFor("lz_auditor");
  tsCaseworker = await actorFor("ts_caseworker");
  tsOfficial = await actorFor("ts_official");
  const second = await prisma.user.create({
    data: { username: `lz_cw2_${Date.now()}`, name: "第二经办人", organisationId: caseworker.organisation.id, roles: ["CASEWORKER"], passwordHash: "x" },
  });
  caseworker2 = await actorFor(second.username);
});

afterAll(async () => {
  await sql.end();
});

describe("matching and every reason", () => {
  // Lanzhou (620100): 低保 780 元/人·月, relative line 2 × 780 = 1,560 元 (migration 0002 policy rows).
  let lanzhou: { id: string };
  const people = { cw: () => ({ caseworker, official }) };
  let f: Record<string, Awaited<ReturnType<typeof insertOpenFile>>>;
  let missedId: string;
  let runId: string;

  beforeAll(async () => {
    lanzhou = await orgByCode("GSLZ");
    const cg = await orgByCode("GSLZCG");
    const tianshui = await orgByCode("GSTS");
    f = {
      income: await insertOpenFile(sql, people.cw(), lanzhou.id, {}, { tier: "DEEP" }),
      dibao: await insertOpenFile(sql, people.cw(), cg.id, {}, { tier: "RELATIVE" }),
      vehicle: await insertOpenFile(sql, people.cw(), lanzhou.id, {}, { tier: "DEEP" }),
      deceased: await insertOpenFile(sql, people.cw(), lanzhou.id, {}, { tier: "DEEP", status: "OBSERVATION" }),
      size: await insertOpenFile(sql, people.cw(), lanzhou.id, {}, { tier: "DEEP" }),
      fine: await insertOpenFile(sql, people.cw(), lanzhou.id, {}, { tier: "DEEP" }),
      tianshui: await insertOpenFile(sql, { caseworker: tsCaseworker, official: tsOfficial }, tianshui.id, {}, { tier: "DEEP" }),
    };
    missedId = residentId({ birthDate: "1975-04-04" });
    const m = (key: string, i: number) => f[key]!.data.members[i]!;
    const outcome = await okRun(caseworker, [
      // 36,000 元 a year for 3 people = 1,000 元 a month each: not below 低保 780 → a DEEP file is over its line.
      row(m("income", 0).residentId!, "收入户主", { "家庭年收入（元）": "36000", 家庭人口数: "3" }),
      // 24,000 元 / 3 = 666.67 元: below the relative line, but the spouse is on 低保 while the file is RELATIVE.
      row(m("dibao", 0).residentId!, "低保户主", { "家庭年收入（元）": "24000", 家庭人口数: "3" }),
      row(m("dibao", 1).residentId!, "低保配偶", { 是否享受低保: "是", "低保金额（元/月）": "520.50" }),
      // A child with a car, the holder with property: two mismatches of one file.
      row(m("vehicle", 0).residentId!, "房产户主", { 是否有房产: "是" }),
      row(m("vehicle", 2).residentId!, "车辆子女", { 是否有车辆: "是" }),
      // An observation-period file: its holder died. Its income (above any line) is not compared: it has exited.
      row(m("deceased", 0).residentId!, "死亡户主", { 是否死亡: "是", "家庭年收入（元）": "100000", 家庭人口数: "3" }),
      // 5 people on the roster, 3 in the file; 12,000 / 5 = 200 元 a month, well below 低保.
      row(m("size", 0).residentId!, "人口户主", { "家庭年收入（元）": "12000", 家庭人口数: "5" }),
      // Consistent: 12,000 / 3 = 333.33 元 < 780.
      row(m("fine", 0).residentId!, "正常户主", { "家庭年收入（元）": "12000", 家庭人口数: "3" }),
      // A union member on 低保 in no file: a 漏评 candidate.
      row(missedId, "漏评会员", { 是否享受低保: "是", 是否工会会员: "是", 工作单位: "兰州石化公司" }),
      // Not candidates: a member at 2,500 元 a month (above the relative line), a non-member on 低保.
      row(residentId({ birthDate: "1970-01-01" }), "高收入会员", { 是否工会会员: "是", "家庭年收入（元）": "60000", 家庭人口数: "2" }),
      row(residentId({ birthDate: "1971-01-01" }), "非会员低保", { 是否享受低保: "是", 是否工会会员: "否" }),
      // Tianshui's holder: outside Lanzhou's scope (no match) and in a file (not a candidate), car or not.
      row(m("tianshui", 0).residentId!, "天水户主", { 是否享受低保: "是", 是否工会会员: "是", 是否有车辆: "是" }),
    ]);
    runId = outcome.runId;
    expect(outcome.rows).toBe(12);
  });

  it("lists exactly the mismatches worked out by hand", async () => {
    const results = await allResults(caseworker, runId);
    const got = results.map((r) => `${r.reason}:${r.file?.id ?? "none"}:${r.detail.roster.name}`).sort();
    expect(got).toEqual(
      [
        `INCOME_ABOVE_THRESHOLD:${f.income!.fileId}:收入户主`,
        `DIBAO_BUT_RELATIVE:${f.dibao!.fileId}:低保配偶`,
        `VEHICLE_OR_PROPERTY:${f.vehicle!.fileId}:房产户主`,
        `VEHICLE_OR_PROPERTY:${f.vehicle!.fileId}:车辆子女`,
        `DECEASED:${f.deceased!.fileId}:死亡户主`,
        `HOUSEHOLD_SIZE_DIFFERS:${f.size!.fileId}:人口户主`,
        `MISSED_FILING:none:漏评会员`,
      ].sort(),
    );
    const income = results.find((r) => r.reason === "INCOME_ABOVE_THRESHOLD")!;
    expect(income.detail.roster.perCapitaMonthlyFen).toBe(100_000);
    expect(income.detail.thresholds).toEqual({ deep: 78_000, relative: 156_000 });
    expect(results.find((r) => r.reason === "DIBAO_BUT_RELATIVE")!.detail.roster.dibaoMonthlyFen).toBe(52_050);
    // ID numbers are masked in the list.
    expect(results.every((r) => /^\d{6}\*{8}[\dX]{4}$/.test(r.residentIdMasked))).toBe(true);
  });

  it("summarises the run by reason, with matched people and files", async () => {
    const run = await getRosterRun(caseworker, runId);
    expect(run.rowCount).toBe(12);
    // Matched: the members named above of the six Lanzhou files (8 people), not Tianshui's holder.
    expect(run.matchedPeople).toBe(8);
    expect(run.matchedFiles).toBe(6);
    expect(run.resultCount).toBe(7);
    expect(run.filesWithMismatch).toBe(5);
    expect(run.reasonCounts).toEqual({
      INCOME_ABOVE_THRESHOLD: 1,
      DIBAO_BUT_RELATIVE: 1,
      VEHICLE_OR_PROPERTY: 2,
      DECEASED: 1,
      HOUSEHOLD_SIZE_DIFFERS: 1,
      MISSED_FILING: 1,
    });
    const vehicles = await findRunResults(caseworker, runId, { reason: "VEHICLE_OR_PROPERTY", page: 1 });
    expect(vehicles.total).toBe(2);
    const audit = await prisma.auditEvent.findMany({ where: { entityId: runId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["civil.upload", "civil.compare"]);
  });

  it("keeps a Tianshui run away from Lanzhou's files, and each city's runs to itself", async () => {
    const m = f.income!.data.members[0]!;
    const outcome = await okRun(tsCaseworker, [
      row(m.residentId!, "兰州户主", { 是否死亡: "是", 是否有车辆: "是", "家庭年收入（元）": "99999", 家庭人口数: "1" }),
    ]);
    const run = await getRosterRun(tsCaseworker, outcome.runId);
    expect(run.matchedPeople).toBe(0);
    expect(run.resultCount).toBe(0);
    await expect(getRosterRun(tsCaseworker, runId)).rejects.toThrow("不在您的管辖范围内");
    await expect(findRunResults(tsCaseworker, runId, { page: 1 })).rejects.toThrow("不在您的管辖范围内");
    expect((await findRosterRuns(tsCaseworker, { page: 1 })).rows.map((r) => r.id)).toEqual([outcome.runId]);
    expect((await findRosterRuns(caseworker, { page: 1 })).rows.map((r) => r.id)).not.toContain(outcome.runId);
    const result = (await allResults(caseworker, runId)).find((r) => r.reason === "DECEASED")!;
    await expect(dismissResult(tsCaseworker, { resultId: result.id, expectedVersion: result.version, note: "外市人员" })).rejects.toThrow("不在您的管辖范围内");
  });

  it("exports the results with ID numbers masked, in full only for an auditor, and audits the export", async () => {
    const sheet = await runResultsSheet(caseworker, runId, { full: false });
    const rows: Array<Record<string, unknown>> = [];
    for await (const r of sheet.rows as AsyncIterable<Record<string, unknown>>) rows.push(r);
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => String(r.residentId).includes("********"))).toBe(true);
    expect(rows.find((r) => r.name === "收入户主")).toMatchObject({
      reason: "收入超过所在类别标准",
      rosterPerCapitaFen: 100_000,
      threshold: 78_000,
      fileStatus: "在档",
      tier: "深度困难",
    });
    expect(rows.find((r) => r.name === "漏评会员")).toMatchObject({ fileStatus: "未建档", onDibao: "是" });
    await expect(runResultsSheet(caseworker, runId, { full: true })).rejects.toThrow("只有审计人员");
    const full = await runResultsSheet(auditor, runId, { full: true });
    const first = await (full.rows as AsyncIterable<Record<string, unknown>>)[Symbol.asyncIterator]().next();
    expect(String(first.value.residentId)).toMatch(/^\d{17}[\dX]$/);
    expect(await prisma.auditEvent.count({ where: { action: "civil.export", entityId: runId } })).toBe(2);
    await expect(runResultsSheet(tsCaseworker, runId, { full: false })).rejects.toThrow("不在您的管辖范围内");
  });

  it("refuses roles that may not compare or act", async () => {
    await expect(upload(auditor, [row(residentId(), "某人")])).rejects.toThrow("没有权限");
    await expect(upload(await actorFor("lz_admin"), [row(residentId(), "某人")])).rejects.toThrow("没有权限");
    const result = (await allResults(caseworker, runId)).find((r) => r.reason === "HOUSEHOLD_SIZE_DIFFERS")!;
    await expect(dismissResult(auditor, { resultId: result.id, expectedVersion: result.version, note: "审计不能处理" })).rejects.toThrow("没有权限");
    await expect(
      proposeExitFromResult(official, {
        resultId: result.id,
        expectedVersion: result.version,
        fileVersion: await fileVersion(f.size!.fileId),
        exitReason: "CANCELLED",
        cancelReason: "NOT_ELIGIBLE",
        reason: "审批人不提出",
      }),
    ).rejects.toThrow("没有权限");
    // An auditor reads the run.
    expect((await getRosterRun(auditor, runId)).resultCount).toBe(7);
  });

  it("opens a re-check in one click: the next check is due today, on the work list, and the mismatch moves on", async () => {
    const result = (await allResults(caseworker, runId)).find((r) => r.reason === "INCOME_ABOVE_THRESHOLD")!;
    const before = await fileVersion(f.income!.fileId);
    await openRecheckFromResult(caseworker, { resultId: result.id, expectedVersion: result.version, fileVersion: before });
    const file = await prisma.householdFile.findUniqueOrThrow({ where: { id: f.income!.fileId } });
    expect(file.nextCheckDue?.toISOString().slice(0, 10)).toBe(today);
    expect(file.version).toBe(before + 1);
    const item = await prisma.workItem.findFirstOrThrow({ where: { fileId: file.id, kind: "RECHECK_DUE", status: "OPEN" } });
    expect(item.sourceKey).toBe(today);
    expect(item.note).toContain("收入超过所在类别标准");
    const after = await prisma.civilComparisonResult.findUniqueOrThrow({ where: { id: result.id } });
    expect(after.status).toBe("RECHECK_OPENED");
    expect(after.handledById).toBe(caseworker.userId);
    expect(await prisma.auditEvent.count({ where: { action: "civil.recheck", entityId: file.id } })).toBe(1);
    // Done once: a second click on the same mismatch is told.
    await expect(openRecheckFromResult(caseworker, { resultId: result.id, expectedVersion: result.version, fileVersion: file.version })).rejects.toThrow(
      "已被他人处理",
    );
  });

  it("proposes an exit in one click: the pending exit request an official decides, as from the file page", async () => {
    const result = (await allResults(caseworker, runId)).find((r) => r.reason === "VEHICLE_OR_PROPERTY" && r.detail.roster.name === "车辆子女")!;
    const version = await fileVersion(f.vehicle!.fileId);
    const { changeRequestId } = await proposeExitFromResult(caseworker, {
      resultId: result.id,
      expectedVersion: result.version,
      fileVersion: version,
      exitReason: "CANCELLED",
      cancelReason: "NOT_ELIGIBLE",
      reason: "民政比对：子女名下有车辆",
    });
    const request = await prisma.changeRequest.findUniqueOrThrow({ where: { id: changeRequestId } });
    expect(request).toMatchObject({
      fileId: f.vehicle!.fileId,
      kind: "EXIT",
      status: "PENDING",
      exitReason: "CANCELLED",
      cancelReason: "NOT_ELIGIBLE",
      requestedById: caseworker.userId,
      fileVersion: version,
      reason: "民政比对：子女名下有车辆",
    });
    const after = await prisma.civilComparisonResult.findUniqueOrThrow({ where: { id: result.id } });
    expect(after).toMatchObject({ status: "EXIT_PROPOSED", changeRequestId });
    // The file's other mismatch cannot open a second exit request (one open request of a kind per file).
    const other = (await allResults(caseworker, runId)).find((r) => r.reason === "VEHICLE_OR_PROPERTY" && r.detail.roster.name === "房产户主")!;
    await expect(
      proposeExitFromResult(caseworker, {
        resultId: other.id,
        expectedVersion: other.version,
        fileVersion: version,
        exitReason: "CANCELLED",
        cancelReason: "NOT_ELIGIBLE",
        reason: "房产",
      }),
    ).rejects.toThrow("已有待审批的“退档”申请");
    expect((await prisma.civilComparisonResult.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("OPEN");
  });

  it("offers no re-check or exit for an observation-period file or a person in no file, only 不属实", async () => {
    const results = await allResults(caseworker, runId);
    const deceased = results.find((r) => r.reason === "DECEASED")!;
    await expect(
      openRecheckFromResult(caseworker, { resultId: deceased.id, expectedVersion: deceased.version, fileVersion: await fileVersion(f.deceased!.fileId) }),
    ).rejects.toThrow("只有在档的档案");
    const missed = results.find((r) => r.reason === "MISSED_FILING")!;
    await expect(openRecheckFromResult(caseworker, { resultId: missed.id, expectedVersion: missed.version, fileVersion: 1 })).rejects.toThrow("没有在档档案");
  });

  it("of two people dismissing one mismatch at once, one wins and the other is told 已被他人处理", async () => {
    const result = (await allResults(caseworker, runId)).find((r) => r.reason === "HOUSEHOLD_SIZE_DIFFERS")!;
    const outcomes = await Promise.allSettled([
      dismissResult(caseworker, { resultId: result.id, expectedVersion: result.version, note: "户口本核实为 3 人" }),
      dismissResult(caseworker2, { resultId: result.id, expectedVersion: result.version, note: "已核实" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason.message)).toMatch(/已被他人处理/);
    const after = await prisma.civilComparisonResult.findUniqueOrThrow({ where: { id: result.id } });
    expect(after.status).toBe("DISMISSED");
    expect(["户口本核实为 3 人", "已核实"]).toContain(after.note);
  });

  it("re-check and exit at once on one mismatch: one wins", async () => {
    const result = (await allResults(caseworker, runId)).find((r) => r.reason === "DIBAO_BUT_RELATIVE")!;
    const version = await fileVersion(f.dibao!.fileId);
    const outcomes = await Promise.allSettled([
      openRecheckFromResult(caseworker, { resultId: result.id, expectedVersion: result.version, fileVersion: version }),
      proposeExitFromResult(caseworker2, {
        resultId: result.id,
        expectedVersion: result.version,
        fileVersion: version,
        exitReason: "CANCELLED",
        cancelReason: "FALSE_INFORMATION",
        reason: "享受低保",
      }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(String((outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult).reason.message)).toMatch(/已被他人处理|已被他人修改/);
  });
});

describe("bad rosters", () => {
  it("refuses a workbook that is not the roster template, naming the missing columns", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Sheet1").addRow(["姓名", "身份证", "金额"]);
    workbook.getWorksheet("Sheet1")!.addRow(["张三", "620102198001010011", "100"]);
    const before = await counts();
    const outcome = await compareRoster(caseworker, { fileName: "别的表.xlsx", bytes: Buffer.from(await workbook.xlsx.writeBuffer()) });
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining("这不是民政比对名单模板") });
    expect(outcome.ok ? "" : outcome.message).toContain("公民身份号码");
    expect(await counts()).toEqual({ ...before, runs: before.runs + 1 });
    expect(await latestRun()).toMatchObject({ status: "INVALID", rowCount: 0 });
  });

  it("lists every bad cell with sheet, row, column and a Chinese message, and writes nothing but the refused run", async () => {
    const good = residentId({ birthDate: "1966-06-06" });
    const badCheck = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    const before = await counts();
    const outcome = await upload(caseworker, [
      row(badCheck, "校验位错"), // row 3 (row 2 is the template's example)
      row(good, "金额错", { "家庭年收入（元）": "12.345" }), // row 4
      row(residentId(), "金额字母", { "低保金额（元/月）": "abc", 是否享受低保: "是" }), // row 5
      row(good, "重复", {}), // row 6: same ID as row 4
      row(residentId(), "标记错", { 是否有车辆: "Y" }), // row 7
      row(residentId(), "人口错", { 家庭人口数: "0" }), // row 8
      row(residentId(), "", {}), // row 9
    ]);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([
      { sheet: "民政比对名单", row: 3, column: "公民身份号码", message: expect.stringContaining("校验") },
      { sheet: "民政比对名单", row: 4, column: "家庭年收入（元）", message: "金额最多保留两位小数（精确到分）。" },
      { sheet: "民政比对名单", row: 5, column: "低保金额（元/月）", message: "金额格式不正确，请填写数字，例如 1234.56。" },
      { sheet: "民政比对名单", row: 6, column: "公民身份号码", message: "与第 4 行的身份号码重复，同一人只能出现一次。" },
      { sheet: "民政比对名单", row: 7, column: "是否有车辆", message: "只能填写“是”或“否”，不能填写“Y”。" },
      { sheet: "民政比对名单", row: 8, column: "家庭人口数", message: "家庭人口数须为 1 到 99 的整数。" },
      { sheet: "民政比对名单", row: 9, column: "姓名", message: "请填写姓名。" },
    ]);
    expect(outcome.message).toContain("7 处问题");
    expect(await counts()).toEqual({ ...before, runs: before.runs + 1 });
    expect(await latestRun()).toMatchObject({ status: "INVALID", message: expect.stringContaining("7 处问题") });
  });

  it("refuses a file that is not a workbook, an empty one and one too large at once, with nothing written; an unreadable one after reading", async () => {
    const before = await counts();
    await expect(compareRoster(caseworker, { fileName: "名单.xls", bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]) })).rejects.toThrow(
      "这不是 Excel 工作簿（.xlsx）或 CSV 文件",
    );
    await expect(compareRoster(caseworker, { fileName: "名单.xlsx", bytes: Buffer.from("just text, renamed") })).rejects.toThrow("这不是 Excel 工作簿");
    await expect(compareRoster(caseworker, { fileName: "名单.xlsx", bytes: Buffer.alloc(0) })).rejects.toThrow("文件是空的");
    await expect(compareRoster(caseworker, { fileName: "名单.xlsx", bytes: Buffer.alloc(ROSTER_MAX_BYTES + 1, 1) })).rejects.toThrow("文件超过 30 MB");
    expect(await counts()).toEqual(before);
    // Only reading tells a broken zip: the run is refused with the message the upload used to give.
    const broken = await compareRoster(caseworker, { fileName: "名单.xlsx", bytes: Buffer.from("PK\x03\x04 broken zip") });
    expect(broken).toMatchObject({ ok: false, message: expect.stringContaining("无法读取这个文件") });
    const empty = await upload(caseworker, []);
    expect(empty).toMatchObject({ ok: false, message: expect.stringContaining("没有数据行") });
    expect(await counts()).toEqual({ ...before, runs: before.runs + 2 });
  });

  it("accepts the same roster saved as CSV (UTF-8 with BOM, quoted fields)", async () => {
    const id = residentId({ birthDate: "1969-09-09" });
    const csv = `\uFEFF公民身份号码*,姓名*,是否享受低保*,低保金额（元/月）,家庭年收入（元）,家庭人口数,是否有车辆*,是否有房产*,是否死亡*,是否工会会员,工作单位\r\n${id},"王, 某",否,,"1,200.00",1,否,否,否,是,"兰州""一厂"""\r\n`;
    const outcome = await compareRoster(caseworker, { fileName: "名单.csv", bytes: Buffer.from(csv, "utf8") });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const stored = await prisma.civilRosterRow.findFirstOrThrow({ where: { runId: outcome.runId } });
    expect(stored).toMatchObject({
      residentId: id,
      name: "王, 某",
      householdIncomeFen: 120_000n,
      householdSize: 1,
      unionMember: true,
      workplace: '兰州"一厂"',
    });
    // 1,200 元 a year for one person is 100 元 a month, below the relative line: a 漏评 candidate.
    expect((await allResults(caseworker, outcome.runId)).map((r) => r.reason)).toEqual(["MISSED_FILING"]);
  });

  it("recognises the same roster uploaded a second time", async () => {
    const bytes = await rosterWorkbook([row(residentId({ birthDate: "1968-08-08" }), "重复上传")]);
    const first = await compareRoster(caseworker, { fileName: "一.xlsx", bytes });
    expect(first.ok).toBe(true);
    const before = await counts();
    await expect(compareRoster(caseworker, { fileName: "二.xlsx", bytes })).rejects.toThrow(/已于 .* 由 王静 上传比对过/);
    // Another city uploading the same bytes is told too, without learning where.
    await expect(compareRoster(tsCaseworker, { fileName: "三.xlsx", bytes })).rejects.toThrow("这份名单已经上传比对过");
    expect(await counts()).toEqual(before);
  });
});

describe("all or nothing", () => {
  it("writes no roster row, result or comparison audit row when the comparison fails half-way: the run is FAILED with its message", async () => {
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    // The roster rows and the run are in; the results' INSERT then fails in the middle.
    await owner.query(`CREATE FUNCTION test_fail_half_way() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.reason = 'DECEASED' THEN RAISE EXCEPTION 'injected failure half-way'; END IF; RETURN NEW; END $$`);
    await owner.query(`CREATE TRIGGER test_fail_half_way BEFORE INSERT ON civil_comparison_result FOR EACH ROW EXECUTE FUNCTION test_fail_half_way()`);
    try {
      const lanzhou = await orgByCode("GSLZ");
      const file = await insertOpenFile(sql, { caseworker, official }, lanzhou.id);
      const before = await counts();
      const auditBefore = await prisma.auditEvent.count({ where: { action: { startsWith: "civil." } } });
      const members = file.data.members;
      await expect(
        upload(caseworker, [
          row(members[0]!.residentId!, "有房户主", { 是否有房产: "是" }),
          row(members[1]!.residentId!, "死亡配偶", { 是否死亡: "是" }),
          row(residentId(), "漏评", { 是否享受低保: "是", 是否工会会员: "是" }),
        ]),
      ).rejects.toThrow("比对过程中出现系统错误，没有写入任何比对结果");
      // The upload stays (it was answered before the comparison ran), FAILED; nothing of the comparison.
      expect(await counts()).toEqual({ ...before, runs: before.runs + 1 });
      expect(await latestRun()).toMatchObject({ status: "FAILED", message: expect.stringContaining("请点击“重新比对”") });
      expect(await prisma.auditEvent.count({ where: { action: { startsWith: "civil." } } })).toBe(auditBefore + 1);
    } finally {
      await owner.query("DROP TRIGGER test_fail_half_way ON civil_comparison_result; DROP FUNCTION test_fail_half_way()");
      await owner.end();
    }
  });
});

describe("the filing's civil-affairs check and 漏评", () => {
  it("cites the run whose roster covered the household, and a filed 漏评 candidate counts in the report", async () => {
    const lanzhou = await orgByCode("GSLZ");
    const values = filingValues(lanzhou.id);
    const holder = values.members[0]!;
    // Before the filing: the roster finds the holder, a union member on 低保, in no file.
    const run = await okRun(caseworker, [row(String(holder.residentId), String(holder.name), { 是否享受低保: "是", 是否工会会员: "是" })]);
    expect((await allResults(caseworker, run.runId)).map((r) => r.reason)).toEqual(["MISSED_FILING"]);
    const other = await okRun(caseworker, [row(residentId({ birthDate: "1977-07-07" }), "别人")]);

    const { fileId } = await submitNewFiling(caseworker, values);
    const version = async () => fileVersion(fileId);
    await reviewFiling(official, { fileId, expectedVersion: await version(), homeVisitDate: today });
    await backdateReview(fileId, 7);
    await startPublicity(official, { fileId, expectedVersion: await version(), startDate: addDays(today, -6) });
    // A run whose roster does not name the household cannot be cited; another city's run is not found.
    await expect(
      recordCivilCheck(official, { fileId, expectedVersion: await version(), checkDate: today, result: "CONSISTENT", comparisonRunId: other.runId }),
    ).rejects.toThrow("没有该户成员");
    const tsRun = await okRun(tsCaseworker, [row(String(holder.residentId), String(holder.name))]);
    await expect(
      recordCivilCheck(official, { fileId, expectedVersion: await version(), checkDate: today, result: "CONSISTENT", comparisonRunId: tsRun.runId }),
    ).rejects.toThrow("不在您的管辖范围内");
    await recordCivilCheck(official, {
      fileId,
      expectedVersion: await version(),
      checkDate: today,
      result: "CONSISTENT",
      note: "与民政名单一致",
      comparisonRunId: run.runId,
    });
    const checked = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } });
    expect(checked.civilCheckRunId).toBe(run.runId);
    const event = await prisma.filingEvent.findFirstOrThrow({ where: { fileId, kind: "CIVIL_CHECK_RECORDED" } });
    expect(event.civilCheckRunId).toBe(run.runId);

    const period = { kind: "month" as const, from: `${today.slice(0, 7)}-01`, to: today, label: "本月" };
    const missedBefore = (await findReport(official, { organisationId: lanzhou.id, period: period as never })).quality.reduce(
      (n, q) => n + q.approvalsAfterReturn,
      0,
    );
    await approveFiling(official, { fileId, expectedVersion: await version(), tier: "DEEP" });
    const report = await findReport(official, { organisationId: lanzhou.id, period: period as never });
    // The approval counts as 漏评: the comparison had found the holder before, never returned.
    expect(report.quality.reduce((n, q) => n + q.approvalsAfterReturn, 0)).toBe(missedBefore + 1);
    expect(report.quality.reduce((n, q) => n + q.approvals, 0)).toBeGreaterThanOrEqual(1);
  });
});
