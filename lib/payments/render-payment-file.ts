import "server-only";
// Writes the bytes of a payment file (代发文件) in a bank's layout. Deterministic by construction:
// the same lines and layout give the same bytes, today or next year — the workbook's document dates
// are the batch's approval time and every zip entry carries that same date — so a second download
// can be proved identical to the one sent to the bank by its SHA-256.
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import JSZip from "jszip";
import { fenToYuanString } from "@/lib/money/money";
import type { TBankLayout, TLayoutColumn, TPaymentField } from "./layout-schema";

export type TPaymentLine = {
  seq: number;
  reference: string;
  name: string;
  account: string;
  bank: string;
  amountFen: number;
  idNumber: string;
  memo: string;
};

function valueOf(line: TPaymentLine, field: TPaymentField): string {
  switch (field) {
    case "SEQ":
      return String(line.seq);
    case "NAME":
      return line.name;
    case "ACCOUNT":
      return line.account;
    case "BANK":
      return line.bank;
    case "AMOUNT":
      return fenToYuanString(line.amountFen).replace(/,/g, "");
    case "ID_NUMBER":
      return line.idNumber;
    case "MEMO":
      return line.memo;
    case "REFERENCE":
      return line.reference;
  }
}

/** The total row: 合计 in the first column, the count under 序号/姓名 when there, the sum under 金额. */
function totalCells(columns: TLayoutColumn[], lines: TPaymentLine[]): string[] {
  const total = lines.reduce((sum, l) => sum + l.amountFen, 0);
  return columns.map((c, i) => {
    if (c.field === "AMOUNT") return fenToYuanString(total).replace(/,/g, "");
    if (i === 0) return "合计";
    if (c.field === "NAME") return `共${lines.length}笔`;
    return "";
  });
}

/** Display width as the bank's fixed-width reader counts it: bytes in the target encoding. */
export function encodedWidth(text: string, encoding: TBankLayout["encoding"]): number {
  return encoding === "GBK" ? iconv.encode(text, "gbk").length : Buffer.byteLength(text, "utf8");
}

/** Why a line cannot be written in this layout (a fixed-width field too narrow for the value), or null. */
export function layoutProblem(layout: TBankLayout, line: TPaymentLine): string | null {
  if (layout.format !== "FIXED") return null;
  for (const c of layout.columns) {
    if (encodedWidth(valueOf(line, c.field), layout.encoding) > (c.width ?? 0)) return `“${c.title}”超过定长格式的宽度 ${c.width}`;
  }
  return null;
}

function delimitedField(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function fixedField(value: string, column: TLayoutColumn, encoding: TBankLayout["encoding"]): string {
  const pad = " ".repeat(Math.max(0, (column.width ?? 0) - encodedWidth(value, encoding)));
  // Amounts and sequence numbers are right-aligned, as bank readers expect; text left-aligned.
  return column.field === "AMOUNT" || column.field === "SEQ" ? pad + value : value + pad;
}

function textRows(layout: TBankLayout, lines: TPaymentLine[]): string[][] {
  const rows: string[][] = [];
  if (layout.headerRow) rows.push(layout.columns.map((c) => c.title));
  for (const line of lines) rows.push(layout.columns.map((c) => valueOf(line, c.field)));
  if (layout.totalRow) rows.push(totalCells(layout.columns, lines));
  return rows;
}

async function renderXlsx(layout: TBankLayout, lines: TPaymentLine[], fixedDate: Date): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "帮扶系统";
  workbook.lastModifiedBy = "帮扶系统";
  workbook.created = fixedDate;
  workbook.modified = fixedDate;
  const sheet = workbook.addWorksheet("代发明细");
  sheet.columns = layout.columns.map((c) => ({ width: c.field === "AMOUNT" ? 14 : c.field === "SEQ" ? 8 : c.field === "MEMO" ? 34 : 22 }));
  const write = (values: string[], bold = false) => {
    // Amounts are numbers (two decimals shown), so the bank's template and Excel's SUM read them.
    const isNumber = (i: number, v: string) => /^-?\d+(\.\d+)?$/.test(v) && (layout.columns[i]!.field === "AMOUNT" || layout.columns[i]!.field === "SEQ");
    const row = sheet.addRow(values.map((v, i) => (isNumber(i, v) ? Number(v) : v)));
    layout.columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      // Accounts and ID numbers stay text: as numbers Excel would show 6.2E+18 and lose digits.
      cell.numFmt = c.field === "AMOUNT" ? "0.00" : c.field === "SEQ" ? "0" : "@";
      if (bold) cell.font = { bold: true };
    });
  };
  if (layout.headerRow)
    write(
      layout.columns.map((c) => c.title),
      true,
    );
  for (const line of lines) write(layout.columns.map((c) => valueOf(line, c.field)));
  if (layout.totalRow) write(totalCells(layout.columns, lines), true);
  const written = Buffer.from(await workbook.xlsx.writeBuffer());
  // exceljs stamps each zip entry with the time of writing; the entries are written again with the
  // fixed date, in the same order, so the bytes depend on the content alone.
  const zip = await JSZip.loadAsync(written);
  const out = new JSZip();
  for (const name of Object.keys(zip.files)) {
    const entry = zip.files[name]!;
    if (entry.dir) continue;
    out.file(name, await entry.async("uint8array"), { date: fixedDate, createFolders: false });
  }
  return out.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 6 }, platform: "DOS" });
}

/** The file's bytes and the name it downloads under. */
export async function renderPaymentFile(
  layout: TBankLayout,
  lines: TPaymentLine[],
  fixedDate: Date,
): Promise<{ bytes: Buffer; extension: string; contentType: string }> {
  if (layout.format === "XLSX") {
    return {
      bytes: await renderXlsx(layout, lines, fixedDate),
      extension: "xlsx",
      contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
  }
  const rows = textRows(layout, lines);
  const text =
    layout.format === "DELIMITED"
      ? rows.map((r) => r.map((v) => delimitedField(v, layout.delimiter!)).join(layout.delimiter!)).join("\r\n") + "\r\n"
      : rows.map((r) => r.map((v, i) => fixedField(v, layout.columns[i]!, layout.encoding)).join("")).join("\r\n") + "\r\n";
  const bytes = layout.encoding === "GBK" ? iconv.encode(text, "gbk") : Buffer.from(text, "utf8");
  const charset = layout.encoding === "GBK" ? "GBK" : "UTF-8";
  return { bytes, extension: layout.format === "DELIMITED" && layout.delimiter === "," ? "csv" : "txt", contentType: `text/plain; charset=${charset}` };
}
