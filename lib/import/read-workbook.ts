// Reads the import workbook's rows, each cell normalised to the text a person typed.
import { readXlsxPacked, type TCellText, type TXlsxRow } from "@/lib/xlsx/read-xlsx";

export type { TCellText };

/** A worksheet with a header in row 1; `rows` gives its non-empty rows below the header, decoded as they are read. */
export type TWorkbookSheet = { header: string[]; rows: () => Generator<TXlsxRow, void, undefined> };

/**
 * Every worksheet with a header row (row 1), its rows read on demand: the household import reads
 * 300,000 rows this way without holding them (issue 28). Sheets are told apart by their headers,
 * not their names or order, which spreadsheet programs change.
 * Throws UnreadableWorkbookError for a file that is not a readable .xlsx.
 */
export async function readWorkbookSheets(bytes: Buffer): Promise<TWorkbookSheet[]> {
  const sheets: TWorkbookSheet[] = [];
  for (const sheet of await readXlsxPacked(bytes)) {
    const first = sheet.rows().next();
    if (first.done || first.value.number !== 1) continue; // no header in row 1: not one of ours
    const header = first.value.cells.map((c) => c.text.replace(/\*$/, "").trim());
    sheets.push({
      header,
      *rows() {
        const rows = sheet.rows();
        rows.next(); // the header
        for (const row of rows) if (row.cells.some((c) => c.text !== "")) yield row;
      },
    });
  }
  return sheets;
}

/** The same sheets with their non-empty rows as arrays (a civil-affairs roster), a few thousand rows at a time so other requests are served between. */
export async function readWorkbookRows(bytes: Buffer): Promise<Array<{ header: string[]; rows: TXlsxRow[] }>> {
  const sheets: Array<{ header: string[]; rows: TXlsxRow[] }> = [];
  for (const sheet of await readWorkbookSheets(bytes)) {
    const rows: TXlsxRow[] = [];
    for (const row of sheet.rows()) {
      rows.push(row);
      if (rows.length % 5_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    sheets.push({ header: sheet.header, rows });
  }
  return sheets;
}
