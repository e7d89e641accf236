// Reads the import workbook's rows, normalising every cell to the text a person typed.
import ExcelJS from "exceljs";
import { dateOnlyString } from "@/lib/format/datetime";

export type TCellText = { text: string; /** The cell held a number that cannot be an exact ID (Excel turned it into 6.2E+17). */ numeric?: boolean };

/** The one empty cell: most of a template's cells are blank, and 100,000 rows of them are millions of objects. */
const EMPTY: TCellText = Object.freeze({ text: "" });

/** What a person sees in the cell, whatever Excel stored (rich text, formula result, date, number). */
export function cellText(value: ExcelJS.CellValue | undefined): TCellText {
  if (value === null || value === undefined || value === "") return EMPTY;
  if (typeof value === "string") return { text: value.trim() };
  if (typeof value === "number") return { text: Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100), numeric: true };
  if (typeof value === "boolean") return { text: value ? "是" : "否" };
  // Excel dates have no time zone: exceljs gives the wall-clock day at UTC midnight.
  if (value instanceof Date) return { text: dateOnlyString(value) };
  if (typeof value === "object") {
    if ("richText" in value) return { text: value.richText.map((r) => r.text).join("").trim() };
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("text" in value) return { text: String(value.text).trim() };
    if ("error" in value) return { text: "" };
  }
  return { text: String(value).trim() };
}

export type TSheetRows = { rows: Array<{ number: number; cells: TCellText[] }> };

/**
 * Every non-empty row of every worksheet, keyed by the worksheet's header row (row 1). Sheets are
 * told apart by their headers, not their names or order, which spreadsheet programs change.
 *
 * The workbook is loaded whole rather than with exceljs's streaming reader: that reader decodes
 * each inflated chunk to text on its own, so a Chinese character split across two chunks comes
 * out as "���" (seen in the 30,000-household benchmark as 「城镇困难���工」). The size limit on
 * uploads (IMPORT_MAX_BYTES) bounds the memory this takes.
 */
export async function readWorkbookRows(bytes: Buffer): Promise<Array<{ header: string[]; rows: Array<{ number: number; cells: TCellText[] }> }>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets: Array<{ header: string[]; rows: Array<{ number: number; cells: TCellText[] }> }> = [];
  for (const worksheet of workbook.worksheets) {
    const first = worksheet.getRow(1);
    const headerValues = first.values as ExcelJS.CellValue[];
    if (!headerValues || headerValues.length === 0) continue; // no header in row 1: not one of ours
    const header = Array.from({ length: Math.max(0, headerValues.length - 1) }, (_, i) => cellText(headerValues[i + 1]).text.replace(/\*$/, "").trim());
    const rows: Array<{ number: number; cells: TCellText[] }> = [];
    worksheet.eachRow({ includeEmpty: false }, (row, number) => {
      if (number === 1) return;
      const values = row.values as ExcelJS.CellValue[];
      const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      if (cells.every((c) => c.text === "")) return;
      rows.push({ number, cells });
    });
    sheets.push({ header, rows });
  }
  return sheets;
}
