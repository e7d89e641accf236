// Guards background exports (后台导出, issue 10): a request is checked exactly as the direct
// download (wrong role, full numbers from a non-auditor, an organisation out of scope: refused with
// nothing written), at most three are active per person even when requested at once, the job's
// file holds the same cells as the direct download, progress is written and ends at the total,
// only the requester can download or cancel (anyone else: not found), a cancelled run stops and
// leaves no file, two workers given one job write it once, expired files are deleted, a job whose
// requester was disabled or lost the role fails with the reason, a job left RUNNING by a dead
// worker is failed at the next start while one a live worker holds is not, and the worker picks a
// request up by itself.
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { cancelExport } from "@/lib/exports/cancel-export";
import { exportArchiveResponse, exportLedgerResponse } from "@/lib/exports/export-responses";
import { startExportWorker } from "@/lib/exports/export-worker";
import { findMyExports } from "@/lib/exports/find-exports";
import { expireExportFiles, failInterruptedExports } from "@/lib/exports/maintain-exports";
import { openExportDownload } from "@/lib/exports/open-export-download";
import { requestExport } from "@/lib/exports/request-export";
import { runExportJob } from "@/lib/exports/run-export-job";
import { todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { ZRecordBankAccountInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";

let sql: pg.Client;
let exportDir: string;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzAuditor: TActor;
let tsAuditor: TActor;
let lanzhouCounty: string;
const holderId = residentId({ birthDate: "1968-09-12", sex: "MALE" });

const job = (id: string) => prisma.exportJob.findUniqueOrThrow({ where: { id } });
const filesOf = (id: string) => readdirSync(exportDir).filter((name) => name.startsWith(id));

async function workbookOf(bytes: ArrayBuffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  return workbook.worksheets[0]!;
}

/** Every cell from `fromRow` on: its value (typed: string, number, Date, null) and its number format. */
function cellsFrom(sheet: ExcelJS.Worksheet, fromRow: number) {
  const rows: Array<Array<{ value: unknown; numFmt: string | undefined }>> = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    if (n < fromRow) return;
    const cells = [];
    for (let c = 1; c <= sheet.columnCount; c++) cells.push({ value: row.getCell(c).value, numFmt: row.getCell(c).numFmt });
    rows.push(cells);
  });
  return rows;
}

/** A second auditor of the Lanzhou city union: same organisation, not the requester. */
async function otherLanzhouAuditor() {
  const user = await createTestUser({ orgCode: "GSLZ", roles: ["AUDITOR"] });
  return actorFor(user.username);
}

async function until(check: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("timed out");
}

beforeAll(async () => {
  exportDir = await mkdtemp(path.join(tmpdir(), "bangfu-exports-"));
  process.env.EXPORT_DIR = exportDir;
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsAuditor } = await demoActors());
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
  const people = { caseworker: lzCaseworker, official: lzOfficial };
  const holder = {
    name: "张国强",
    relation: "SELF",
    residentId: holderId,
    birthDate: "1968-09-12",
    sex: "MALE",
    health: "HEALTHY",
    disabilityGrade: "",
    education: "NOT_IN_SCHOOL",
    employment: "FLEXIBLE",
    livesInHousehold: true,
  } as const;
  const file = await insertOpenFile(sql, people, lanzhouCounty, { members: [holder] }, { perCapitaMonthlyFen: 40_012 });
  await insertOpenFile(sql, people, lanzhouCounty);
  await recordBankAccount(
    lzCaseworker,
    ZRecordBankAccountInput.parse({ fileId: file.fileId, bankName: "甘肃银行城关支行", accountNumber: "6214830012345670088", accountHolder: "张国强" }),
  );
  for (const amount of ["800.00", "1234.56"]) {
    const { disbursementId } = await recordDisbursement(
      lzCaseworker,
      ZRecordDisbursementInput.parse({
        idempotencyKey: randomUUID(),
        fileId: file.fileId,
        aidType: "LIVING",
        fundSource: "CENTRAL_SPECIAL",
        amountFen: amount,
        entryDate: todayInShanghai(),
        purpose: "生活救助",
        evidence: "",
        studentIndex: "",
        overCapNote: "",
      }),
    );
    await approveDisbursement(lzOfficial, { disbursementId });
  }
  // 12,000 sign-in attempts of a Lanzhou user: enough rows for two progress points (every 5,000).
  await sql.query(
    `INSERT INTO sign_in_attempt (at, username, user_id, ip, user_agent, outcome)
     SELECT now() - g * interval '1 second', 'lz_caseworker', $1::uuid, '10.0.0.' || (g % 200), 'Mozilla/5.0', 'SUCCESS'
       FROM generate_series(1, 12000) g`,
    [lzCaseworker.userId],
  );
});

afterAll(async () => {
  await sql.end();
});

describe("requesting a background export", () => {
  it("refuses what the direct download refuses, and writes nothing", async () => {
    await expect(requestExport(lzCaseworker, { kind: "LEDGER", format: "xlsx", params: {} })).rejects.toThrow("您没有权限导出台账。");
    await expect(requestExport(lzCaseworker, { kind: "ARCHIVE", format: "xlsx", full: true, params: {} })).rejects.toThrow("只有审计人员可以导出完整身份号码");
    await expect(requestExport(lzCaseworker, { kind: "AUDIT_EVENTS", format: "csv", params: {} })).rejects.toThrow("您没有权限导出审计日志。");
    // A Tianshui auditor asking for a Lanzhou county's ledger: the organisation is not in scope.
    await expect(requestExport(tsAuditor, { kind: "LEDGER", format: "xlsx", params: { organisationId: lanzhouCounty } })).rejects.toThrow("不在您的管辖范围内");
    await expect(requestExport(tsAuditor, { kind: "ARCHIVE", format: "xlsx", params: { org: lanzhouCounty } })).rejects.toThrow("不在您的管辖范围内");
    await expect(requestExport(lzCaseworker, { kind: "BATCH_LINES", format: "xlsx", params: { batch: randomUUID() } })).rejects.toThrow("批次不存在");
    await expect(requestExport(lzCaseworker, { kind: "ARCHIVE", format: "pdf" as "xlsx", params: {} })).rejects.toThrow();
    expect(await prisma.exportJob.count({ where: { requestedById: { in: [lzCaseworker.userId, tsAuditor.userId] } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "export.requested" } })).toBe(0);
  });

  it("allows three active exports per person, also when five are asked for at once", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => requestExport(lzOfficial, { kind: "ARCHIVE", format: "csv", params: { status: "ALL" } })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.map((r) => (r.reason as Error).message)).toEqual([
      "您已有 3 个导出在排队或进行中，请等其中一个完成或取消后再申请。",
      "您已有 3 个导出在排队或进行中，请等其中一个完成或取消后再申请。",
    ]);
    const jobs = await prisma.exportJob.findMany({ where: { requestedById: lzOfficial.userId } });
    expect(jobs).toHaveLength(3);
    // Another person is not held back by them.
    const { jobId } = await requestExport(lzCaseworker, { kind: "ARCHIVE", format: "csv", params: {} });
    await cancelExport(lzCaseworker, jobId);
    // Cancelling one makes room again.
    await cancelExport(lzOfficial, jobs[0]!.id);
    await requestExport(lzOfficial, { kind: "ARCHIVE", format: "csv", params: {} });
    for (const j of await prisma.exportJob.findMany({ where: { requestedById: lzOfficial.userId, status: "QUEUED" } })) await cancelExport(lzOfficial, j.id);
  });
});

describe("running a background export", () => {
  it("writes the same cells as the direct download, records the audit rows, and serves the file to its requester", async () => {
    const { jobId } = await requestExport(lzAuditor, { kind: "LEDGER", format: "xlsx", params: { aidType: "LIVING", format: "csv" } });
    const requested = await prisma.auditEvent.findFirstOrThrow({ where: { action: "export.requested", entityId: jobId } });
    expect(requested.detail).toMatchObject({ kind: "LEDGER", format: "xlsx", filters: { aidType: "LIVING" }, fullNumbers: false });
    expect((await job(jobId)).status).toBe("QUEUED");

    expect(await runExportJob(jobId)).toBe("SUCCEEDED");
    const done = await job(jobId);
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      rowsDone: 2,
      rowsTotal: 2,
      fileName: `帮扶资金发放实名制汇总表-${todayInShanghai()}.xlsx`,
      fileKey: `${jobId}.xlsx`,
      error: null,
    });
    expect(done.expiresAt!.getTime() - done.finishedAt!.getTime()).toBe(7 * 86_400_000);
    expect(filesOf(jobId)).toEqual([`${jobId}.xlsx`]);

    const response = await openExportDownload(lzAuditor, jobId);
    expect(response.headers.get("Content-Type")).toContain("spreadsheetml");
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent(`帮扶资金发放实名制汇总表-${todayInShanghai()}.xlsx`)}`,
    );
    const background = await workbookOf(await response.arrayBuffer());
    const direct = await workbookOf(await (await exportLedgerResponse(lzAuditor, new URLSearchParams({ aidType: "LIVING" }))).arrayBuffer());
    expect(background.getCell("A1").value).toBe("兰州市总工会 帮扶资金发放实名制汇总表");
    expect(background.getCell("A2").value).toBe(direct.getCell("A2").value);
    expect(background.getCell("A2").value).toBe("筛选条件 救助类型：生活救助");
    const rows = cellsFrom(background, 4);
    expect(rows).toEqual(cellsFrom(direct, 4));
    expect(rows).toHaveLength(3);
    // Typed cells, as the direct export writes them: a date, masked text, yuan with two decimals.
    expect(rows[1]![0]!.value).toEqual(new Date(`${todayInShanghai()}T00:00:00Z`));
    expect(rows[1]![2]!.value).toBe(`${holderId.slice(0, 6)}********${holderId.slice(14)}`);
    expect(
      rows
        .slice(1)
        .map((r) => r[7]!.value)
        .sort(),
    ).toEqual([1234.56, 800]);
    expect(rows[1]![7]!.numFmt).toBe("#,##0.00");
    expect(rows[1]![9]!.value).toBe("6214****0088");

    const completed = await prisma.auditEvent.findFirstOrThrow({ where: { action: "export.completed", detail: { path: ["jobId"], equals: jobId } } });
    expect(completed.actorId).toBe(lzAuditor.userId);
    expect(completed.detail).toMatchObject({ what: "ledger", format: "xlsx", rows: 2, fullNumbers: false, background: true });
    expect(await prisma.auditEvent.count({ where: { action: "export.downloaded", entityId: jobId, actorId: lzAuditor.userId } })).toBe(1);
  });

  it("writes the same CSV as the direct download", async () => {
    const { jobId } = await requestExport(lzCaseworker, { kind: "ARCHIVE", format: "csv", params: { status: "OPEN", q: "张国强" } });
    expect(await runExportJob(jobId)).toBe("SUCCEEDED");
    const text = await (await openExportDownload(lzCaseworker, jobId)).text();
    expect(text).toBe(await (await exportArchiveResponse(lzCaseworker, new URLSearchParams({ status: "OPEN", q: "张国强", format: "csv" }))).text());
    const lines = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"张国强"');
    expect(lines[1]).toContain('"400.12"');
    expect(await job(jobId)).toMatchObject({ rowsDone: 1, rowsTotal: 1, summary: "状态：在档；查询：张国强" });
  });

  it("writes progress every 5,000 rows and ends at the total", async () => {
    // The 12,000 attempts inserted above are all there is in Lanzhou's scope.
    const expected = 12_000;
    const { jobId } = await requestExport(lzAuditor, { kind: "AUDIT_SIGNINS", format: "xlsx", params: {} });
    const seen: Array<{ rowsDone: number; rowsTotal: number | null; status: string }> = [];
    expect(
      await runExportJob(jobId, {
        onProgress: async () => {
          seen.push(await job(jobId));
        },
      }),
    ).toBe("SUCCEEDED");
    expect(seen).toEqual([
      expect.objectContaining({ rowsDone: 5000, rowsTotal: expected, status: "RUNNING" }),
      expect.objectContaining({ rowsDone: 10_000, rowsTotal: expected, status: "RUNNING" }),
    ]);
    expect(await job(jobId)).toMatchObject({ status: "SUCCEEDED", rowsDone: expected, rowsTotal: expected });
    const sheet = await workbookOf(await (await openExportDownload(lzAuditor, jobId)).arrayBuffer());
    expect(sheet.getCell("A1").value).toBe("兰州市总工会 审计日志（登录记录）");
    expect(sheet.rowCount).toBe(4 + expected); // title, period, exported by, header
  });

  it("stops a cancelled run at the next progress point and leaves no file", async () => {
    const { jobId } = await requestExport(lzAuditor, { kind: "AUDIT_SIGNINS", format: "csv", params: {} });
    let sawPartial = false;
    const outcome = await runExportJob(jobId, {
      onProgress: async (rowsDone) => {
        if (rowsDone !== 5000) return;
        sawPartial = filesOf(jobId).includes(`${jobId}.csv.partial`);
        await cancelExport(lzAuditor, jobId);
      },
    });
    expect(outcome).toBe("CANCELLED");
    expect(sawPartial).toBe(true);
    expect(await job(jobId)).toMatchObject({ status: "CANCELLED", rowsDone: 5000, fileKey: null });
    expect(filesOf(jobId)).toEqual([]);
    expect(await prisma.auditEvent.count({ where: { action: "export.cancelled", entityId: jobId } })).toBe(1);
    await expect(cancelExport(lzAuditor, jobId)).rejects.toThrow("该导出已经结束，不能再取消。");
    await expect(openExportDownload(lzAuditor, jobId)).rejects.toThrow("尚未完成");
  });

  it("is run once when two workers are given the same job", async () => {
    const { jobId } = await requestExport(lzAuditor, { kind: "LEDGER", format: "csv", params: {} });
    const outcomes = await Promise.all([runExportJob(jobId), runExportJob(jobId)]);
    expect(outcomes.sort()).toEqual(["NOT_QUEUED", "SUCCEEDED"]);
    expect(await runExportJob(jobId)).toBe("NOT_QUEUED");
    expect(await prisma.auditEvent.count({ where: { action: "export.completed", detail: { path: ["jobId"], equals: jobId } } })).toBe(1);
    expect(filesOf(jobId)).toEqual([`${jobId}.csv`]);
  });

  it("fails the job of a requester who was disabled or lost the role, with the reason and no file", async () => {
    const caseworker = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    const { jobId: disabledJob } = await requestExport(await actorFor(caseworker.username), { kind: "ARCHIVE", format: "xlsx", params: {} });
    await prisma.user.update({ where: { id: caseworker.id }, data: { active: false } });
    expect(await runExportJob(disabledJob)).toBe("FAILED");
    expect(await job(disabledJob)).toMatchObject({ status: "FAILED", error: "申请导出的账户已停用，导出未执行。", fileKey: null });
    expect(filesOf(disabledJob)).toEqual([]);

    const auditor = await createTestUser({ orgCode: "GSLZ", roles: ["AUDITOR"] });
    const { jobId: demotedJob } = await requestExport(await actorFor(auditor.username), { kind: "LEDGER", format: "xlsx", params: {} });
    await prisma.user.update({ where: { id: auditor.id }, data: { roles: ["CASEWORKER"] } });
    expect(await runExportJob(demotedJob)).toBe("FAILED");
    expect(await job(demotedJob)).toMatchObject({ status: "FAILED", error: "您没有权限导出台账。" });
    expect(filesOf(demotedJob)).toEqual([]);
  });
});

describe("another person's export", () => {
  // The victim: lz_auditor's finished export. The attackers: an auditor of the same union, and one of another city.
  it("cannot be seen, downloaded or cancelled", async () => {
    const { jobId } = await requestExport(lzAuditor, { kind: "AUDIT_EVENTS", format: "xlsx", params: {} });
    const { jobId: queued } = await requestExport(lzAuditor, { kind: "AUDIT_EVENTS", format: "csv", params: {} });
    expect(await runExportJob(jobId)).toBe("SUCCEEDED");
    for (const attacker of [await otherLanzhouAuditor(), tsAuditor]) {
      await expect(openExportDownload(attacker, jobId)).rejects.toThrow("导出记录不存在。");
      await expect(cancelExport(attacker, queued)).rejects.toThrow("导出记录不存在。");
      expect((await findMyExports(attacker, 1)).rows.map((r) => r.id)).not.toContain(jobId);
    }
    expect((await job(queued)).status).toBe("QUEUED");
    expect(await prisma.auditEvent.count({ where: { action: "export.downloaded", entityId: jobId } })).toBe(0);
    const mine = await findMyExports(lzAuditor, 1);
    expect(mine.rows[0]).toMatchObject({ id: queued, status: "QUEUED", canCancel: true, canDownload: false });
    expect(mine.rows[1]).toMatchObject({ id: jobId, status: "SUCCEEDED", canCancel: false, canDownload: true });
    await cancelExport(lzAuditor, queued);
  });
});

describe("housekeeping", () => {
  it("deletes expired files and shows the job as expired", async () => {
    const { jobId } = await requestExport(lzAuditor, { kind: "LEDGER", format: "xlsx", params: {} });
    expect(await runExportJob(jobId)).toBe("SUCCEEDED");
    expect(await expireExportFiles()).toBe(0);
    await prisma.exportJob.update({ where: { id: jobId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Past its expiry it is 已过期 and refused even before the clean-up has run.
    expect((await findMyExports(lzAuditor, 1)).rows.find((r) => r.id === jobId)).toMatchObject({ status: "EXPIRED", canDownload: false });
    await expect(openExportDownload(lzAuditor, jobId)).rejects.toThrow("导出文件已过期并已删除，请重新导出。");
    expect(await expireExportFiles()).toBe(1);
    expect(filesOf(jobId)).toEqual([]);
    expect((await job(jobId)).status).toBe("EXPIRED");
  });

  it("fails a job a dead worker left running, but not one a live worker holds", async () => {
    const { jobId: orphan } = await requestExport(lzAuditor, { kind: "LEDGER", format: "xlsx", params: {} });
    const { jobId: live } = await requestExport(lzAuditor, { kind: "LEDGER", format: "csv", params: {} });
    await prisma.exportJob.updateMany({ where: { id: { in: [orphan, live] } }, data: { status: "RUNNING", startedAt: new Date() } });
    // The live worker: holds the job's advisory lock on its own connection, as runExportJob does.
    const worker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await worker.connect();
    await worker.query("SELECT pg_advisory_lock(hashtext($1))", [`export_job:${live}`]);
    try {
      expect(await failInterruptedExports()).toBe(1);
      expect(await job(orphan)).toMatchObject({ status: "FAILED", error: "导出中断，请重新导出。" });
      expect((await job(live)).status).toBe("RUNNING");
    } finally {
      await worker.end();
    }
    // Its worker gone, the second is interrupted too.
    expect(await failInterruptedExports()).toBe(1);
    expect((await job(live)).status).toBe("FAILED");
  });

  it("the worker picks a request up by itself and writes it", async () => {
    const worker = await startExportWorker(process.env.MIGRATION_DATABASE_URL!);
    try {
      const { jobId } = await requestExport(lzAuditor, { kind: "LEDGER", format: "xlsx", params: {} });
      await until(async () => (await job(jobId)).status === "SUCCEEDED");
      expect(existsSync(path.join(exportDir, `${jobId}.xlsx`))).toBe(true);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
