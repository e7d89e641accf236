// Reads the cells of an .xlsx workbook: the zip's central directory, then each worksheet's XML.
// It reads what a person typed — the values, not formulas, styles beyond the date formats, or
// layout. For the 300,000 rows of a 100,000-household import this takes 8 s, where loading the
// workbook with exceljs took 35 s and 2.5 GB (docs/architecture.md, 台账导入).
//
// exceljs's own streaming reader is no way out: it decodes each inflated chunk to text on its
// own, so a Chinese character split across two chunks came out as "���". Here each part is
// inflated whole and decoded once.
import { inflateRawSync } from "node:zlib";

export class UnreadableWorkbookError extends Error {}

/**
 * Larger than any worksheet an upload within IMPORT_MAX_BYTES holds (100,000 households are 19 MB
 * zipped, 110 MB of XML), and below the longest string V8 makes: a zip bomb stops here.
 */
const MAX_PART_BYTES = 400 * 1024 * 1024;

type TZipEntry = { method: number; compressedSize: number; localHeader: number; flags: number };

function zipEntries(zip: Buffer): Map<string, TZipEntry> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new UnreadableWorkbookError("no end of central directory");
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, TZipEntry>();
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new UnreadableWorkbookError("bad central directory");
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    entries.set(name.replace(/^\//, ""), {
      flags: zip.readUInt16LE(at + 8), method: zip.readUInt16LE(at + 10), compressedSize: zip.readUInt32LE(at + 20), localHeader: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

function zipPart(zip: Buffer, entries: Map<string, TZipEntry>, name: string): Buffer | undefined {
  const entry = entries.get(name);
  if (!entry) return undefined;
  const { localHeader: at, compressedSize, method, flags } = entry;
  if (flags & 1) throw new UnreadableWorkbookError("encrypted part");
  if (compressedSize === 0xffffffff || at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw new UnreadableWorkbookError("bad local header");
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + compressedSize);
  if (method === 0) return data;
  if (method !== 8) throw new UnreadableWorkbookError(`compression method ${method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: MAX_PART_BYTES });
  } catch (error) {
    throw new UnreadableWorkbookError(`cannot inflate ${name}: ${(error as Error).message}`);
  }
}

// ───────────────────────────── XML ─────────────────────────────
// The parts of a workbook are machine-written XML of a fixed shape, read here with one regular
// expression per element of interest (a row, a cell, a shared string) over the part's text: a
// generic tag-by-tag XML walker took 12 s over the same two sheets (200 MB of XML).

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))) : NAMED[e]!);
}

/** An element's text content: entities decoded, CDATA kept as written, comments and stray tags dropped. */
function xmlText(raw: string): string {
  if (!raw.includes("<")) return decodeEntities(raw);
  return raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|([^<]+)|<[^>]*>/g, (_, cdata?: string, text?: string) => cdata ?? (text ? decodeEntities(text) : ""));
}

const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** The attributes of a tag's attribute text, by name without its prefix, entity-decoded. */
function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m; m = ATTRIBUTE.exec(text)) {
    const name = m[1]!;
    const value = m[2] ?? m[3]!;
    found[name.includes(":") ? name.slice(name.indexOf(":") + 1) : name] = value.includes("&") ? decodeEntities(value) : value;
  }
  return found;
}

/** "x:" when the part writes its elements with a namespace prefix (<x:worksheet>), else "". */
function prefixOf(xml: string, root: string): string {
  return new RegExp(`<([A-Za-z_][\\w.-]*:)?${root}[\\s>/]`).exec(xml)?.[1] ?? "";
}

/**
 * A cell's r, t and s. Millions of cells are read, and nearly all are written as ` r="B2" t="s"`:
 * those are read with indexOf, anything else (other quotes or spacing) by attributes().
 */
function cellAttributes(text: string): { r?: string; t?: string; s?: string } {
  if (/['\t\n\r]|\s=|=\s/.test(text)) return attributes(text);
  return { r: doubleQuoted(text, ' r="'), t: doubleQuoted(text, ' t="'), s: doubleQuoted(text, ' s="') };
}

// Top-level rather than a closure in cellAttributes: tsx (the benchmark's runner) names every
// closure as it is made, which for millions of cells doubled the time to read a sheet.
function doubleQuoted(text: string, opening: string): string | undefined {
  const start = text.indexOf(opening);
  return start < 0 ? undefined : text.slice(start + opening.length, text.indexOf('"', start + opening.length));
}

/** An element `name` (with prefix `p`): its attribute text, then its content unless it closes itself. */
const elementSource = (p: string, name: string) => `<${p}${name}(?=[\\s/>])([^>]*?)(?:/>|>([\\s\\S]*?)</${p}${name}\\s*>)`;

const elementPatterns = new Map<string, RegExp>();
/** Calls `each` with the attribute text and the content ("" when empty) of every element `name` in `xml`. */
function eachElement(xml: string, p: string, name: string, each: (attributeText: string, content: string) => void): void {
  const key = p + name;
  let pattern = elementPatterns.get(key);
  if (!pattern) elementPatterns.set(key, (pattern = new RegExp(elementSource(p, name), "g")));
  // Each element's content may be walked with the same pattern (a row's cells), so keep our place.
  for (let at = 0; ;) {
    pattern.lastIndex = at;
    const m = pattern.exec(xml);
    if (!m) return;
    at = pattern.lastIndex;
    each(m[1]!, m[2] ?? "");
  }
}

/** The first element `name` of `xml`, or undefined. */
function firstElement(xml: string, p: string, name: string): { attributeText: string; content: string } | undefined {
  const m = new RegExp(elementSource(p, name)).exec(xml);
  return m ? { attributeText: m[1]!, content: m[2] ?? "" } : undefined;
}

function allElements(xml: string, p: string, name: string): Array<{ attributeText: string; content: string }> {
  const found: Array<{ attributeText: string; content: string }> = [];
  eachElement(xml, p, name, (attributeText, content) => found.push({ attributeText, content }));
  return found;
}

const runPatterns = new Map<string, { text: RegExp; texts: RegExp; phonetic: RegExp }>();
/** The text of a rich or plain string (<si>, <is>): its <t> runs joined, phonetic guides (<rPh>) left out. */
function runsText(content: string, p: string): string {
  let patterns = runPatterns.get(p);
  if (!patterns) {
    const text = `<${p}t(?:\\s[^>]*)?>([\\s\\S]*?)</${p}t\\s*>`;
    runPatterns.set(p, (patterns = { text: new RegExp(text), texts: new RegExp(text, "g"), phonetic: new RegExp(`<${p}rPh\\b[\\s\\S]*?</${p}rPh\\s*>`, "g") }));
  }
  if (!content.includes(`<${p}rPh`) && !content.includes(`<${p}r>`) && !content.includes(`<${p}r `)) {
    const m = patterns.text.exec(content);
    return m ? xmlText(m[1]!) : "";
  }
  return Array.from(content.replace(patterns.phonetic, "").matchAll(patterns.texts), (m) => xmlText(m[1]!)).join("");
}

function sharedStrings(part: Buffer | undefined): string[] {
  if (!part) return [];
  const xml = part.toString("utf8");
  const p = prefixOf(xml, "sst");
  return allElements(xml, p, "si").map((e) => runsText(e.content, p));
}

/** Built-in number formats that show a date or time (ECMA-376 18.8.30, with the CJK ones). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
/** A custom format shows a date when, outside quotes and brackets, it has y, m, d, h or s. */
const isDateFormatCode = (code: string) => /[ymdhs]/i.test(code.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, "").replace(/\\./g, ""));

/** For each cell style index (a cell's s="…"), whether it shows the number as a date. */
function dateStyles(part: Buffer | undefined): boolean[] {
  if (!part) return [];
  const xml = part.toString("utf8");
  const p = prefixOf(xml, "styleSheet");
  const custom = new Map<number, boolean>();
  eachElement(xml, p, "numFmt", (attributeText) => {
    const a = attributes(attributeText);
    custom.set(Number(a.numFmtId), isDateFormatCode(a.formatCode ?? ""));
  });
  return allElements(firstElement(xml, p, "cellXfs")?.content ?? "", p, "xf").map((e) => {
    const id = Number(attributes(e.attributeText).numFmtId ?? 0);
    return custom.get(id) ?? BUILT_IN_DATE_FORMATS.has(id);
  });
}

// ───────────────────────────── the workbook ─────────────────────────────

export type TCellText = { text: string; /** The cell held a number that cannot be an exact ID (Excel turned it into 6.2E+17). */ numeric?: boolean };
export type TXlsxRow = { number: number; cells: TCellText[] };
export type TReadSheet = { name: string; rows: TXlsxRow[] };

/** The one empty cell: most of a template's cells are blank, and 100,000 rows of them are millions of objects. */
const EMPTY: TCellText = Object.freeze({ text: "" });

/** "BC12" → 55 (1-based column). */
function columnOf(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i += 1) {
    const c = reference.charCodeAt(i);
    if (c < 65 || c > 90) break;
    column = column * 26 + (c - 64);
  }
  return column;
}

/** Excel's serial day (1900 system, or 1904) as the calendar day it shows. */
function serialDate(serial: number, date1904: boolean): string {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 10);
}

type TSheetContext = { strings: string[]; dates: boolean[]; date1904: boolean };

/** What a person sees in the cell, whatever Excel stored (shared or inline text, formula result, date, number, boolean). */
function cellText(type: string, style: number, value: string, inline: string, ctx: TSheetContext): TCellText {
  switch (type) {
    case "s": {
      const text = ctx.strings[Number(value)];
      return text ? { text: text.trim() } : EMPTY;
    }
    case "inlineStr": return inline ? { text: inline.trim() } : EMPTY;
    case "str": return value ? { text: value.trim() } : EMPTY;
    case "b": return value ? { text: value.trim() === "1" ? "是" : "否" } : EMPTY;
    case "e": return EMPTY;
    case "d": return value ? { text: value.trim().slice(0, 10) } : EMPTY;
    default: {
      const trimmed = value.trim();
      if (!trimmed) return EMPTY;
      const number = Number(trimmed);
      if (!Number.isFinite(number)) return { text: trimmed };
      if (ctx.dates[style]) return { text: serialDate(number, ctx.date1904) };
      return { text: Number.isInteger(number) ? String(number) : String(Math.round(number * 100) / 100), numeric: true };
    }
  }
}

const YIELD_EVERY_ROWS = 5_000;

async function sheetRows(part: Buffer, ctx: TSheetContext): Promise<TXlsxRow[]> {
  const xml = part.toString("utf8");
  const p = prefixOf(xml, "worksheet");
  const value = new RegExp(`<${p}v(?:\\s[^>]*)?>([\\s\\S]*?)</${p}v\\s*>`);
  const inline = new RegExp(`<${p}is(?:\\s[^>]*)?>([\\s\\S]*?)</${p}is\\s*>`);
  const rows: TXlsxRow[] = [];
  let lastRow = 0;
  let cells: TCellText[] = [];
  let column = 0;
  const eachCell = (attributeText: string, content: string) => {
    const a = cellAttributes(attributeText);
    column = (a.r && columnOf(a.r)) || column + 1;
    const type = a.t || "n";
    const text = content
      ? cellText(type, Number(a.s ?? 0), xmlText(value.exec(content)?.[1] ?? ""), type === "inlineStr" ? runsText(inline.exec(content)?.[1] ?? "", p) : "", ctx)
      : EMPTY;
    while (cells.length < column - 1) cells.push(EMPTY);
    cells[column - 1] = text;
  };
  for (const row of allElements(xml, p, "row")) {
    const n = Number(attributes(row.attributeText).r);
    lastRow = Number.isInteger(n) && n > 0 ? n : lastRow + 1;
    cells = [];
    column = 0;
    eachElement(row.content, p, "c", eachCell);
    rows.push({ number: lastRow, cells });
    // A large sheet takes seconds: give the event loop back so other users' requests are served.
    if (rows.length % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

/** "xl/worksheets/sheet1.xml" from a relationship target relative to the part "xl/workbook.xml". */
function resolvePart(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const segment of target.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== ".") parts.push(segment);
  }
  return parts.join("/");
}

function relationships(zip: Buffer, entries: Map<string, TZipEntry>, part: string): Array<{ id: string; type: string; target: string }> {
  const slash = part.lastIndexOf("/");
  const xml = zipPart(zip, entries, `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`);
  if (!xml) return [];
  const text = xml.toString("utf8");
  return allElements(text, prefixOf(text, "Relationships"), "Relationship").map((e) => {
    const a = attributes(e.attributeText);
    return { id: a.Id ?? "", type: a.Type ?? "", target: resolvePart(part, a.Target ?? "") };
  });
}

/**
 * Every worksheet of the workbook in its tab order, with every row written in it (row numbers as
 * Excel shows them; cells by column, blanks filled in). Throws UnreadableWorkbookError for a file
 * that is not a readable .xlsx.
 */
export async function readXlsx(bytes: Buffer): Promise<TReadSheet[]> {
  const entries = zipEntries(bytes);
  const root = relationships(bytes, entries, "");
  const workbookPart = root.find((r) => r.type.endsWith("/officeDocument"))?.target ?? "xl/workbook.xml";
  const workbookXml = zipPart(bytes, entries, workbookPart);
  if (!workbookXml) throw new UnreadableWorkbookError("no workbook part");
  const rels = relationships(bytes, entries, workbookPart);
  const partOf = (type: string) => rels.find((r) => r.type.endsWith(type))?.target;
  const workbook = workbookXml.toString("utf8");
  const p = prefixOf(workbook, "workbook");
  const sheets = allElements(workbook, p, "sheet").map((e) => {
    const a = attributes(e.attributeText);
    return { name: a.name ?? "", id: a.id ?? "" };
  });
  const settings = firstElement(workbook, p, "workbookPr");
  const date1904 = ["1", "true"].includes(settings ? (attributes(settings.attributeText).date1904 ?? "") : "");
  const sharedPart = partOf("/sharedStrings");
  const stylesPart = partOf("/styles");
  const ctx: TSheetContext = {
    strings: sharedStrings(sharedPart ? zipPart(bytes, entries, sharedPart) : undefined),
    dates: dateStyles(stylesPart ? zipPart(bytes, entries, stylesPart) : undefined),
    date1904,
  };
  const result: TReadSheet[] = [];
  for (const sheet of sheets) {
    const target = rels.find((r) => r.id === sheet.id)?.target;
    const xml = target ? zipPart(bytes, entries, target) : undefined;
    if (!xml) continue; // a chart sheet, or a sheet the workbook names but does not hold
    result.push({ name: sheet.name, rows: await sheetRows(xml, ctx) });
  }
  return result;
}
