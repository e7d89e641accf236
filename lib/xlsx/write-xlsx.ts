// The one .xlsx writer: every export and every report table goes through it, so they all look
// the same in Excel — a title row naming the organisation, the filters and the time of export,
// a frozen Chinese header, real numbers and dates with formats, money in yuan with two decimals,
// and ID or account numbers as text (never scientific notation).
// It streams (exceljs WorkbookWriter): rows are committed as they come and the output's
// backpressure is respected, so a million rows never sit in memory.
import { PassThrough, Readable, type Writable } from "node:stream";
import ExcelJS from "exceljs";
import { attachmentDisposition } from "@/lib/format/csv";
import { dateOnly, shanghaiWallClock, utcMidnight } from "@/lib/format/datetime";

/**
 * How a column's value is written:
 * - `text`: a string cell (also for digits that are identifiers: ID, account, file numbers);
 * - `integer`: a whole number; `yuan`: an amount given in **fen**, written as yuan `#,##0.00`;
 * - `percent`: a ratio 0–1 written as `0.0%`;
 * - `date`: a `YYYY-MM-DD` calendar date; `datetime`: an instant, shown in Asia/Shanghai.
 */
export type TXlsxKind = "text" | "integer" | "yuan" | "percent" | "date" | "datetime";

export type TXlsxValue = string | number | Date | null | undefined;

export type TXlsxColumn<TRow> = {
  header: string;
  kind: TXlsxKind;
  value: (row: TRow) => TXlsxValue;
  /** Width in characters; a default per kind when omitted. */
  width?: number;
};

export type TXlsxSheet<TRow> = {
  /** The worksheet's tab name (at most 31 characters, no []:*?/\). */
  name: string;
  /** First row, e.g. "兰州市总工会 困难职工台账". */
  title: string;
  /** Lines under the title: filters, period, "导出时间 2026-12-01 18:05 （导出人 王静）". */
  notes?: string[];
  columns: TXlsxColumn<TRow>[];
  rows: Iterable<TRow> | AsyncIterable<TRow>;
};

const NUMBER_FORMATS: Record<TXlsxKind, string | undefined> = {
  text: "@",
  integer: "#,##0",
  yuan: "#,##0.00",
  percent: "0.0%",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm",
};

/** The style of an empty cell: shared, and without a format, so exceljs writes no element for it. */
const NO_STYLE: Partial<ExcelJS.Style> = {};

const DEFAULT_WIDTHS: Record<TXlsxKind, number> = { text: 16, integer: 10, yuan: 14, percent: 10, date: 12, datetime: 17 };

/**
 * Excel has no time zones: a cell holds a wall-clock time. An instant is written as the wall
 * clock in Asia/Shanghai, a calendar date as that day at midnight.
 */
function cellValue(kind: TXlsxKind, value: TXlsxValue): ExcelJS.CellValue {
  if (value === null || value === undefined || value === "") return null;
  switch (kind) {
    case "text":
      return String(value);
    case "integer":
    case "percent":
      return Number(value);
    case "yuan":
      return Number(value) / 100;
    case "date":
      return value instanceof Date ? utcMidnight(value) : dateOnly(String(value).slice(0, 10));
    case "datetime":
      // "2026-11-23 18:05" in Beijing, as the cell's wall clock (shanghaiWallClock: a million
      // cells cost the time zone's lookup once per day, not once each).
      return shanghaiWallClock(value instanceof Date ? value : new Date(value));
  }
}

function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31) || "Sheet1";
}

async function waitForDrain(output: Writable): Promise<void> {
  if (!output.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      output.off("drain", done);
      output.off("close", done);
      output.off("error", reject);
      resolve();
    };
    output.once("drain", done);
    output.once("close", done);
    output.once("error", reject);
  });
}

export class XlsxAborted extends Error {
  constructor() {
    super("xlsx export aborted: the reader went away");
  }
}

/**
 * Writes the sheets to `output` and resolves with the number of data rows written per sheet.
 * Stops with `XlsxAborted` when `output` is destroyed (the client left), so the caller stops
 * reading from the database.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
export async function writeXlsx(output: Writable, sheets: TXlsxSheet<any>[]): Promise<number[]> {
  // Deflate level 1: the zip is written on the libuv thread pool, and at the default level it was
  // the slowest step of a large export; level 1 costs a few percent of file size (an xlsx is XML,
  // which compresses well at any level) and most of the deflate time.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  workbook.creator = "帮扶 Bangfu";
  const counts: number[] = [];
  for (const sheet of sheets) {
    const notes = sheet.notes ?? [];
    const headerRowNumber = 2 + notes.length;
    const worksheet = workbook.addWorksheet(sheetName(sheet.name), {
      views: [{ state: "frozen", ySplit: headerRowNumber }],
      properties: { defaultRowHeight: 18 },
    });
    worksheet.columns = sheet.columns.map((c) => ({
      width: c.width ?? Math.max(DEFAULT_WIDTHS[c.kind], c.header.length * 2 + 2),
      style: { numFmt: NUMBER_FORMATS[c.kind] },
    }));
    const title = worksheet.addRow([sheet.title]);
    title.font = { bold: true, size: 14 };
    title.commit();
    for (const note of notes) {
      const row = worksheet.addRow([note]);
      row.font = { color: { argb: "FF555555" } };
      row.commit();
    }
    const header = worksheet.addRow(sheet.columns.map((c) => c.header));
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF7" } };
      cell.border = { bottom: { style: "thin" } };
      cell.numFmt = "@";
    });
    header.commit();

    // One style object per column, shared by every cell of it: exceljs caches a style's id by the
    // object's identity, so a shared object is looked up once, where a cell's own copy (what a
    // column style gives it) is serialised and compared again for every cell.
    const styles = sheet.columns.map((c) => ({ numFmt: NUMBER_FORMATS[c.kind] }) as Partial<ExcelJS.Style>);
    const columnCount = sheet.columns.length;
    let count = 0;
    for await (const item of sheet.rows) {
      if (output.destroyed) throw new XlsxAborted();
      const values = new Array<ExcelJS.CellValue>(columnCount);
      for (let i = 0; i < columnCount; i++) values[i] = cellValue(sheet.columns[i]!.kind, sheet.columns[i]!.value(item));
      const row = worksheet.addRow(values);
      for (let i = 0; i < columnCount; i++) row.getCell(i + 1).style = values[i] === null ? NO_STYLE : styles[i]!;
      row.commit();
      count += 1;
      if (count % 500 === 0) {
        // A source that is already in memory (or a page of one) never leaves the microtask queue:
        // the zip and the output would not see a byte until it ended. Yield to the event loop so
        // the compressed bytes reach the output, then wait while the client has not taken them.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await waitForDrain(output);
      }
    }
    worksheet.commit();
    counts.push(count);
  }
  await workbook.commit();
  return counts;
}

/**
 * A download response streaming the workbook. `onDone` runs after the last byte with the row
 * counts (for the export's audit row); the body stops, and the database reads with it, when the
 * client disconnects.
 */
export function xlsxResponse(
  fileName: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
  sheets: TXlsxSheet<any>[],
  onDone?: (counts: number[]) => Promise<void> | void,
): Response {
  const output = new PassThrough({ highWaterMark: 256 * 1024 });
  writeXlsx(output, sheets)
    .then(async (counts) => {
      await onDone?.(counts);
    })
    .catch((error) => {
      if (!(error instanceof XlsxAborted)) console.error("xlsx export failed", error);
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  // Counted in bytes: without a size function the web stream counts chunks, and its queue would
  // take 262,144 chunks (the whole file, for a slow client) before the writer waits.
  const body = Readable.toWeb(output, { strategy: new ByteLengthQueuingStrategy({ highWaterMark: 256 * 1024 }) }) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachmentDisposition(fileName),
      "Cache-Control": "no-store",
    },
  });
}

/** A download response of a workbook already in memory (templates, an annotated upload). */
export function xlsxFileResponse(fileName: string, bytes: Uint8Array): Response {
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachmentDisposition(fileName),
      "Cache-Control": "no-store",
    },
  });
}
