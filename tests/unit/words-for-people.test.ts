// Guards issue 26's "words for people": the import template's hidden 代码表 is headed in Chinese
// (the columns it serves), and an account that both files and approves is warned about, saying
// what maker–checker still guarantees.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { buildImportTemplate } from "@/lib/import/import-template";
import { dualRoleWarning } from "@/lib/users/rules";

describe("import template 代码表", () => {
  it("heads every code list with the column's Chinese name, never a field's code name", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildImportTemplate()) as never);
    const codes = workbook.getWorksheet("代码表")!;
    const headers = (codes.getRow(1).values as unknown[]).filter((v) => v !== undefined && v !== null).map(String);
    expect(headers).toEqual(expect.arrayContaining(["档案级别（可选值）", "职工类别（可选值）"]));
    for (const h of headers) expect(h, h).not.toMatch(/[A-Za-z]/);
  });
});

describe("dualRoleWarning", () => {
  it("warns only for 帮扶干部 together with 审批人, and says what still holds", () => {
    expect(dualRoleWarning(["CASEWORKER"])).toBeNull();
    expect(dualRoleWarning(["OFFICIAL", "AUDITOR"])).toBeNull();
    const warning = dualRoleWarning(["CASEWORKER", "OFFICIAL"]);
    expect(warning).toContain("该账号同时是帮扶干部和审批人");
    expect(warning).toContain("不能由本人初审、审定或审批，须由本单位另一位审批人办理");
  });
});
