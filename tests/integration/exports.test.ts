// Guards the .xlsx exports: what a spreadsheet reader finds in them (typed cells, ID numbers as
// text, money in yuan), masking unless an auditor explicitly asks for full numbers (and only an
// auditor may), the audit rows of every export (who, filters, full or masked, row count), and
// scope (a Tianshui auditor's export holds no Lanzhou household).
import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { exportArchiveResponse, exportAuditTrailResponse, exportLedgerResponse } from "@/lib/exports/export-responses";
import { todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { ZRecordBankAccountInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";

let sql: pg.Client;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzAuditor: TActor;
let tsAuditor: TActor;
let lanzhouCounty: string;
const holderId = residentId({ birthDate: "1975-04-08", sex: "FEMALE" });
let fileNumber: string;

async function workbookOf(response: Response) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  return workbook;
}

/** The audit row written after the last byte (the stream's end resolves just before it). */
async function completedExport(actor: TActor, what: string) {
  for (let i = 0; i < 50; i += 1) {
    const row = await prisma.auditEvent.findFirst({
      where: { action: "export.completed", actorId: actor.userId, detail: { path: ["what"], equals: what } },
      orderBy: { id: "desc" },
    });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no export.completed row");
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsAuditor } = await demoActors());
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
  const people = { caseworker: lzCaseworker, official: lzOfficial };
  const holder = {
    name: "马玉兰",
    relation: "SELF",
    residentId: holderId,
    birthDate: "1975-04-08",
    sex: "FEMALE",
    health: "HEALTHY",
    disabilityGrade: "",
    education: "NOT_IN_SCHOOL",
    employment: "FLEXIBLE",
    livesInHousehold: true,
  } as const;
  const file = await insertOpenFile(sql, people, lanzhouCounty, { members: [holder] }, { perCapitaMonthlyFen: 51_234 });
  fileNumber = file.fileNumber;
  await insertOpenFile(sql, people, lanzhouCounty);
  await recordBankAccount(
    lzCaseworker,
    ZRecordBankAccountInput.parse({ fileId: file.fileId, bankName: "中国农业银行兰州分行", accountNumber: "6228480012345678901", accountHolder: "马玉兰" }),
  );
  const { disbursementId } = await recordDisbursement(
    lzCaseworker,
    ZRecordDisbursementInput.parse({
      idempotencyKey: randomUUID(),
      fileId: file.fileId,
      aidType: "LIVING",
      fundSource: "CENTRAL_SPECIAL",
      amountFen: "1234.56",
      entryDate: todayInShanghai(),
      purpose: "季度生活救助",
      evidence: "",
      studentIndex: "",
      overCapNote: "",
    }),
  );
  await approveDisbursement(lzOfficial, { disbursementId });
});

afterAll(async () => {
  await sql.end();
});

describe("困难职工台账 (archive export)", () => {
  it("writes typed cells, masks the ID number and audits filters and row count", async () => {
    const response = await exportArchiveResponse(lzCaseworker, new URLSearchParams({ status: "OPEN", q: "马玉兰" }));
    expect(response.headers.get("Content-Type")).toContain("spreadsheetml");
    const sheet = (await workbookOf(response)).getWorksheet("困难职工台账")!;
    expect(sheet.getCell("A1").value).toBe("兰州市总工会 困难职工台账");
    expect(String(sheet.getCell("A2").value)).toContain("查询：马玉兰");
    expect(String(sheet.getCell("A3").value)).toContain("公民身份号码已脱敏");
    expect(sheet.getRow(4).getCell(1).value).toBe("档案编号");
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 4 });
    const row = sheet.getRow(5);
    expect(row.getCell(1).value).toBe(fileNumber);
    expect(row.getCell(2).value).toBe("马玉兰");
    expect(row.getCell(3).value).toBe(`${holderId.slice(0, 6)}********${holderId.slice(14)}`);
    expect(row.getCell(4).value).toBe("女");
    expect(row.getCell(5).value).toEqual(new Date("1975-04-08T00:00:00Z"));
    expect(row.getCell(7).value).toBe("在档");
    expect(row.getCell(12).value).toBe(1);
    expect(row.getCell(13).value).toBe(512.34);
    expect(row.getCell(13).numFmt).toBe("#,##0.00");
    // 建档时间 and 更新时间: the file's instants as Beijing wall-clock time (UTC+8), to the minute.
    const stored = await prisma.householdFile.findFirstOrThrow({ where: { fileNumber }, select: { openedAt: true, updatedAt: true } });
    const beijingMinute = (at: Date) => Math.floor((at.getTime() + 8 * 3_600_000) / 60_000) * 60_000;
    for (const [column, at] of [
      [14, stored.openedAt!],
      [16, stored.updatedAt],
    ] as const) {
      const cell = row.getCell(column);
      expect(cell.numFmt).toBe("yyyy-mm-dd hh:mm");
      expect(Math.abs((cell.value as Date).getTime() - beijingMinute(at))).toBeLessThan(1_000);
    }
    expect(sheet.getRow(6).getCell(1).value).toBeNull();

    const started = await prisma.auditEvent.findFirstOrThrow({ where: { action: "archive.export", actorId: lzCaseworker.userId }, orderBy: { id: "desc" } });
    expect(started.detail).toMatchObject({ filters: { q: "马玉兰", status: "OPEN" }, fullResidentIds: false });
    expect((await completedExport(lzCaseworker, "archive")).detail).toMatchObject({ rows: 1, format: "xlsx" });
  });

  it("gives full ID numbers only to an auditor who asks, and records that choice", async () => {
    await expect(exportArchiveResponse(lzCaseworker, new URLSearchParams({ full: "1" }))).rejects.toThrow("只有审计人员");
    const sheet = (await workbookOf(await exportArchiveResponse(lzAuditor, new URLSearchParams({ q: holderId, full: "1" })))).getWorksheet(1)!;
    expect(sheet.getRow(5).getCell(3).value).toBe(holderId);
    expect(String(sheet.getCell("A3").value)).toContain("含完整公民身份号码");
    const started = await prisma.auditEvent.findFirstOrThrow({ where: { action: "archive.export", actorId: lzAuditor.userId }, orderBy: { id: "desc" } });
    expect(started.detail).toMatchObject({ fullResidentIds: true });
  });

  it("holds no household outside the exporter's scope", async () => {
    const sheet = (await workbookOf(await exportArchiveResponse(tsAuditor, new URLSearchParams({ status: "ALL" })))).getWorksheet(1)!;
    const names: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > 4) names.push(row.getCell(2).value);
    });
    expect(names).not.toContain("马玉兰");
  });

  it("writes the same rows as CSV when asked", async () => {
    const text = await (await exportArchiveResponse(lzCaseworker, new URLSearchParams({ q: "马玉兰", format: "csv" }))).text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"512.34"');
  });
});

describe("帮扶资金发放实名制汇总表 (ledger export)", () => {
  it("writes the amount in yuan, the holder's masked ID and masked account", async () => {
    const sheet = (await workbookOf(await exportLedgerResponse(lzAuditor, new URLSearchParams()))).getWorksheet(1)!;
    expect(sheet.getCell("A1").value).toBe("兰州市总工会 帮扶资金发放实名制汇总表");
    const header = sheet.getRow(4).values as unknown[];
    expect(header.slice(1, 11)).toEqual([
      "发放日期",
      "建档职工（持卡人）",
      "公民身份号码",
      "档案编号",
      "组织",
      "救助类型",
      "资金来源",
      "金额（元）",
      "开户银行",
      "银行账号（脱敏）",
    ]);
    const row = sheet.getRow(5);
    expect(row.getCell(1).value).toEqual(new Date(`${todayInShanghai()}T00:00:00Z`));
    expect(row.getCell(2).value).toBe("马玉兰");
    expect(row.getCell(3).value).toBe(`${holderId.slice(0, 6)}********${holderId.slice(14)}`);
    expect(row.getCell(6).value).toBe("生活救助");
    expect(row.getCell(8).value).toBe(1234.56);
    expect(row.getCell(10).value).toBe("6228****8901");
    expect((await completedExport(lzAuditor, "ledger")).detail).toMatchObject({ rows: 1, fullNumbers: false });
  });

  it("writes full account numbers only in the auditor's explicit export", async () => {
    const sheet = (await workbookOf(await exportLedgerResponse(lzAuditor, new URLSearchParams({ full: "1" })))).getWorksheet(1)!;
    expect(sheet.getRow(5).getCell(10).value).toBe("6228480012345678901");
    expect(sheet.getRow(5).getCell(3).value).toBe(holderId);
    const started = await prisma.auditEvent.findFirstOrThrow({ where: { action: "ledger.export", actorId: lzAuditor.userId }, orderBy: { id: "desc" } });
    expect(started.detail).toMatchObject({ fullNumbers: true });
    const tianshui = (await workbookOf(await exportLedgerResponse(tsAuditor, new URLSearchParams({ full: "1" })))).getWorksheet(1)!;
    expect(tianshui.getRow(5).getCell(2).value).toBeNull();
  });
});

describe("audit trail export", () => {
  it("titles a range ending 11-23 with 11-23 and holds the whole of that day in China", async () => {
    // Guards issue 22 §7: the title said "至 11-22" for a range ending 11-23 (the day's start in
    // Shanghai, 11-22 16:00 UTC, was printed as a UTC date).
    const lanzhou = lzAuditor.organisation.id;
    const at = (iso: string, entityId: string) =>
      sql.query(`INSERT INTO audit_event (at, actor_id, action, entity_type, entity_id, organisation_id) VALUES ($1, $2, 'user.update', 'test', $3, $4)`, [
        iso,
        lzOfficial.userId,
        entityId,
        lanzhou,
      ]);
    await at("2025-11-22T15:59:59.000Z", "before-the-range"); // 11-22 23:59:59 in Shanghai
    await at("2025-11-22T16:00:00.000Z", "first-instant"); //      11-23 00:00 in Shanghai
    await at("2025-11-23T15:59:59.000Z", "last-instant"); //       11-23 23:59:59 in Shanghai
    await at("2025-11-23T16:00:00.000Z", "after-the-range"); //    11-24 00:00 in Shanghai

    const sheet = (
      await workbookOf(await exportAuditTrailResponse(lzAuditor, new URLSearchParams({ tab: "events", from: "2025-11-23", to: "2025-11-23" })))
    ).getWorksheet(1)!;

    expect(sheet.getRow(2).getCell(1).value).toBe("期间：2025-11-23 至 2025-11-23");
    const times: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 4) times.push(String(row.getCell(1).value));
    });
    // Time cells hold Shanghai wall-clock time to the minute (write-xlsx), newest first.
    expect(times.map((t) => new Date(t).toISOString())).toEqual(["2025-11-23T23:59:00.000Z", "2025-11-23T00:00:00.000Z"]);
  });

  it("writes the time as a date cell and the action in words", async () => {
    const sheet = (await workbookOf(await exportAuditTrailResponse(lzAuditor, new URLSearchParams({ tab: "events" })))).getWorksheet(1)!;
    expect(sheet.getRow(4).getCell(1).value).toBe("时间");
    const actions: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > 4) actions.push(row.getCell(3).value);
    });
    expect(actions).toContain("登记救助发放");
    expect(sheet.getRow(5).getCell(1).value).toBeInstanceOf(Date);
  });
});
