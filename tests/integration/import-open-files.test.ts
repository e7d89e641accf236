// Guards 按已在档档案迁入 (issue 10 §3): a union moving its existing approved files in. The batch
// waits, once validated, for an official other than the importer (refused in code and by the
// database); approval opens every file in one transaction with a number from the gap-free
// counter, its tier, original filing day and next re-check date, and an IMPORTED history row
// naming the batch and the approver, with the tally and report facts kept exact; two officials at
// once — one wins; rejection writes nothing; a failure half-way through writes nothing and takes
// no number; wrong role and another organisation's batch are refused; bad open-file columns are
// row/column problems.
import ExcelJS from "exceljs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { buildImportTemplate } from "@/lib/import/import-template";
import { findWorkbench } from "@/lib/workbench/find-workbench";
import { approveHouseholdImport, rejectHouseholdImport } from "@/lib/import/decide-import";
import { commitHouseholdImport } from "@/lib/import/commit-import";
import { findImportBatchesAwaitingApproval, getHouseholdImport, importBatchPreview } from "@/lib/import/find-imports";
import { uploadHouseholdImport } from "@/lib/import/upload-import";
import { validateHouseholdImport } from "@/lib/import/validate-import";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";

let sql: pg.Client;
let importer: TActor; // caseworker who is also an official: the maker–checker rule is about the person, not the role
let caseworker: TActor;
let official: TActor;
let secondOfficial: TActor;
let tsOfficial: TActor;
let lzOrgId: string;
let uploads = 0;
let birthDay = 0;

/** A distinct birth date per household, so no two tests share a person. */
function nextBirth() {
  birthDay += 1;
  return new Date(Date.UTC(1960, 0, 1) + birthDay * 86_400_000).toISOString().slice(0, 10);
}

function household(key: string, overrides: Record<string, string> = {}) {
  return {
    户编号: key,
    档案级别: "市级",
    职工类别: "城镇困难职工",
    住房情况: "租房",
    建档职工是否工会会员: "是",
    主要致困原因: "因病",
    "工资性收入（元/月）": "900",
    建议困难类别: "深度困难",
    在档困难类别: "深度困难",
    原建档日期: "2022-03-15",
    原档案编号: `旧-${key}`,
    ...overrides,
  };
}
function member(key: string, overrides: Record<string, string> = {}) {
  const birth = overrides["出生日期"] ?? nextBirth();
  return {
    户编号: key,
    姓名: `迁入${key}`,
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

async function workbookWith(households: Record<string, string>[], members: Record<string, string>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await buildImportTemplate()) as unknown as ArrayBuffer);
  const fill = (name: string, rows: Record<string, string>[]) => {
    const sheet = workbook.getWorksheet(name)!;
    const headers = (sheet.getRow(1).values as string[]).map((h) => (h ? String(h).replace(/\*$/, "") : h));
    for (const row of rows) sheet.addRow(headers.map((h) => (h ? (row[h] ?? "") : undefined)).slice(1));
  };
  fill("户信息", households);
  fill("家庭成员", members);
  uploads += 1;
  workbook.creator = `open-${uploads}-${Date.now()}`;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function validatedBatch(keys: string[], by = importer) {
  const bytes = await workbookWith(
    keys.map((k) => household(k)),
    keys.map((k) => member(k)),
  );
  const { importId } = await uploadHouseholdImport(by, { fileName: "原有在档.xlsx", bytes, mode: "OPEN" });
  await validateHouseholdImport(by, importId);
  return getHouseholdImport(by, importId);
}

const todayShanghai = () => new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());

async function counterValue(orgId: string) {
  const { rows } = await sql.query<{ v: number }>(
    "SELECT coalesce(max(last_value), 0)::int AS v FROM file_number_counter WHERE organisation_id = $1 AND year = $2",
    [orgId, Number(todayShanghai().slice(0, 4))],
  );
  return rows[0]!.v;
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  const both = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "OFFICIAL"] });
  importer = await actorFor(both.username);
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  secondOfficial = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  tsOfficial = await actorFor("ts_official");
  lzOrgId = (await orgByCode("GSLZ")).id;
});

afterAll(async () => {
  await sql.end();
});

describe("approved by an official other than the importer", () => {
  it("opens every file with a new number, its tier, original filing day and re-check date, and says so in its history; tally and report count them", async () => {
    const tally = async () =>
      (
        await sql.query<{ n: number }>("SELECT coalesce(sum(files), 0)::int AS n FROM household_file_tally WHERE organisation_id = $1 AND status = 'OPEN'", [
          lzOrgId,
        ])
      ).rows[0]!.n;
    const reportOpen = async () =>
      (await sql.query<{ n: number }>("SELECT coalesce(sum(delta), 0)::int AS n FROM report_open_delta WHERE organisation_id = $1", [lzOrgId])).rows[0]!.n;
    const reportNew = async () =>
      (
        await sql.query<{ n: number }>(
          "SELECT coalesce(sum(files), 0)::int AS n FROM report_file_event WHERE organisation_id = $1 AND kind = 'NEW' AND day = '2022-03-15'",
          [lzOrgId],
        )
      ).rows[0]!.n;
    const [tallyBefore, openBefore, newBefore, counterBefore] = [await tally(), await reportOpen(), await reportNew(), await counterValue(lzOrgId)];

    const bytes = await workbookWith(
      [household("K1"), household("K2", { 在档困难类别: "相对困难", 原建档日期: "2021-07-01", 原档案编号: "" })],
      [
        member("K1"),
        member("K1", {
          姓名: "配偶K1",
          与建档职工关系: "配偶",
          性别: "女",
          公民身份号码: residentId({ birthDate: "1962-02-02", sex: "FEMALE" }),
          出生日期: "1962-02-02",
        }),
        member("K2"),
      ],
    );
    const { importId } = await uploadHouseholdImport(importer, { fileName: "原有在档.xlsx", bytes, mode: "OPEN" });
    await validateHouseholdImport(importer, importId);
    const waiting = await getHouseholdImport(importer, importId);
    expect(waiting).toMatchObject({ status: "AWAITING_APPROVAL", households: 2, members: 3, mode: "OPEN" });
    // Nothing is a file yet; the official sees the batch waiting, with a preview of its files.
    expect(await prisma.householdFile.count({ where: { holderName: { in: ["迁入K1", "迁入K2"] } } })).toBe(0);
    expect((await findImportBatchesAwaitingApproval(official)).map((b) => b.id)).toContain(importId);
    const workbenchItem = async (actor: TActor) =>
      (await findWorkbench(actor)).sections.find((x) => x.key === "official")?.items.find((i) => i.key === "import-batches");
    expect(await workbenchItem(official)).toMatchObject({ count: 1, detail: expect.stringContaining("共 2 户"), href: "/review#import-batches" });
    expect(await workbenchItem(importer)).toMatchObject({ count: 0 }); // their own batch is not theirs to approve
    expect(await workbenchItem(tsOfficial)).toMatchObject({ count: 0 });
    expect(await importBatchPreview(official, importId)).toEqual([
      expect.objectContaining({ holderName: "迁入K1", householdSize: 2, tier: "DEEP", openedOn: "2022-03-15", originalFileNumber: "旧-K1" }),
      expect.objectContaining({ holderName: "迁入K2", householdSize: 1, tier: "RELATIVE", openedOn: "2021-07-01", originalFileNumber: null }),
    ]);

    await approveHouseholdImport(official, importId);
    expect(await commitHouseholdImport(official, importId)).toEqual({ households: 2 });

    const batch = await getHouseholdImport(official, importId);
    expect(batch).toMatchObject({ status: "COMMITTED", approvedBy: { name: official.name } });
    const files = await prisma.householdFile.findMany({ where: { importId }, orderBy: { fileNumber: "asc" }, include: { events: true, persons: true } });
    const year = todayShanghai().slice(0, 4);
    const {
      rows: [interval],
    } = await sql.query<{ v: number }>(
      "SELECT value::int AS v FROM policy_parameter WHERE key = 'RECHECK_INTERVAL_MONTHS' ORDER BY effective_from DESC LIMIT 1",
    );
    const {
      rows: [due],
    } = await sql.query<{ d: string }>(`SELECT to_char(($1::date + make_interval(months => $2))::date, 'YYYY-MM-DD') AS d`, [todayShanghai(), interval!.v]);
    expect(files.map((f) => [f.holderName, f.status, f.fileNumber, f.tier, f.originalFileNumber])).toEqual([
      ["迁入K1", "OPEN", `GSLZ-${year}-${String(counterBefore + 1).padStart(5, "0")}`, "DEEP", "旧-K1"],
      ["迁入K2", "OPEN", `GSLZ-${year}-${String(counterBefore + 2).padStart(5, "0")}`, "RELATIVE", null],
    ]);
    for (const f of files) {
      expect(f.submittedById).toBe(importer.userId);
      expect(f.approvedById).toBe(official.userId);
      expect(f.nextCheckDue?.toISOString().slice(0, 10)).toBe(due!.d);
      expect(f.holderNamePinyin).toBeTruthy();
      expect(f.events).toEqual([
        expect.objectContaining({
          kind: "IMPORTED",
          toStatus: "OPEN",
          actorId: official.userId,
          note: expect.stringContaining(`导入批次第 ${batch.batchNumber} 号`),
        }),
      ]);
      expect(f.events[0]!.note).toContain(`${official.name} 审批通过`);
      expect(f.persons.every((p) => p.holds)).toBe(true);
    }
    expect(files[0]!.events[0]!.note).toContain("原档案编号 旧-K1");
    expect(files[0]!.openedAt?.toISOString()).toBe("2022-03-14T16:00:00.000Z"); // 2022-03-15 00:00 in Shanghai
    expect(await prisma.tierDecision.count({ where: { fileId: { in: files.map((f) => f.id) }, decidedById: official.userId } })).toBe(2);
    expect(await counterValue(lzOrgId)).toBe(counterBefore + 2);
    expect(await tally()).toBe(tallyBefore + 2);
    expect(await reportOpen()).toBe(openBefore + 2);
    expect(await reportNew()).toBe(newBefore + 1);
    const {
      rows: [direct],
    } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM household_file WHERE organisation_id = $1 AND status = 'OPEN'", [lzOrgId]);
    expect(await tally()).toBe(direct!.n);
    expect(await prisma.auditEvent.count({ where: { entityId: importId, action: { in: ["import.approve", "import.commit-open"] } } })).toBe(2);
  });
});

describe("who may decide", () => {
  it("refuses the importer approving or rejecting their own batch, in the code and in the database", async () => {
    const batch = await validatedBatch(["S1"]);
    await expect(approveHouseholdImport(importer, batch.id)).rejects.toThrow("不能批准自己上传的导入批次");
    await expect(rejectHouseholdImport(importer, batch.id, "自己驳回")).rejects.toThrow("不能驳回自己上传的导入批次");
    await expect(
      sql.query("UPDATE household_import SET status = 'COMMITTING', approved_by_id = created_by_id, approved_at = now() WHERE id = $1", [batch.id]),
    ).rejects.toThrow(/household_import_approver_not_importer/);
    await expect(
      sql.query("UPDATE household_import SET status = 'REJECTED', rejected_by_id = created_by_id, rejected_at = now(), rejection_reason = 'x' WHERE id = $1", [
        batch.id,
      ]),
    ).rejects.toThrow(/household_import_rejecter_not_importer/);
    // A file of the batch approved by its importer is refused by the file's own maker–checker rule.
    await expect(
      sql.query(
        `INSERT INTO household_file (organisation_id, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category, main_cause,
         proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, file_number, next_check_due, import_id)
       VALUES ($1, 'OPEN', '{}', '甲', $2, 1, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $3, $3, now(), $3, now(), now(), 'X-1', CURRENT_DATE, $4)`,
        [lzOrgId, residentId({ birthDate: nextBirth() }), importer.userId, batch.id],
      ),
    ).rejects.toThrow(/household_file_approver_not_submitter/);
    expect((await getHouseholdImport(official, batch.id)).status).toBe("AWAITING_APPROVAL");
  });

  it("refuses a caseworker, and an official of another city neither sees nor decides the batch", async () => {
    const batch = await validatedBatch(["R1"]);
    await expect(approveHouseholdImport(caseworker, batch.id)).rejects.toThrow("权限");
    expect((await findImportBatchesAwaitingApproval(tsOfficial)).map((b) => b.id)).not.toContain(batch.id);
    await expect(approveHouseholdImport(tsOfficial, batch.id)).rejects.toThrow("不在您的管辖范围内");
    await expect(rejectHouseholdImport(tsOfficial, batch.id, "不是本市")).rejects.toThrow("不在您的管辖范围内");
    expect((await getHouseholdImport(official, batch.id)).status).toBe("AWAITING_APPROVAL");
  });

  it("two officials approving at once: one wins, the other is told it was handled", async () => {
    const batch = await validatedBatch(["T1", "T2"]);
    const results = await Promise.allSettled([approveHouseholdImport(official, batch.id), approveHouseholdImport(secondOfficial, batch.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason.message)).toContain("已被他人处理");
    const winner = results[0]!.status === "fulfilled" ? official : secondOfficial;
    const loser = winner === official ? secondOfficial : official;
    await expect(commitHouseholdImport(loser, batch.id)).rejects.toThrow("只有批准该导入批次的工作人员");
    await commitHouseholdImport(winner, batch.id);
    expect(await prisma.householdFile.count({ where: { importId: batch.id, status: "OPEN", approvedById: winner.userId } })).toBe(2);
    // Afterwards a rejection is too late.
    await expect(rejectHouseholdImport(loser, batch.id, "晚了")).rejects.toThrow("已被他人处理");
  });
});

describe("rejection and failures write nothing", () => {
  it("a rejected batch writes no file, keeps the reason and cannot be approved later", async () => {
    const batch = await validatedBatch(["J1", "J2"]);
    const counterBefore = await counterValue(lzOrgId);
    await rejectHouseholdImport(official, batch.id, "原档案编号与纸质档案不符，请核对后重新上传");
    const rejected = await getHouseholdImport(importer, batch.id);
    expect(rejected).toMatchObject({ status: "REJECTED", rejectionReason: "原档案编号与纸质档案不符，请核对后重新上传", rejectedBy: { name: official.name } });
    expect(await prisma.householdFile.count({ where: { holderName: { in: ["迁入J1", "迁入J2"] } } })).toBe(0);
    expect(await prisma.householdImportRow.count({ where: { importId: batch.id } })).toBe(0);
    expect(await counterValue(lzOrgId)).toBe(counterBefore);
    await expect(approveHouseholdImport(secondOfficial, batch.id)).rejects.toThrow("已被他人处理");
    // A rejection needs a reason, also in the database.
    await expect(sql.query("UPDATE household_import SET rejection_reason = ' ' WHERE id = $1", [batch.id])).rejects.toThrow(/household_import_rejected/);
  });

  it("a failure half-way through the approval's commit writes no file and takes no number", async () => {
    const bytes = await workbookWith(
      [household("H1"), household("H2"), household("H3")],
      [
        member("H1"),
        member("H2"),
        member("H3"),
        member("H3", {
          姓名: "配偶H3",
          与建档职工关系: "配偶",
          性别: "女",
          公民身份号码: residentId({ birthDate: "1963-03-03", sex: "FEMALE" }),
          出生日期: "1963-03-03",
        }),
      ],
    );
    const { importId } = await uploadHouseholdImport(importer, { fileName: "原有在档.xlsx", bytes, mode: "OPEN" });
    await validateHouseholdImport(importer, importId);
    const batch = await getHouseholdImport(importer, importId);
    const counterBefore = await counterValue(lzOrgId);
    // The files and their numbers are written before the people: a bad spouse in the third
    // household makes the database refuse the commit after all three files were inserted and numbered.
    await sql.query(`UPDATE household_import_row SET data = jsonb_set(data, '{members,1,residentId}', '"BAD"') WHERE import_id = $1 AND seq = 2`, [batch.id]);
    await approveHouseholdImport(official, batch.id);
    await expect(commitHouseholdImport(official, batch.id)).rejects.toThrow("已全部撤销");
    expect(await prisma.householdFile.count({ where: { holderName: { in: ["迁入H1", "迁入H2", "迁入H3"] } } })).toBe(0);
    expect(await counterValue(lzOrgId)).toBe(counterBefore);
    expect(await getHouseholdImport(importer, batch.id)).toMatchObject({ status: "FAILED", approvedBy: null });
  });

  it("a person filed elsewhere between validation and approval: nothing written, the row named", async () => {
    const taken = residentId({ birthDate: "1958-08-08" });
    const bytes = await workbookWith([household("C1"), household("C2")], [member("C1", { 出生日期: "1958-08-08", 公民身份号码: taken }), member("C2")]);
    const { importId } = await uploadHouseholdImport(importer, { fileName: "原有在档.xlsx", bytes, mode: "OPEN" });
    await validateHouseholdImport(importer, importId);
    await insertOpenFile(sql, { caseworker, official }, lzOrgId, {
      members: [
        {
          name: "先建档",
          relation: "SELF",
          residentId: taken,
          birthDate: "1958-08-08",
          sex: "MALE",
          health: "HEALTHY",
          disabilityGrade: "",
          education: "NOT_IN_SCHOOL",
          employment: "FLEXIBLE",
          livesInHousehold: true,
        },
      ],
    });
    await approveHouseholdImport(official, importId);
    await expect(commitHouseholdImport(official, importId)).rejects.toThrow("已在其他有效档案中");
    const after = await getHouseholdImport(importer, importId);
    expect(after.status).toBe("INVALID");
    expect(after.problems).toEqual([expect.objectContaining({ row: 3, message: expect.stringContaining("一人只能在一个有效档案中") })]);
    expect(await prisma.householdFile.count({ where: { holderName: "迁入C2" } })).toBe(0);
  });
});

describe("the open-file columns", () => {
  it("names the row and column of a missing tier, a bad or future filing date and a repeated original number", async () => {
    const bytes = await workbookWith(
      [
        household("V1", { 在档困难类别: "" }), // row 3
        household("V2", { 原建档日期: "2022-02-30" }), // row 4
        household("V3", { 原建档日期: "2099-01-01" }), // row 5
        household("V4", { 原档案编号: "旧-V5" }), // row 6
        household("V5"), // row 7: 旧-V5 again
        household("V6", { 在档困难类别: "特困" }), // row 8
        household("V7", { 原建档日期: "" }), // row 9
      ],
      ["V1", "V2", "V3", "V4", "V5", "V6", "V7"].map((k) => member(k)),
    );
    const { importId } = await uploadHouseholdImport(importer, { fileName: "原有在档.xlsx", bytes, mode: "OPEN" });
    await validateHouseholdImport(importer, importId);
    const result = await getHouseholdImport(importer, importId);
    expect(result.status).toBe("INVALID");
    const at = (row: number) => result.problems.filter((p) => p.sheet === "户信息" && p.row === row).map((p) => [p.column, p.message]);
    expect(at(3)).toEqual([["在档困难类别", expect.stringContaining("请填写在档困难类别")]]);
    expect(at(4)).toEqual([["原建档日期", expect.stringContaining("不是有效日期")]]);
    expect(at(5)).toEqual([["原建档日期", "原建档日期不能晚于今天"]]);
    expect(at(6)).toEqual([]);
    expect(at(7)).toEqual([["原档案编号", "原档案编号「旧-V5」与第 6 行重复"]]);
    expect(at(8)).toEqual([["在档困难类别", expect.stringContaining("「特困」不是有效的在档困难类别")]]);
    expect(at(9)).toEqual([["原建档日期", expect.stringContaining("请填写原建档日期")]]);
    expect(await prisma.householdImportRow.count({ where: { importId } })).toBe(0);
  });

  it("a draft import ignores the open-file columns; a batch of existing files without them is refused with the missing columns named", async () => {
    const bytes = await workbookWith([household("D1", { 在档困难类别: "特困", 原建档日期: "不详" })], [member("D1")]);
    const { importId } = await uploadHouseholdImport(importer, { fileName: "草稿.xlsx", bytes });
    await validateHouseholdImport(importer, importId);
    expect((await getHouseholdImport(importer, importId)).status).toBe("READY");

    const old = new ExcelJS.Workbook();
    await old.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = old.getWorksheet("户信息")!;
    const headers = sheet.getRow(1).values as string[];
    for (const name of ["原档案编号", "原建档日期", "在档困难类别"]) sheet.spliceColumns(headers.indexOf(name), 1);
    old.creator = "no-open-columns";
    const { importId: second } = await uploadHouseholdImport(importer, {
      fileName: "旧模板.xlsx",
      bytes: Buffer.from(await old.xlsx.writeBuffer()),
      mode: "OPEN",
    });
    await validateHouseholdImport(importer, second);
    const refused = await getHouseholdImport(importer, second);
    expect(refused.status).toBe("INVALID");
    expect(refused.message).toContain("户信息「在档困难类别」");
    expect(refused.message).toContain("户信息「原建档日期」");
  });
});
