// Reads the import workbook's rows, each cell normalised to the text a person typed.
import { readXlsx, type TCellText, type TXlsxRow } from "@/lib/xlsx/read-xlsx";

export type { TCellText };

/**
 * Every non-empty row of every worksheet, keyed by the worksheet's header row (row 1). Sheets are
 * told apart by their headers, not their names or order, which spreadsheet programs change.
 * Throws UnreadableWorkbookError for a file that is not a readable .xlsx.
 */
export async function readWorkbookRows(bytes: Buffer): Promise<Array<{ header: string[]; rows: TXlsxRow[] }>> {
  const sheets: Array<{ header: string[]; rows: TXlsxRow[] }> = [];
  for (const sheet of await readXlsx(bytes)) {
    const first = sheet.rows[0];
    if (!first || first.number !== 1) continue; // no header in row 1: not one of ours
    const header = first.cells.map((c) => c.text.replace(/\*$/, "").trim());
    const rows = sheet.rows.slice(1).filter((row) => row.cells.some((c) => c.text !== ""));
    sheets.push({ header, rows });
  }
  return sheets;
}
