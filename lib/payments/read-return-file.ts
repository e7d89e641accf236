import "server-only";
// Reads a bank's return file (回盘) into rows by the layout's return form. A workbook goes through
// lib/xlsx/read-xlsx.ts and its budgets; CSV through csv-parse within the budgets below, in UTF-8
// or GBK (found from the bytes: valid UTF-8 is UTF-8, anything else must decode as GBK cleanly).
// Every refusal is a DomainError with a Chinese message; nothing is written here.
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { DomainError } from "@/lib/errors/domain-error";
import { parseYuanToFen } from "@/lib/money/money";
import { readXlsx, UnreadableWorkbookError } from "@/lib/xlsx/read-xlsx";
import { WORKBOOK_BUDGETS } from "@/lib/xlsx/workbook-budgets";
import { REFERENCE_PATTERN } from "./payment-lines";
import { RETURN_COLUMN_KEYS, RETURN_COLUMN_LABELS, type TBankLayout, type TReturnColumnKey } from "./layout-schema";

const MiB = 1024 * 1024;

/** What one return file may cost. A 10,000-line return is about 1 MB of CSV; the figures are far above any honest file. */
export const RETURN_FILE_BUDGETS = {
  bytes: 30 * MiB,
  /** Rows of the file (a batch has at most 99,999 lines, plus a header and a total row). */
  rows: 100_010,
  /** Characters of one CSV record. */
  recordCharacters: 4_096,
  /** Rows searched for the header line. */
  headerSearchRows: 20,
} as const;

export type TReturnRow = {
  /** The row as the user's spreadsheet numbers it (1 = first line of the file). */
  rowNumber: number;
  reference: string;
  name: string;
  account: string;
  amountText: string;
  amountFen: number | null;
  result: string;
  reason: string;
};

export type TReadReturnFile = { rows: TReturnRow[]; statedTotalFen: number | null; encoding: "xlsx" | "UTF-8" | "GBK" };

function decodeText(bytes: Buffer): { text: string; encoding: "UTF-8" | "GBK" } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, ""), encoding: "UTF-8" };
  } catch {
    const text = iconv.decode(bytes, "gbk");
    if (text.includes("\uFFFD")) throw new DomainError("回盘文件的编码无法识别：请使用 UTF-8 或 GBK 编码的 CSV 文件，或银行提供的 Excel 工作簿。", "ENCODING");
    return { text, encoding: "GBK" };
  }
}

function csvRows(bytes: Buffer): { rows: Array<{ number: number; cells: string[] }>; encoding: "UTF-8" | "GBK" } {
  const { text, encoding } = decodeText(bytes);
  let records: string[][];
  try {
    records = parse(text, {
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
      to_line: RETURN_FILE_BUDGETS.rows + 1,
      max_record_size: RETURN_FILE_BUDGETS.recordCharacters,
    }) as string[][];
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "CSV_MAX_RECORD_SIZE")
      throw new DomainError(`回盘文件有一行超过 ${RETURN_FILE_BUDGETS.recordCharacters} 个字符，不是银行的回盘文件。`, "BUDGET");
    throw new DomainError("回盘文件不是有效的 CSV 文件（引号不成对或格式有误），请使用银行提供的原始回盘文件。", "UNREADABLE");
  }
  if (records.length > RETURN_FILE_BUDGETS.rows)
    throw new DomainError(`回盘文件超过 ${RETURN_FILE_BUDGETS.rows.toLocaleString("en-US")} 行，请分批上传。`, "BUDGET");
  return { rows: records.map((cells, i) => ({ number: i + 1, cells })), encoding };
}

const isWorkbook = (bytes: Buffer) => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** The return file's rows by the layout's return form, and the amount of its total row (合计), if any. */
export async function readReturnFile(bytes: Buffer, layout: TBankLayout): Promise<TReadReturnFile> {
  if (bytes.length === 0) throw new DomainError("回盘文件是空的，请重新选择。", "EMPTY");
  if (bytes.length > RETURN_FILE_BUDGETS.bytes) throw new DomainError("回盘文件超过 30 MB，请分批上传。", "BUDGET");
  let table: Array<{ number: number; cells: string[] }>;
  let encoding: TReadReturnFile["encoding"];
  if (isWorkbook(bytes)) {
    let sheets;
    try {
      sheets = await readXlsx(bytes, { ...WORKBOOK_BUDGETS, rows: RETURN_FILE_BUDGETS.rows, sheets: 10 });
    } catch (error) {
      if (error instanceof UnreadableWorkbookError)
        throw new DomainError("回盘工作簿已损坏或不是 Excel 工作簿（.xlsx），请使用银行提供的原始文件。", "UNREADABLE");
      throw error;
    }
    table = (sheets[0]?.rows ?? []).map((r) => ({ number: r.number, cells: r.cells.map((c) => c.text.trim()) }));
    encoding = "xlsx";
  } else {
    ({ rows: table, encoding } = csvRows(bytes));
  }

  const want = layout.returnColumns;
  const headerAt = table.slice(0, RETURN_FILE_BUDGETS.headerSearchRows).findIndex((r) => RETURN_COLUMN_KEYS.every((k) => r.cells.includes(want[k])));
  if (headerAt < 0) {
    const titles = RETURN_COLUMN_KEYS.map((k) => want[k]).join("、");
    throw new DomainError(
      `找不到回盘文件的表头：按格式“${layout.name}”应有列 ${titles}。请确认选择的格式，以及文件编码（UTF-8 或 GBK）是否正确。`,
      "NO_HEADER",
    );
  }
  const header = table[headerAt]!.cells;
  const index = Object.fromEntries(RETURN_COLUMN_KEYS.map((k) => [k, header.indexOf(want[k])])) as Record<TReturnColumnKey, number>;

  const rows: TReturnRow[] = [];
  let statedTotalFen: number | null = null;
  for (const row of table.slice(headerAt + 1)) {
    const cell = (k: TReturnColumnKey) => row.cells[index[k]] ?? "";
    if (row.cells.every((c) => c === "")) continue;
    // The total row (合计): says 合计 somewhere and carries no reference.
    if (row.cells.some((c) => /^(合\s*计|总\s*计)/.test(c)) && !REFERENCE_PATTERN.test(cell("reference"))) {
      const parsed = parseYuanToFen(cell("amount").replace(/[¥￥\s]/g, ""));
      if (!parsed.ok) throw new DomainError(`回盘文件第 ${row.number} 行（合计）的金额“${cell("amount")}”无法识别。`, "BAD_TOTAL");
      statedTotalFen = parsed.fen;
      continue;
    }
    const amountText = cell("amount");
    const parsed = parseYuanToFen(amountText.replace(/[¥￥\s]/g, ""));
    rows.push({
      rowNumber: row.number,
      reference: cell("reference"),
      name: cell("name"),
      account: cell("account").replace(/\s/g, ""),
      amountText,
      amountFen: parsed.ok ? parsed.fen : null,
      result: cell("result"),
      reason: cell("reason"),
    });
  }
  if (rows.length === 0) throw new DomainError("回盘文件中没有明细行。", "EMPTY");
  return { rows, statedTotalFen, encoding };
}

export { RETURN_COLUMN_LABELS };
