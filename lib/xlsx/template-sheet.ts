import "server-only";
import type ExcelJS from "exceljs";
import { columnLetter } from "./column-letter";

// What the downloadable templates (the household import's and the civil roster's) share: a header
// row that marks required columns, greyed example rows the readers skip, a drop-down rule over a
// column's data rows, and a 填写说明 sheet of numbered lines under a title.

/** Rules cover the first 10,000 data rows: exceljs expands a range per cell when it loads one. */
export const TEMPLATE_DATA_ROWS = 10_001;

/** Bold headers; required columns (with * in their text) salmon, the others pale blue. */
export function styleTemplateHeader(sheet: ExcelJS.Worksheet, required: (column: number) => boolean): void {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.eachCell((cell, n) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: required(n - 1) ? "FFFCE4D6" : "FFE8EEF7" } };
  });
}

/** An example row, grey and italic so nobody takes it for data. */
export function addExampleRow(sheet: ExcelJS.Worksheet, values: unknown[]): void {
  const row = sheet.addRow(values);
  row.font = { color: { argb: "FF777777" }, italic: true };
}

/** A drop-down list on one column's data rows: one rule over the range (one <dataValidation sqref>). */
export function addListRule(sheet: ExcelJS.Worksheet, column: number, rule: { list: string; allowBlank: boolean; errorTitle: string; error: string }): void {
  const letter = columnLetter(column);
  (sheet as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }).dataValidations.add(
    `${letter}2:${letter}${TEMPLATE_DATA_ROWS}`,
    {
      type: "list",
      allowBlank: rule.allowBlank,
      formulae: [rule.list],
      showErrorMessage: true,
      errorStyle: "stop",
      errorTitle: rule.errorTitle,
      error: rule.error,
    },
  );
}

/** The 填写说明 sheet: the title in bold, then one line a row in a column `width` wide. */
export function addGuideSheet(workbook: ExcelJS.Workbook, title: string, lines: string[], width: number): ExcelJS.Worksheet {
  const guide = workbook.addWorksheet("填写说明");
  guide.getColumn(1).width = width;
  [title, ...lines].forEach((line, i) => {
    const cell = guide.getCell(`A${i + 1}`);
    cell.value = line;
    if (i === 0) cell.font = { bold: true, size: 14 };
  });
  return guide;
}
