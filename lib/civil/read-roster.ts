// Reads an uploaded roster, .xlsx or .csv, into header + rows of the text a person typed.
import { CsvError, parse } from "csv-parse/sync";
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
 * RFC 4180 through csv-parse: quoted fields may hold commas, quotes ("") and line breaks; a quote
 * inside an unquoted field is kept as typed (relax_quotes), rows may differ in length. Within
 * CSV_BUDGETS: at most `lines` records (a record's quoted line breaks included), and a record of at
 * most `lineCharacters` characters. csv-parse counts a record's size partly in UTF-8 bytes, at most
 * three per UTF-16 character, so its cap is three times the characters: no record within the
 * budget is refused, and one refused is surely over it — an unclosed quote still ends there, named
 * by its record's number, instead of making the rest of the file one field.
 */
export function parseCsv(text: string): string[][] {
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: CSV_BUDGETS.lineCharacters * 3,
      to: CSV_BUDGETS.lines + 1,
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const record = Number(error.records ?? 0) + 1;
    if (error.code === "CSV_MAX_RECORD_SIZE") throw overBudget("lineCharacters", record);
    throw new DomainError(
      `CSV 文件第 ${record.toLocaleString("zh-CN")} 行的引号不成对或位置不对，请在 Excel 或 WPS 中打开后另存为 CSV 再上传。`,
      "CSV_INVALID",
    );
  }
  if (rows.length > CSV_BUDGETS.lines) throw overBudget("lines");
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
