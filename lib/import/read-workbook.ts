// Reads the import workbook row by row with exceljs's streaming reader (a 100,000-row workbook is
// never held as an object model), normalising every cell to the text a person typed.
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { dateOnlyString } from "@/lib/format/datetime";

export type TCellText = { text: string; /** The cell held a number that cannot be an exact ID (Excel turned it into 6.2E+17). */ numeric?: boolean };

/** What a person sees in the cell, whatever Excel stored (rich text, formula result, date, number). */
export function cellText(value: ExcelJS.CellValue | undefined): TCellText {
  if (value === null || value === undefined) return { text: "" };
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
 */
export async function readWorkbookRows(bytes: Buffer, onRow?: () => void): Promise<Array<{ header: string[]; rows: Array<{ number: number; cells: TCellText[] }> }>> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    sharedStrings: "cache", worksheets: "emit", hyperlinks: "ignore", styles: "cache", entries: "ignore",
  });
  const sheets: Array<{ header: string[]; rows: Array<{ number: number; cells: TCellText[] }> }> = [];
  for await (const worksheet of reader) {
    let header: string[] | null = null;
    let foreign = false;
    const rows: Array<{ number: number; cells: TCellText[] }> = [];
    // Read to the end even when the sheet is not ours: leaving the iterator early stalls the zip stream.
    for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
      if (foreign) continue;
      const values = row.values as ExcelJS.CellValue[];
      const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      if (!header) {
        if (row.number !== 1) {
          foreign = true; // no header in row 1: not one of ours
          continue;
        }
        header = cells.map((c) => c.text.replace(/\*$/, "").trim());
        continue;
      }
      if (cells.every((c) => c.text === "")) continue;
      rows.push({ number: row.number, cells });
      onRow?.();
    }
    if (header) sheets.push({ header, rows });
  }
  return sheets;
}
