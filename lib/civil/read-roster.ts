// Reads an uploaded roster, .xlsx or .csv, into header + rows of the text a person typed.
import { DomainError } from "@/lib/errors/domain-error";
import { readWorkbookRows } from "@/lib/import/read-workbook";
import { CSV_BUDGETS, csvLimitMessage, type TCsvLimit } from "@/lib/xlsx/workbook-budgets";
import type { TRosterSheet } from "./validate-roster";

/** CSV as Excel and WPS save it: UTF-8 (with or without BOM) or, from older versions, GBK. */
function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("gbk").decode(bytes);
  }
}

const overBudget = (limit: TCsvLimit, line?: number) => new DomainError(csvLimitMessage(limit, line), "CSV_BUDGET");

/**
 * RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. Within CSV_BUDGETS: a
 * line (a quoted field's line breaks included, so one unclosed quote makes the rest of the file
 * one line) is at most `lineCharacters` long, and there are at most `lines` of them.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (i - lineStart >= CSV_BUDGETS.lineCharacters) throw overBudget("lineCharacters", rows.length + 1);
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (rows.length >= CSV_BUDGETS.lines) throw overBudget("lines");
      rows.push(row);
      lineStart = i + 1;
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    if (rows.length >= CSV_BUDGETS.lines) throw overBudget("lines");
    rows.push(row);
  }
  return rows;
}

export type TRosterFormat = "xlsx" | "csv";

/** "xlsx" for a zip archive named .xlsx, "csv" for a text file named .csv, otherwise null. */
export function rosterFormatOf(fileName: string, bytes: Buffer): TRosterFormat | null {
  if (/\.xlsx$/i.test(fileName) && bytes.subarray(0, 4).toString("binary") === "PK\x03\x04") return "xlsx";
  // A CSV is text: no NUL bytes in its first kilobytes (an .xls or an image has them).
  if (/\.csv$/i.test(fileName) && !bytes.subarray(0, 4096).includes(0)) return "csv";
  return null;
}

export async function readRosterSheets(format: TRosterFormat, bytes: Buffer): Promise<TRosterSheet[]> {
  if (format === "xlsx") {
    const sheets = await readWorkbookRows(bytes);
    return sheets;
  }
  if (bytes.length > CSV_BUDGETS.bytes) throw overBudget("bytes");
  const lines = parseCsv(decodeCsv(bytes));
  const [head = [], ...rest] = lines;
  const header = head.map((h) => h.trim().replace(/\*$/, "").trim());
  const rows = rest.map((cells, i) => ({ number: i + 2, cells: cells.map((c) => ({ text: c.trim() })) })).filter((r) => r.cells.some((c) => c.text !== ""));
  return [{ name: "CSV", header, rows }];
}
