// Guards the Excel import (台账导入): the template's sheets, headers and drop-down lists; every
// row validated before anything is written (ID checksum with birth date and sex, codes, money,
// required fields, duplicates inside the workbook, one person one open file against the
// database), problems with sheet/row/column and a Chinese message, the annotated workbook, all or
// nothing under a failure half-way, the same workbook refused a second time, and bad uploads.
import ExcelJS from "exceljs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { runActionAs } from "@/lib/actions/run-action";
import { prisma } from "@/lib/db/client";
import { buildImportTemplate } from "@/lib/import/import-template";
import { annotatedImportWorkbook } from "@/lib/import/annotate-import";
import { claimHouseholdImportCommit, commitHouseholdImport } from "@/lib/import/commit-import";
import { getHouseholdImport } from "@/lib/import/find-imports";
import { uploadHouseholdImport } from "@/lib/import/upload-import";
import { validateHouseholdImport } from "@/lib/import/validate-import";
import { startHouseholdImportRevalidation } from "@/lib/import/run-import";
import { ZHouseholdImportRef } from "@/lib/import/schemas";
import { actorFor, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let tsCaseworker: TActor;
let uploads = 0;

type THousehold = Record<string, string>;
type TMember = Record<string, string>;

function household(key: string, overrides: THousehold = {}): THousehold {
  return {
    户编号: key,
    档案级别: "市级",
    职工类别: "城镇困难职工",
    住房情况: "租房",
    建档职工是否工会会员: "是",
    主要致困原因: "因病",
    "工资性收入（元/月）": "2400.50",
    建议困难类别: "深度困难",
    困难需求: "医疗救助",
    ...overrides,
  };
}
function member(key: string, overrides: TMember = {}): TMember {
  const birth = overrides["出生日期"] ?? "1978-03-09";
  return {
    户编号: key,
    姓名: "张建华",
    与建档职工关系: "本人",
    公民身份号码: residentId({ birthDate: birth }),
    出生日期: birth,
    性别: "男",
    健康状况: "慢性病",
    在学情况: "不在学",
    就业状况: "灵活就业",
    是否共同生活: "是",
    ...overrides,
  };
}

/** The real template, filled in as a caseworker would (example rows left in place). */
async function workbookWith(households: THousehold[], members: TMember[], tweak?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await buildImportTemplate()) as unknown as ArrayBuffer);
  const fill = (name: string, rows: Record<string, string>[]) => {
    const sheet = workbook.getWorksheet(name)!;
    const headers = (sheet.getRow(1).values as string[]).map((h) => (h ? String(h).replace(/\*$/, "") : h));
    for (const row of rows) sheet.addRow(headers.map((h) => (h ? (row[h] ?? "") : undefined)).slice(1));
  };
  fill("户信息", households);
  fill("家庭成员", members);
  tweak?.(workbook);
  uploads += 1;
  workbook.creator = `test-${uploads}-${Date.now()}`; // distinct bytes per test workbook
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function uploadAndValidate(bytes: Buffer, actor = caseworker) {
  const { importId } = await uploadHouseholdImport(actor, { fileName: "台账.xlsx", bytes });
  await validateHouseholdImport(actor, importId);
  return getHouseholdImport(actor, importId);
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
});

afterAll(async () => {
  await sql.end();
});

describe("the template", () => {
  it("has the two sheets, Chinese headers, drop-down lists and an example household", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildImportTemplate()) as unknown as ArrayBuffer);
    const households = workbook.getWorksheet("户信息")!;
    const members = workbook.getWorksheet("家庭成员")!;
    expect(households.getRow(1).getCell(1).value).toBe("户编号*");
    expect(households.getRow(1).values).toContain("档案级别*");
    expect(members.getRow(1).values).toContain("公民身份号码*");
    expect(households.getRow(2).getCell(1).value).toBe("示例-1");
    expect(members.getRow(3).getCell(2).value).toBe("李秀英");
    // The coded columns carry a list validation pointing at the hidden code sheet.
    const level = households.getCell("C5").dataValidation;
    expect(level).toMatchObject({ type: "list" });
    expect(String(level.formulae?.[0])).toContain("代码表!");
    const relation = members.getCell("C7").dataValidation;
    expect(relation).toMatchObject({ type: "list" });
    expect(workbook.getWorksheet("代码表")!.state).toBe("hidden");
    const codes = workbook.getWorksheet("代码表")!;
    const values: unknown[] = [];
    codes.eachRow((row) => row.eachCell((cell) => values.push(cell.value)));
    expect(values).toEqual(expect.arrayContaining(["深度困难", "本人", "因病", "残疾", "城镇困难职工"]));
  });
});

describe("a good workbook", () => {
  it("validates, then creates every household as a draft in one step, with its history", async () => {
    const bytes = await workbookWith(
      [household("H1"), household("H2", { 主要致困原因: "因残", 次要致困原因1: "收入低" })],
      [
        member("H1"),
        member("H1", {
          姓名: "李秀英",
          与建档职工关系: "配偶",
          出生日期: "1980-11-02",
          性别: "女",
          公民身份号码: residentId({ birthDate: "1980-11-02", sex: "FEMALE" }),
        }),
        member("H2", { 姓名: "王强", 出生日期: "1970-01-05", 健康状况: "残疾", "残疾等级（1–4）": "2" }),
      ],
    );
    const validated = await uploadAndValidate(bytes);
    expect(validated.problems).toEqual([]);
    expect(validated.status).toBe("READY");
    expect(validated).toMatchObject({ households: 2, members: 3, problemCount: 0 });
    expect(await prisma.householdFile.count({ where: { holderName: { in: ["张建华", "王强"] }, createdById: caseworker.userId } })).toBe(0);

    await expect(claimHouseholdImportCommit(tsCaseworker, validated.id)).rejects.toThrow("不在您的管辖范围内");
    await claimHouseholdImportCommit(caseworker, validated.id);
    await expect(claimHouseholdImportCommit(caseworker, validated.id)).rejects.toThrow("不是待确认状态");
    expect(await commitHouseholdImport(caseworker, validated.id)).toEqual({ households: 2 });

    const files = await prisma.householdFile.findMany({
      where: { createdById: caseworker.userId, holderName: { in: ["张建华", "王强"] } },
      include: { persons: true, events: true },
      orderBy: { holderName: "asc" },
    });
    expect(files).toHaveLength(2);
    const wang = files.find((f) => f.holderName === "王强")!;
    expect(wang).toMatchObject({
      status: "DRAFT",
      mainCause: "DISABILITY",
      secondaryCauses: ["LOW_INCOME"],
      fileLevel: "CITY",
      proposedTier: "DEEP",
      organisationId: caseworker.organisation.id,
    });
    expect((wang.data as { incomes: unknown[] }).incomes).toEqual([{ source: "WAGES", monthlyFen: 240050 }]);
    const zhang = files.find((f) => f.holderName === "张建华")!;
    expect(zhang.persons).toHaveLength(2);
    expect(zhang.persons.every((p) => !p.holds)).toBe(true);
    expect(zhang.events).toMatchObject([{ kind: "CREATED", toStatus: "DRAFT", note: "由 Excel 导入（台账.xlsx）" }]);
    expect((await getHouseholdImport(caseworker, validated.id)).status).toBe("COMMITTED");
    expect(await prisma.auditEvent.count({ where: { action: "import.commit", entityId: validated.id } })).toBe(1);
  });

  it("refuses the same workbook a second time", async () => {
    const bytes = await workbookWith([household("R1")], [member("R1", { 出生日期: "1966-06-06" })]);
    await uploadHouseholdImport(caseworker, { fileName: "a.xlsx", bytes });
    await expect(uploadHouseholdImport(caseworker, { fileName: "a-副本.xlsx", bytes })).rejects.toThrow("同一工作簿不能重复导入");
  });
});

describe("a bad workbook", () => {
  it("lists each problem with sheet, row and column, writes nothing, and marks them in the workbook", async () => {
    const taken = residentId({ birthDate: "1969-09-09" });
    await insertOpenFile(sql, { caseworker, official }, caseworker.organisation.id, {
      members: [
        {
          name: "已建档",
          relation: "SELF",
          residentId: taken,
          birthDate: "1969-09-09",
          sex: "MALE",
          health: "HEALTHY",
          disabilityGrade: "",
          education: "NOT_IN_SCHOOL",
          employment: "FLEXIBLE",
          livesInHousehold: true,
        },
      ],
    });
    const shared = residentId({ birthDate: "1985-01-01" });
    const bytes = await workbookWith(
      [
        household("B1", { 档案级别: "乡级" }), // row 3: not a level
        household("B2", { 主要致困原因: "" }), // row 4: no main cause
        household("B3", { "工资性收入（元/月）": "12.345" }), // row 5: money with three decimals
        household("B4"), // row 6
        household("B5"), // row 7
      ],
      [
        member("B1", { 出生日期: "1985-01-01", 公民身份号码: shared }), // row 4
        member("B2", { 出生日期: "1971-01-01" }), // row 5
        member("B3", { 出生日期: "1972-01-01", 公民身份号码: "620102197201010000" }), // row 6: checksum
        member("B4", { 出生日期: "1985-01-01", 公民身份号码: shared }), // row 7: same person as row 4
        member("B5", { 出生日期: "1969-09-09", 公民身份号码: taken }), // row 8: already in an open file
        member("B4", {
          姓名: "子女",
          与建档职工关系: "子女",
          出生日期: "2010-02-02",
          性别: "男",
          公民身份号码: residentId({ birthDate: "2010-02-02", sex: "FEMALE" }),
          在学情况: "义务教育",
          就业状况: "非劳动年龄",
        }), // row 9: sex differs from ID
      ],
    );
    const result = await uploadAndValidate(bytes);
    expect(result.status).toBe("INVALID");
    const at = (sheet: string, row: number) => result.problems.filter((p) => p.sheet === sheet && p.row === row);
    expect(at("户信息", 3)).toEqual([expect.objectContaining({ column: "档案级别", message: expect.stringContaining("「乡级」不是有效的档案级别") })]);
    expect(at("户信息", 4)).toEqual([expect.objectContaining({ column: "主要致困原因", message: "请选择主要致困原因" })]);
    expect(at("户信息", 5)[0]).toMatchObject({ column: "工资性收入（元/月）" });
    expect(at("家庭成员", 6)[0]).toMatchObject({ column: "公民身份号码" });
    expect(at("家庭成员", 7)[0]).toMatchObject({ column: "公民身份号码", message: expect.stringContaining("第 4 行（户编号 B1）") });
    expect(at("家庭成员", 8)[0]).toMatchObject({ column: "公民身份号码", message: expect.stringContaining("一人只能在一个有效档案中") });
    expect(at("家庭成员", 9)[0]).toMatchObject({ column: "公民身份号码", message: expect.stringContaining("性别") });
    expect(await prisma.householdImportRow.count({ where: { importId: result.id } })).toBe(0);
    await expect(claimHouseholdImportCommit(caseworker, result.id)).rejects.toThrow("不是待确认状态");

    const annotated = new ExcelJS.Workbook();
    await annotated.xlsx.load((await annotatedImportWorkbook(caseworker, result.id)).bytes as unknown as ArrayBuffer);
    const sheet = annotated.getWorksheet("户信息")!;
    const problemColumn = (sheet.getRow(1).values as unknown[]).indexOf("导入问题");
    expect(problemColumn).toBeGreaterThan(0);
    expect(String(sheet.getRow(3).getCell(problemColumn).value)).toContain("【档案级别】");
    expect(sheet.getRow(6).getCell(problemColumn).value).toBeNull();
  });

  it("refuses a file that is not a workbook, one too large, and a workbook of another template", async () => {
    await expect(uploadHouseholdImport(caseworker, { fileName: "台账.xlsx", bytes: Buffer.from("姓名,身份证号\n张三,1") })).rejects.toThrow(
      "这不是 Excel 工作簿",
    );
    await expect(uploadHouseholdImport(caseworker, { fileName: "台账.csv", bytes: Buffer.from("PK\x03\x04rest", "binary") })).rejects.toThrow(
      "这不是 Excel 工作簿",
    );
    await expect(uploadHouseholdImport(caseworker, { fileName: "big.xlsx", bytes: Buffer.alloc(31 * 1024 * 1024) })).rejects.toThrow("文件超过 30 MB");
    const other = new ExcelJS.Workbook();
    other.addWorksheet("Sheet1").addRow(["姓名", "金额"]);
    const result = await uploadAndValidate(Buffer.from(await other.xlsx.writeBuffer()));
    expect(result.status).toBe("INVALID");
    expect(result.message).toContain("这不是档案导入模板");
    const broken = await uploadAndValidate(Buffer.concat([Buffer.from("PK\x03\x04", "binary"), Buffer.from("garbage".repeat(50))]));
    expect(broken.message).toContain("无法读取这个工作簿");
  });
});

describe("ID numbers Excel turned into numbers", () => {
  it("says the number lost its last digits instead of calling it a checksum error", async () => {
    const bytes = await workbookWith([household("N1")], [member("N1", { 出生日期: "1964-04-04" })], (wb) => {
      const sheet = wb.getWorksheet("家庭成员")!;
      const cell = sheet.getRow(4).getCell(4);
      cell.value = Number(String(cell.value).slice(0, 17)) * 10; // what Excel keeps of a typed 18-digit number
    });
    const result = await uploadAndValidate(bytes);
    expect(result.problems).toEqual([
      expect.objectContaining({ sheet: "家庭成员", row: 4, column: "公民身份号码", message: expect.stringContaining("存成了数字") }),
    ]);
  });
});

describe("all or nothing", () => {
  it("reports every problem of a row at once, and on a refusal the workbook's totals beside what passed (issue 26)", async () => {
    const taken = residentId({ birthDate: "1964-04-04" });
    await insertOpenFile(sql, { caseworker, official }, caseworker.organisation.id, {
      members: [
        {
          name: "已建档",
          relation: "SELF",
          residentId: taken,
          birthDate: "1964-04-04",
          sex: "MALE",
          health: "HEALTHY",
          disabilityGrade: "",
          education: "NOT_IN_SCHOOL",
          employment: "FLEXIBLE",
          livesInHousehold: true,
        },
      ],
    });
    const bytes = await workbookWith(
      [household("D1", { 档案级别: "乡级" }), household("D2")], // rows 3 and 4
      [
        member("D1", { 出生日期: "1964-04-04", 公民身份号码: taken }), // row 4: already in an open file, in a household that fails anyway
        member("D2", { 出生日期: "1977-07-07" }), // row 5
        member("D2", {
          姓名: "李秀英",
          与建档职工关系: "配偶",
          出生日期: "1979-09-09",
          性别: "女",
          公民身份号码: residentId({ birthDate: "1979-09-09", sex: "FEMALE" }),
        }), // row 6
      ],
    );
    const result = await uploadAndValidate(bytes);
    expect(result.status).toBe("INVALID");
    expect(result.problems.map((p) => [p.sheet, p.row, p.column])).toEqual([
      ["户信息", 3, "档案级别"],
      ["家庭成员", 4, "公民身份号码"],
    ]);
    expect(result.problems[1]!.message).toContain("一人只能在一个有效档案中");
    // Two households and three members in the workbook; one household of two members passed.
    expect(result).toMatchObject({ householdRows: 2, memberRows: 3, households: 1, members: 2 });
  });

  it("stages nothing when a person in the last of more than 5,000 households already holds a file", async () => {
    // Households are staged 5,000 at a time while the rest are checked; the one-person check
    // against the database comes last, and must still leave nothing staged.
    const taken = residentId({ birthDate: "1966-06-06" });
    await insertOpenFile(sql, { caseworker, official }, caseworker.organisation.id, {
      members: [
        {
          name: "已建档",
          relation: "SELF",
          residentId: taken,
          birthDate: "1966-06-06",
          sex: "MALE",
          health: "HEALTHY",
          disabilityGrade: "",
          education: "NOT_IN_SCHOOL",
          employment: "FLEXIBLE",
          livesInHousehold: true,
        },
      ],
    });
    const n = 5_001;
    const households = Array.from({ length: n }, (_, i) => household(`C${i}`));
    const members = households.map((_, i) => {
      const birth = new Date(Date.UTC(1960, 0, 1 + i)).toISOString().slice(0, 10);
      return member(`C${i}`, { 姓名: "批量", 出生日期: birth, 公民身份号码: residentId({ birthDate: birth }) });
    });
    members[n - 1] = member(`C${n - 1}`, { 姓名: "批量", 出生日期: "1966-06-06", 公民身份号码: taken });

    const result = await uploadAndValidate(await workbookWith(households, members));

    expect(result.status).toBe("INVALID");
    // The template's two example members take rows 2 and 3.
    expect(result.problems).toEqual([
      expect.objectContaining({ sheet: "家庭成员", row: 5_004, column: "公民身份号码", message: expect.stringContaining("一人只能在一个有效档案中") }),
    ]);
    expect(await prisma.householdImportRow.count({ where: { importId: result.id } })).toBe(0);
    // 5,001 households through upload, validation and staging: 20 s on a loaded two-core machine.
  }, 120_000);

  it("writes no file when the commit fails half-way", async () => {
    const bytes = await workbookWith(
      [household("A1"), household("A2"), household("A3")],
      [
        member("A1", { 姓名: "甲一", 出生日期: "1961-01-01" }),
        member("A2", { 姓名: "甲二", 出生日期: "1962-01-01" }),
        member("A3", { 姓名: "甲三", 出生日期: "1963-01-01" }),
      ],
    );
    const validated = await uploadAndValidate(bytes);
    expect(validated.status).toBe("READY");
    // Corrupt the third staged household so the database refuses it in the middle of the commit.
    await sql.query(`UPDATE household_import_row SET data = jsonb_set(data, '{members,0,residentId}', '"BAD"') WHERE import_id = $1 AND seq = 2`, [
      validated.id,
    ]);
    await claimHouseholdImportCommit(caseworker, validated.id);
    await expect(commitHouseholdImport(caseworker, validated.id)).rejects.toThrow("已全部撤销");
    expect(await prisma.householdFile.count({ where: { holderName: { in: ["甲一", "甲二", "甲三"] } } })).toBe(0);
    expect(await prisma.filingEvent.count({ where: { note: { startsWith: "由 Excel 导入" }, file: { holderName: { in: ["甲一", "甲二"] } } } })).toBe(0);
    expect((await getHouseholdImport(caseworker, validated.id)).status).toBe("FAILED");
  });
});

describe("revalidating a failed import", () => {
  // Guards issue 22 §7: the 重新校验 button's step used to answer ok for any import id and leave the
  // background validation to fail with NotFound. Another city's caseworker (天水, the attacker)
  // must get the normal not-in-scope answer for 兰州's import (the victim), with nothing started.
  async function failedImport() {
    const { importId } = await uploadHouseholdImport(caseworker, {
      fileName: "台账.xlsx",
      bytes: await workbookWith([household("R1")], [member("R1", { 姓名: "重校", 出生日期: "1964-04-04" })]),
    });
    await sql.query(
      `UPDATE household_import SET status = 'FAILED', message = '校验过程中出现系统错误', progress_done = 7, progress_total = 9, updated_at = '2026-01-05T08:00:00Z' WHERE id = $1`,
      [importId],
    );
    return importId;
  }
  // The action's own step, as the 重新校验 button reaches it (the action then leaves the validation running).
  const revalidate = (actor: TActor, importId: string) =>
    runActionAs(ZHouseholdImportRef, (a, input) => startHouseholdImportRevalidation(a, input.importId), actor, { importId });
  const importState = async (importId: string) =>
    (
      await sql.query(
        `SELECT status, message, progress_done, progress_total, updated_at, (SELECT count(*) FROM household_import_row WHERE import_id = $1)::int AS staged, (SELECT count(*) FROM audit_event)::int AS audits FROM household_import WHERE id = $1`,
        [importId],
      )
    ).rows[0];

  it("refuses another city's import with the not-in-scope answer and starts nothing", async () => {
    const importId = await failedImport();
    const before = await importState(importId);

    const answer = await revalidate(tsCaseworker, importId);

    expect(answer).toEqual({ ok: false, error: "导入记录不存在，或不在您的管辖范围内。", code: "NOT_FOUND", fieldErrors: undefined });
    expect(await importState(importId)).toEqual(before);
    expect(before).toMatchObject({ status: "FAILED", progress_done: 7, staged: 0 });
  });

  it("lets the importer revalidate a failed import once, and then validates it", async () => {
    const importId = await failedImport();

    expect(await revalidate(caseworker, importId)).toEqual({ ok: true, data: undefined });
    expect(await importState(importId)).toMatchObject({ status: "VALIDATING", message: null, progress_done: 0 });
    const again = await revalidate(caseworker, importId);
    expect(again).toMatchObject({ ok: false, error: expect.stringContaining("无需重新校验") });

    await validateHouseholdImport(caseworker, importId);
    expect(await importState(importId)).toMatchObject({ status: "READY", staged: 1 });
  });
});
