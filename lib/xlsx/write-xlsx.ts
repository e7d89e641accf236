// The one .xlsx writer: every export and every report table goes through it, so they all look
// the same in Excel — a title row naming the organisation, the filters and the time of export,
// a frozen Chinese header, real numbers and dates with formats, money in yuan with two decimals,
// and ID or account numbers as text (never scientific notation).
//
// It streams, and never runs ahead of its reader: each worksheet's XML is written as text, row by
// row, into a zip entry (streaming-zip.ts) whose deflate and output apply backpressure all the way
// back to the row source — a million rows never sit in memory, and the database is read only as
// fast as the client takes the file. The workbook's other parts (styles, the sheet list) are
// fixed and written first.
//
// Why not exceljs's WorkbookWriter, which this replaced (issue 28): it builds a Row and a Cell
// object per value, a style lookup per cell and its XML through a generic writer — about 52 s of
// CPU for the 1,000,000-row archive — and it feeds the zip from a buffer without a bound, so the
// export either left the database idle or grew without limit (docs/benchmarks/2026-12-07-export-2.md).
// What a reader sees is unchanged: the same cells, formats, widths, styles and frozen rows.
import type { Writable } from "node:stream";
import { PassThrough, Readable } from "node:stream";
import { attachmentDisposition } from "@/lib/format/csv";
import { shanghaiWallClock } from "@/lib/format/datetime";
import { columnLetter } from "./column-letter";
import { StreamingZip, ZipOutputGone, type TZipEntryWriter } from "./streaming-zip";

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

const DEFAULT_WIDTHS: Record<TXlsxKind, number> = { text: 16, integer: 10, yuan: 14, percent: 10, date: 12, datetime: 17 };

// ───────────────────────────── styles ─────────────────────────────

// Built-in number formats: 3 = "#,##0", 4 = "#,##0.00", 49 = "@" (text); ours from 164.
const CUSTOM_FORMATS = [
  [164, "0.0%"],
  [165, "yyyy-mm-dd"],
  [166, "yyyy-mm-dd hh:mm"],
] as const;

/** The index of each cell style in styles.xml's cellXfs. */
const STYLE = { plain: 0, title: 1, note: 2, header: 3, text: 4, integer: 5, yuan: 6, percent: 7, date: 8, datetime: 9 } as const;

const font = (inner: string) => `<font>${inner}<sz val="__SZ__"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>`;

const STYLES_XML =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
  `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  `<numFmts count="${CUSTOM_FORMATS.length}">${CUSTOM_FORMATS.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${code}"/>`).join("")}</numFmts>` +
  `<fonts count="4">` +
  font("").replace("__SZ__", "11") +
  font("<b/>").replace("__SZ__", "14") +
  font(`<color rgb="FF555555"/>`).replace("__SZ__", "11") +
  font("<b/>").replace("__SZ__", "11") +
  `</fonts>` +
  `<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
  `<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF7"/></patternFill></fill></fills>` +
  `<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>` +
  `<border><left/><right/><top/><bottom style="thin"/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="10">` +
  `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
  `<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
  `<xf numFmtId="49" fontId="3" fillId="2" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"/>` +
  [49, 3, 4, 164, 165, 166].map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join("") +
  `</cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0"/>` +
  `</styleSheet>`;

// ───────────────────────────── cells ─────────────────────────────

const DAY_MS = 86_400_000;
/** Excel's day 0 is 1899-12-30: a serial is days since then, the time of day its fraction. */
const EXCEL_EPOCH_DAYS = 25_569;

/** Characters XML must escape, and those it cannot hold at all (control characters). */
// eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 cannot hold: they are removed, as a file with one would not open
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex -- as NEEDS_ESCAPE
const ESCAPES = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const escapeChar = (c: string) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "");

function xmlText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, escapeChar) : text;
}

function inlineString(ref: string, style: number, text: string): string {
  // A leading or trailing space or line break is kept only when asked to.
  const space = text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32 ? ` xml:space="preserve"` : "";
  return `<c r="${ref}" s="${style}" t="inlineStr"><is><t${space}>${xmlText(text)}</t></is></c>`;
}

/**
 * A cell's XML, or "" for an empty cell (nothing written, as before). Excel has no time zones: an
 * instant is written as its wall clock in Asia/Shanghai, a calendar date as that day's serial.
 */
function cellXml(kind: TXlsxKind, ref: string, value: TXlsxValue): string {
  if (value === null || value === undefined || value === "") return "";
  let n: number;
  switch (kind) {
    case "text":
      return inlineString(ref, STYLE.text, String(value));
    case "integer":
    case "percent":
      n = Number(value);
      break;
    case "yuan":
      n = Number(value) / 100;
      break;
    case "date":
      // The UTC day of a Date (a `date` column is UTC midnight); the first ten characters of text.
      n =
        value instanceof Date
          ? Math.floor(value.getTime() / DAY_MS) + EXCEL_EPOCH_DAYS
          : Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`) / DAY_MS + EXCEL_EPOCH_DAYS;
      break;
    case "datetime":
      // "2026-11-23 18:05" in Beijing, to the minute (shanghaiWallClock: a million cells cost the
      // time zone's lookup once per day, not once each).
      n = shanghaiWallClock(value instanceof Date ? value : new Date(value)).getTime() / DAY_MS + EXCEL_EPOCH_DAYS;
      break;
  }
  // Not a number (a bad date, text in a number column): an empty cell rather than a broken file.
  if (!Number.isFinite(n)) return "";
  return `<c r="${ref}" s="${STYLE[kind]}"><v>${n}</v></c>`;
}

// ───────────────────────────── the workbook's parts ─────────────────────────────

const XML_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`;
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";

function contentTypesXml(sheetCount: number): string {
  const sheets = Array.from(
    { length: sheetCount },
    (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  ).join("");
  return (
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
    `<Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
    sheets +
    `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
    `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
    `<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
    `</Types>`
  );
}

const ROOT_RELS_XML =
  `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
  `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
  `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
  `<Relationship Id="rId3" Type="${REL_NS}/extended-properties" Target="docProps/app.xml"/>` +
  `</Relationships>`;

function coreXml(now: Date): string {
  // W3CDTF wants an instant in UTC: the Z is the zone, not a day shown to anyone.
  const at = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
    `xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<dc:creator>帮扶 Bangfu</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified>` +
    `</cp:coreProperties>`
  );
}

const APP_XML =
  `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
  `<Application>Microsoft Excel</Application></Properties>`;

function workbookXml(names: string[]): string {
  return (
    `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>` +
    names.map((name, i) => `<sheet name="${xmlText(name).replace(/"/g, "&quot;")}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
    `</sheets></workbook>`
  );
}

function workbookRelsXml(sheetCount: number): string {
  const sheets = Array.from(
    { length: sheetCount },
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join("");
  return `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">${sheets}<Relationship Id="rId${sheetCount + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`;
}

/** Tab names as Excel allows them: no []:*?/\, at most 31 characters, none twice (Excel refuses a workbook that repeats one). */
function sheetNames(sheets: Array<{ name: string }>): string[] {
  const taken = new Set<string>();
  return sheets.map(({ name }) => {
    const base = name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31) || "Sheet1";
    let unique = base;
    for (let n = 2; taken.has(unique.toLowerCase()); n += 1) unique = `${base.slice(0, 31 - String(n).length - 2)}（${n}）`;
    taken.add(unique.toLowerCase());
    return unique;
  });
}

// ───────────────────────────── writing ─────────────────────────────

/** Text handed to the zip at a time: large enough that the per-write cost vanishes, small enough to stay in cache. */
const FLUSH_CHARS = 32 * 1024;

export class XlsxAborted extends Error {
  constructor(cause?: unknown) {
    super("xlsx export aborted: the reader went away", { cause });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see writeXlsx
async function writeSheet(entry: TZipEntryWriter, sheet: TXlsxSheet<any>, output: Writable): Promise<number> {
  const notes = sheet.notes ?? [];
  const headerRow = 2 + notes.length;
  const { columns } = sheet;
  const letters = columns.map((_, i) => columnLetter(i));
  const widths = columns.map((c) => c.width ?? Math.max(DEFAULT_WIDTHS[c.kind], c.header.length * 2 + 2));
  let xml =
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${headerRow}" topLeftCell="A${headerRow + 1}" activePane="bottomLeft" state="frozen"/>` +
    `<selection pane="bottomLeft" activeCell="A${headerRow + 1}" sqref="A${headerRow + 1}"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="18" customHeight="1"/>` +
    (columns.length
      ? `<cols>${columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${widths[i]}" customWidth="1" style="${STYLE[c.kind]}"/>`).join("")}</cols>`
      : "") +
    `<sheetData>` +
    `<row r="1">${inlineString("A1", STYLE.title, sheet.title)}</row>` +
    notes.map((note, i) => `<row r="${i + 2}">${note ? inlineString(`A${i + 2}`, STYLE.note, note) : ""}</row>`).join("") +
    `<row r="${headerRow}">${columns.map((c, i) => inlineString(`${letters[i]}${headerRow}`, STYLE.header, c.header)).join("")}</row>`;

  const flush = async () => {
    const pending = entry.write(Buffer.from(xml, "utf8"));
    xml = "";
    if (pending) await pending;
  };

  let count = 0;
  let rowNumber = headerRow;
  for await (const item of sheet.rows) {
    if (output.destroyed) throw new XlsxAborted();
    rowNumber += 1;
    let cells = "";
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      cells += cellXml(column.kind, letters[i]! + rowNumber, column.value(item));
    }
    xml += `<row r="${rowNumber}">${cells}</row>`;
    count += 1;
    // The zip's backpressure (a promise while its deflate input is full) reaches the source here.
    if (xml.length >= FLUSH_CHARS) await flush();
  }
  xml += `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
  await flush();
  return count;
}

/**
 * Writes the sheets to `output`, ends it, and resolves with the number of data rows written per
 * sheet. Stops with `XlsxAborted` when `output` is destroyed (the client left), so the caller
 * stops reading from the database.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
export async function writeXlsx(output: Writable, sheets: TXlsxSheet<any>[]): Promise<number[]> {
  const now = new Date();
  const zip = new StreamingZip(output, shanghaiWallClock(now));
  try {
    const names = sheetNames(sheets);
    await zip.file("[Content_Types].xml", contentTypesXml(sheets.length));
    await zip.file("_rels/.rels", ROOT_RELS_XML);
    await zip.file("docProps/app.xml", APP_XML);
    await zip.file("docProps/core.xml", coreXml(now));
    await zip.file("xl/workbook.xml", workbookXml(names));
    await zip.file("xl/_rels/workbook.xml.rels", workbookRelsXml(sheets.length));
    await zip.file("xl/styles.xml", STYLES_XML);
    const counts: number[] = [];
    for (const [i, sheet] of sheets.entries()) {
      const entry = await zip.stream(`xl/worksheets/sheet${i + 1}.xml`);
      counts.push(await writeSheet(entry, sheet, output));
      await entry.end();
    }
    await zip.finish();
    return counts;
  } catch (error) {
    zip.abort();
    if (error instanceof ZipOutputGone) throw new XlsxAborted(error.cause);
    throw error;
  }
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
