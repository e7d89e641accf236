import "server-only";
import ExcelJS from "exceljs";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { HOUSEHOLD_SHEET, MEMBER_SHEET, PROBLEM_HEADER } from "./household-columns";
import { findImport, getHouseholdImport } from "./find-imports";

/** The uploaded workbook back, with a 导入问题 column on each sheet naming every problem of the row. */
export async function annotatedImportWorkbook(actor: TActor, importId: string): Promise<{ fileName: string; bytes: Buffer }> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const upload = await findImport(actor, importId);
  const { problems } = await getHouseholdImport(actor, importId);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(upload.workbook as unknown as ArrayBuffer);
  for (const sheetName of [HOUSEHOLD_SHEET, MEMBER_SHEET]) {
    const sheet =
      workbook.worksheets.find((w) => w.name === sheetName) ??
      workbook.worksheets.find((w) => String(w.getRow(1).values).includes(sheetName === HOUSEHOLD_SHEET ? "档案级别" : "与建档职工关系"));
    if (!sheet) continue;
    const byRow = new Map<number, string[]>();
    for (const p of problems) if (p.sheet === sheetName) byRow.set(p.row, [...(byRow.get(p.row) ?? []), `【${p.column}】${p.message}`]);
    const column = sheet.getRow(1).cellCount + 1;
    const head = sheet.getRow(1).getCell(column);
    head.value = PROBLEM_HEADER;
    head.font = { bold: true, color: { argb: "FFB91C1C" } };
    sheet.getColumn(column).width = 60;
    for (const [rowNumber, messages] of byRow) {
      const cell = sheet.getRow(rowNumber).getCell(column);
      cell.value = messages.join("；");
      cell.font = { color: { argb: "FFB91C1C" } };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFDE2E2" } };
    }
  }
  return { fileName: upload.fileName.replace(/\.xlsx$/i, "") + "-问题标注.xlsx", bytes: Buffer.from(await workbook.xlsx.writeBuffer()) };
}
