// @ts-check
// The .xlsx parser that lib/xlsx/read-xlsx.ts runs in a child process: the zip's central
// directory, then each worksheet's XML. It reads what a person typed — the values, not formulas,
// styles beyond the date formats, or layout. For the 300,000 rows of a 100,000-household import
// this takes 6–9 s, where loading the workbook with exceljs took 35 s and 2.5 GB
// (docs/architecture.md, 台账导入).
//
// Plain JavaScript, importing nothing but node:zlib, so that the worker can load it as it is from
// `next build`'s output, from tsx and from vitest alike, with no compiler in between.
//
// Everything a stranger's workbook can make this code do is counted against the budgets it is
// given (lib/xlsx/workbook-budgets.ts), and the first budget overrun stops the parse:
// - parts are inflated as a stream, chunk by chunk, against the workbook's total and the ratio
//   to the part's compressed size, so a bomb stops at the budget, never after inflating whole;
// - no part is read twice (thirty sheets that all point at one part are refused at the second);
// - the XML is walked forward with indexOf only: an element that opens and never closes ends the
//   read instead of being searched for from every later position, so no part costs more than a
//   pass or two over its text, whatever its nesting;
// - entities other than XML's own five and numeric ones are never expanded, and a part that
//   declares a DTD is refused.
//
// exceljs's own streaming reader is no way out: it decodes each inflated chunk to text on its
// own, so a Chinese character split across two chunks came out as "���". Here each part's chunks
// are joined and decoded once.
import { createInflateRaw } from "node:zlib";

/**
 * The budgets this parser counts against, by their names in WORKBOOK_BUDGETS
 * (lib/xlsx/workbook-budgets.ts; the import is a type only, gone at run time). The other three
 * there (workerHeapMb, seconds, parallel) are read-xlsx.ts's, around the worker.
 * @typedef {Pick<import("./workbook-budgets").TWorkbookBudgets,
 *   "inflatedBytes" | "inflateRatio" | "inflateRatioFloorBytes" | "sheets" | "zipEntries" | "rows" | "cellsPerRow"
 *   | "cells" | "cellCharacters" | "sharedStrings" | "elementBytes">} ParseBudgets
 * @typedef {keyof ParseBudgets | "partReads" | "zip64" | "zipMethod" | "doctype"} ParseLimit what BudgetExceeded names
 */

/** A budget of the workbook's was exceeded; `limit` names it (a key of WORKBOOK_BUDGETS). */
export class BudgetExceeded extends Error {
  /** @param {ParseLimit} limit @param {number} [at] where, when it helps (a row number) */
  constructor(limit, at) {
    super(`budget ${limit} exceeded`);
    this.limit = limit;
    this.at = at;
  }
}

/** Not a readable .xlsx: a damaged or foreign file. */
export class Unreadable extends Error {}

// ───────────────────────────── the zip ─────────────────────────────

/**
 * @typedef {{ method: number, compressedSize: number, localHeader: number, flags: number }} ZipEntry
 * @typedef {{ zip: Buffer, entries: Map<string, ZipEntry>, budgets: ParseBudgets, inflated: number, read: Set<string> }} Archive
 */

/** @param {Buffer} zip @param {ParseBudgets} budgets @returns {Archive} */
function openArchive(zip, budgets) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new Unreadable("no end of central directory");
  // ZIP64 writes 0xFFFF / 0xFFFFFFFF here and the real figures in records this reader does not
  // read; no workbook within the upload limit needs it.
  if (zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06])) >= 0 || zip.readUInt16LE(eocd + 10) === 0xffff || zip.readUInt32LE(eocd + 16) === 0xffffffff) {
    throw new BudgetExceeded("zip64");
  }
  const count = zip.readUInt16LE(eocd + 10);
  if (count > budgets.zipEntries) throw new BudgetExceeded("zipEntries");
  let at = zip.readUInt32LE(eocd + 16);
  /** @type {Map<string, ZipEntry>} */
  const entries = new Map();
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new Unreadable("bad central directory");
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const entry = {
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      localHeader: zip.readUInt32LE(at + 42),
    };
    if (entry.compressedSize === 0xffffffff || entry.localHeader === 0xffffffff || zip.readUInt32LE(at + 24) === 0xffffffff) throw new BudgetExceeded("zip64");
    entries.set(name.replace(/^\//, ""), entry);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return { zip, entries, budgets, inflated: 0, read: new Set() };
}

/** The deflated part's bytes, inflated chunk by chunk against the budgets. */
function inflateWithin(/** @type {Archive} */ archive, /** @type {Buffer} */ data) {
  const { budgets } = archive;
  // The ratio is judged once a part has inflated past a floor: tiny parts (a workbook.xml of a
  // few hundred bytes of repeated tags) legitimately shrink a hundredfold.
  const ratioCap = Math.max(budgets.inflateRatioFloorBytes, data.length * budgets.inflateRatio);
  return /** @type {Promise<Buffer>} */ (
    new Promise((resolve, reject) => {
      const inflate = createInflateRaw({ chunkSize: 1024 * 1024 });
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      inflate.on("data", (/** @type {Buffer} */ chunk) => {
        size += chunk.length;
        archive.inflated += chunk.length;
        chunks.push(chunk);
        const over = archive.inflated > budgets.inflatedBytes ? "inflatedBytes" : size > ratioCap ? "inflateRatio" : undefined;
        if (over) {
          chunks.length = 0;
          inflate.destroy();
          reject(new BudgetExceeded(over));
        }
      });
      inflate.on("error", (error) => reject(new Unreadable(`cannot inflate: ${error.message}`)));
      inflate.on("end", () => resolve(Buffer.concat(chunks, size)));
      inflate.end(data);
    })
  );
}

/** A part's text, read at most once per workbook; undefined when the workbook does not hold it. */
async function partText(/** @type {Archive} */ archive, /** @type {string} */ name) {
  const entry = archive.entries.get(name);
  if (!entry) return undefined;
  if (archive.read.has(name)) throw new BudgetExceeded("partReads");
  archive.read.add(name);
  const { zip } = archive;
  const { localHeader: at, compressedSize, method, flags } = entry;
  if (flags & 1) throw new Unreadable("encrypted part");
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw new Unreadable("bad local header");
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + compressedSize);
  let bytes;
  if (method === 0) {
    archive.inflated += data.length;
    if (archive.inflated > archive.budgets.inflatedBytes) throw new BudgetExceeded("inflatedBytes");
    bytes = data;
  } else if (method === 8) bytes = await inflateWithin(archive, data);
  else throw new BudgetExceeded("zipMethod");
  const xml = bytes.toString("utf8");
  refuseDoctype(xml);
  return xml;
}

/** XML's entity declarations are how an "entity expansion" bomb is built; no spreadsheet program writes them. */
function refuseDoctype(/** @type {string} */ xml) {
  const head = xml.slice(0, 4096);
  const root = head.search(/<[A-Za-z_]/);
  if (head.slice(0, root < 0 ? head.length : root).includes("<!DOCTYPE") || (root < 0 && xml.includes("<!DOCTYPE"))) throw new BudgetExceeded("doctype");
}

// ───────────────────────────── XML ─────────────────────────────
// The parts of a workbook are machine-written XML of a fixed shape, read here by searching for the
// elements of interest (a row, a cell, a shared string) in the part's text: a generic tag-by-tag
// XML walker took 12 s over the same two sheets (200 MB of XML). Every search runs forward from
// where the last one ended.

const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g;
/** @type {Record<string, string>} */
const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function decodeEntities(/** @type {string} */ text) {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (whole, /** @type {string} */ e) => {
    if (e[0] !== "#") return NAMED[e] ?? whole;
    const code = e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/** An element's text content: entities decoded, CDATA kept as written, comments and stray tags dropped. */
function xmlText(/** @type {string} */ raw) {
  if (!raw.includes("<")) return decodeEntities(raw);
  let text = "";
  for (let at = 0; at < raw.length;) {
    const tag = raw.indexOf("<", at);
    if (tag < 0) return text + decodeEntities(raw.slice(at));
    text += decodeEntities(raw.slice(at, tag));
    if (raw.startsWith("<![CDATA[", tag)) {
      const end = raw.indexOf("]]>", tag + 9);
      if (end < 0) throw new Unreadable("unclosed CDATA");
      text += raw.slice(tag + 9, end);
      at = end + 3;
    } else {
      const end = raw.startsWith("<!--", tag) ? raw.indexOf("-->", tag + 4) + 2 : raw.indexOf(">", tag + 1);
      if (end < 2) throw new Unreadable("unclosed tag");
      at = end + 1;
    }
  }
  return text;
}

const isSpace = (/** @type {number} */ c) => c === 32 || c === 9 || c === 10 || c === 13;
/** Letters, digits and _ : . - (an attribute's name, with its prefix). */
const isNameChar = (/** @type {number} */ c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45;

/**
 * The attributes of a tag's attribute text, by name without its prefix, entity-decoded. Walked
 * from "=" to "=", each character looked at once or twice: a regular expression for name="value"
 * backtracks over a long run of name characters with no "=", once per starting position.
 */
function attributes(/** @type {string} */ text) {
  /** @type {Record<string, string>} */
  const found = {};
  for (let at = 0; ;) {
    const eq = text.indexOf("=", at);
    if (eq < 0) return found;
    let nameEnd = eq;
    while (nameEnd > at && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd -= 1;
    let nameStart = nameEnd;
    while (nameStart > at && isNameChar(text.charCodeAt(nameStart - 1))) nameStart -= 1;
    let open = eq + 1;
    while (open < text.length && isSpace(text.charCodeAt(open))) open += 1;
    const quote = text[open];
    if (quote !== '"' && quote !== "'") {
      at = eq + 1;
      continue;
    }
    const close = text.indexOf(quote, open + 1);
    if (close < 0) return found;
    if (nameStart < nameEnd) {
      const name = text.slice(nameStart, nameEnd);
      const value = text.slice(open + 1, close);
      found[name.includes(":") ? name.slice(name.indexOf(":") + 1) : name] = value.includes("&") ? decodeEntities(value) : value;
    }
    at = close + 1;
  }
}

/** "x:" when the part writes its elements with a namespace prefix (<x:worksheet>), else "". */
function prefixOf(/** @type {string} */ xml, /** @type {string} */ root) {
  return new RegExp(`<([A-Za-z_][\\w.-]{0,63}:)?${root}[\\s>/]`).exec(xml.slice(0, 65536))?.[1] ?? "";
}

/**
 * A cell's r, t and s. Millions of cells are read, and nearly all are written as ` r="B2" t="s"`:
 * those are read with indexOf, anything else (other quotes or spacing) by attributes().
 */
function cellAttributes(/** @type {string} */ text) {
  if (/['\t\n\r]|\s=|=\s/.test(text)) return attributes(text);
  return { r: doubleQuoted(text, ' r="'), t: doubleQuoted(text, ' t="'), s: doubleQuoted(text, ' s="') };
}

function doubleQuoted(/** @type {string} */ text, /** @type {string} */ opening) {
  const start = text.indexOf(opening);
  return start < 0 ? undefined : text.slice(start + opening.length, text.indexOf('"', start + opening.length));
}

/** Whether the character after a tag name ends the name (so "<c" is not taken for "<cols"). */
const endsName = (/** @type {number} */ c) => c === 62 || c === 47 || isSpace(c);

/** A tag's attribute text beyond this is no spreadsheet program's (their longest, a format code, is 255 characters). */
const MAX_TAG_BYTES = 64 * 1024;

/**
 * The first element `name` (with prefix `p`) of `xml` from `from`: its attribute text, its content
 * ("" when it closes itself) and where it ends. Its content ends at the first closing tag of its
 * name, as a regular expression's lazy match would; one that never closes makes the part
 * unreadable, rather than being looked for again from every later position. `maxBytes` bounds
 * the content (budget elementBytes).
 * @param {string} xml @param {string} p @param {string} name @param {number} from @param {number} maxBytes
 * @returns {{ attributeText: string, content: string, start: number, end: number } | undefined}
 */
function nextElement(xml, p, name, from, maxBytes) {
  const open = `<${p}${name}`;
  for (let at = from; ;) {
    const start = xml.indexOf(open, at);
    if (start < 0) return undefined;
    const nameEnd = start + open.length;
    if (!endsName(xml.charCodeAt(nameEnd))) {
      at = nameEnd;
      continue;
    }
    const tagEnd = xml.indexOf(">", nameEnd);
    if (tagEnd < 0) throw new Unreadable(`unclosed <${name}`);
    if (tagEnd - nameEnd > MAX_TAG_BYTES) throw new BudgetExceeded("elementBytes");
    if (xml.charCodeAt(tagEnd - 1) === 47) return { attributeText: xml.slice(nameEnd, tagEnd - 1), content: "", start, end: tagEnd + 1 };
    const close = `</${p}${name}`;
    let end = xml.indexOf(close, tagEnd + 1);
    while (end >= 0 && !endsName(xml.charCodeAt(end + close.length))) end = xml.indexOf(close, end + close.length);
    if (end < 0) throw new Unreadable(`unclosed <${name}>`);
    if (end - tagEnd > maxBytes) throw new BudgetExceeded("elementBytes");
    const closeEnd = xml.indexOf(">", end + close.length);
    if (closeEnd < 0) throw new Unreadable(`unclosed </${name}`);
    return { attributeText: xml.slice(nameEnd, tagEnd), content: xml.slice(tagEnd + 1, end), start, end: closeEnd + 1 };
  }
}

/**
 * Calls `each` with the attribute text and the content of every element `name` in `xml`, in order.
 * @param {string} xml @param {string} p @param {string} name
 * @param {(attributeText: string, content: string) => void} each
 * @param {number} maxBytes
 */
function eachElement(xml, p, name, each, maxBytes) {
  for (let found = nextElement(xml, p, name, 0, maxBytes); found; found = nextElement(xml, p, name, found.end, maxBytes)) {
    each(found.attributeText, found.content);
  }
}

const ANY_SIZE = Number.MAX_SAFE_INTEGER;

/** The first element `name` of `xml`, or undefined. */
const firstElement = (/** @type {string} */ xml, /** @type {string} */ p, /** @type {string} */ name) => nextElement(xml, p, name, 0, ANY_SIZE);

/** The content of a string's phonetic guides (<rPh>) removed. */
function withoutPhonetic(/** @type {string} */ content, /** @type {string} */ p) {
  let kept = "";
  let at = 0;
  for (let found = nextElement(content, p, "rPh", 0, ANY_SIZE); found; found = nextElement(content, p, "rPh", found.end, ANY_SIZE)) {
    kept += content.slice(at, found.start);
    at = found.end;
  }
  return kept + content.slice(at);
}

/** The text of a rich or plain string (<si>, <is>): its <t> runs joined, phonetic guides (<rPh>) left out. */
function runsText(/** @type {string} */ content, /** @type {string} */ p) {
  if (!content.includes(`<${p}rPh`) && !content.includes(`<${p}r>`) && !content.includes(`<${p}r `)) {
    const t = nextElement(content, p, "t", 0, ANY_SIZE);
    return t ? xmlText(t.content) : "";
  }
  let text = "";
  eachElement(withoutPhonetic(content, p), p, "t", (_, run) => (text += xmlText(run)), ANY_SIZE);
  return text;
}

// ───────────────────────────── the workbook ─────────────────────────────

/** The one empty cell: most of a template's cells are blank, and 100,000 rows of them are millions of objects. */
const EMPTY = Object.freeze({ text: "" });

/** The shared-strings table, each entry trimmed. @param {string | undefined} xml @param {ParseBudgets} budgets */
function sharedStrings(xml, budgets) {
  /** @type {string[]} */
  const strings = [];
  if (!xml) return strings;
  const p = prefixOf(xml, "sst");
  eachElement(
    xml,
    p,
    "si",
    (_, content) => {
      if (strings.length >= budgets.sharedStrings) throw new BudgetExceeded("sharedStrings");
      const text = runsText(content, p).trim();
      if (text.length > budgets.cellCharacters) throw new BudgetExceeded("cellCharacters");
      strings.push(text);
    },
    budgets.elementBytes,
  );
  return strings;
}

/**
 * The cell object of shared string `index`, made on its first use and shared by every later cell
 * that names it (so no reader of the rows may change a cell in place): 100,000 cells naming one
 * string are one object, not 100,000.
 * @param {SheetContext} ctx @param {number} index
 */
function sharedCell(ctx, index) {
  const made = ctx.cellOf[index];
  if (made) return made;
  const text = ctx.strings[index];
  if (text === undefined) return EMPTY;
  return (ctx.cellOf[index] = text ? { text } : EMPTY);
}

/** Built-in number formats that show a date or time (ECMA-376 18.8.30, with the CJK ones). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);
/** A custom format shows a date when, outside quotes and brackets, it has y, m, d, h or s. */
const isDateFormatCode = (/** @type {string} */ code) =>
  code.length <= 255 &&
  /[ymdhs]/i.test(
    code
      .replace(/\[[^\]]*]/g, "")
      .replace(/"[^"]*"/g, "")
      .replace(/\\./g, ""),
  );

/** For each cell style index (a cell's s="…"), whether it shows the number as a date. */
function dateStyles(/** @type {string | undefined} */ xml, /** @type {ParseBudgets} */ budgets) {
  if (!xml) return [];
  const p = prefixOf(xml, "styleSheet");
  /** @type {Map<number, boolean>} */
  const custom = new Map();
  eachElement(
    xml,
    p,
    "numFmt",
    (attributeText) => {
      const a = attributes(attributeText);
      custom.set(Number(a.numFmtId), isDateFormatCode(a.formatCode ?? ""));
    },
    budgets.elementBytes,
  );
  /** @type {boolean[]} */
  const dates = [];
  eachElement(
    firstElement(xml, p, "cellXfs")?.content ?? "",
    p,
    "xf",
    (attributeText) => {
      const id = Number(attributes(attributeText).numFmtId ?? 0);
      dates.push(custom.get(id) ?? BUILT_IN_DATE_FORMATS.has(id));
    },
    budgets.elementBytes,
  );
  return dates;
}

/** "BC12" → 55 (1-based column). */
function columnOf(/** @type {string} */ reference) {
  let column = 0;
  for (let i = 0; i < reference.length && i < 3; i += 1) {
    const c = reference.charCodeAt(i);
    if (c < 65 || c > 90) break;
    column = column * 26 + (c - 64);
  }
  return column;
}

/** Excel's serial day (1900 system, or 1904) as the calendar day it shows. */
function serialDate(/** @type {number} */ serial, /** @type {boolean} */ date1904) {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  const date = new Date(ms);
  // eslint-disable-next-line no-restricted-syntax -- an Excel serial is a day without a time zone, counted from UTC midnight: its UTC date is that day
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 10);
}

/** @typedef {{ strings: string[], cellOf: Array<{ text: string } | undefined>, dates: boolean[], date1904: boolean, budgets: ParseBudgets, rows: number, cells: number }} SheetContext */

/**
 * What a person sees in the cell, whatever Excel stored (shared or inline text, formula result, date, number, boolean).
 * @param {string} type @param {number} style @param {string} value @param {string} inline @param {SheetContext} ctx
 * @returns {{ text: string, numeric?: boolean }}
 */
function cellText(type, style, value, inline, ctx) {
  switch (type) {
    case "s":
      return sharedCell(ctx, Number(value));
    case "inlineStr":
      return inline ? { text: inline.trim() } : EMPTY;
    case "str":
      return value ? { text: value.trim() } : EMPTY;
    case "b":
      return value ? { text: value.trim() === "1" ? "是" : "否" } : EMPTY;
    case "e":
      return EMPTY;
    case "d":
      return value ? { text: value.trim().slice(0, 10) } : EMPTY;
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

/** @param {string} xml @param {SheetContext} ctx */
function sheetRows(xml, ctx) {
  const { budgets } = ctx;
  const p = prefixOf(xml, "worksheet");
  /** @type {Array<{ number: number, cells: Array<{ text: string, numeric?: boolean }> }>} */
  const rows = [];
  let lastRow = 0;
  /** @type {Array<{ text: string, numeric?: boolean }>} */
  let cells = [];
  let column = 0;
  let filled = 0; // cells up to the last one with text: the row's trailing blanks are dropped
  /** @param {string} attributeText @param {string} content */
  const eachCell = (attributeText, content) => {
    const a = cellAttributes(attributeText);
    column = (a.r && columnOf(a.r)) || column + 1;
    if (!content) return;
    const type = a.t || "n";
    const v = type === "inlineStr" ? undefined : firstElement(content, p, "v");
    const is = type === "inlineStr" ? firstElement(content, p, "is") : undefined;
    const text = cellText(type, Number(a.s ?? 0), v ? xmlText(v.content) : "", is ? runsText(is.content, p) : "", ctx);
    if (text === EMPTY) return;
    if (text.text.length > budgets.cellCharacters) throw new BudgetExceeded("cellCharacters", lastRow);
    // Counted where a cell holds text: an empty cell far to the right (formatting) costs nothing.
    if (column > budgets.cellsPerRow) throw new BudgetExceeded("cellsPerRow", lastRow);
    while (cells.length < column - 1) cells.push(EMPTY);
    cells[column - 1] = text;
    filled = Math.max(filled, column);
  };
  eachElement(
    xml,
    p,
    "row",
    (attributeText, content) => {
      if (ctx.rows >= budgets.rows) throw new BudgetExceeded("rows");
      ctx.rows += 1;
      const n = Number(attributes(attributeText).r);
      lastRow = Number.isInteger(n) && n > 0 ? n : lastRow + 1;
      cells = [];
      column = 0;
      filled = 0;
      eachElement(content, p, "c", eachCell, budgets.elementBytes);
      cells.length = filled;
      ctx.cells += filled;
      if (ctx.cells > budgets.cells) throw new BudgetExceeded("cells");
      rows.push({ number: lastRow, cells });
    },
    ANY_SIZE,
  );
  return rows;
}

/** "xl/worksheets/sheet1.xml" from a relationship target relative to the part "xl/workbook.xml". */
function resolvePart(/** @type {string} */ base, /** @type {string} */ target) {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const segment of target.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== ".") parts.push(segment);
  }
  return parts.join("/");
}

/** @param {Archive} archive @param {string} part */
async function relationships(archive, part) {
  const slash = part.lastIndexOf("/");
  const xml = await partText(archive, `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`);
  /** @type {Array<{ id: string, type: string, target: string }>} */
  const found = [];
  if (!xml) return found;
  eachElement(
    xml,
    prefixOf(xml, "Relationships"),
    "Relationship",
    (attributeText) => {
      const a = attributes(attributeText);
      found.push({ id: a.Id ?? "", type: a.Type ?? "", target: resolvePart(part, a.Target ?? "") });
    },
    archive.budgets.elementBytes,
  );
  return found;
}

/**
 * Every worksheet of the workbook in its tab order, with every row written in it (row numbers as
 * Excel shows them; cells by column up to the last with text, blanks between filled in).
 * Throws Unreadable for a file that is not a readable .xlsx, BudgetExceeded at the first budget
 * the workbook overruns.
 * @param {Buffer} bytes @param {ParseBudgets} budgets
 */
export async function parseXlsx(bytes, budgets) {
  const archive = openArchive(bytes, budgets);
  const root = await relationships(archive, "");
  const workbookPart = root.find((r) => r.type.endsWith("/officeDocument"))?.target ?? "xl/workbook.xml";
  const workbook = await partText(archive, workbookPart);
  if (!workbook) throw new Unreadable("no workbook part");
  const rels = await relationships(archive, workbookPart);
  const partOf = (/** @type {string} */ type) => rels.find((r) => r.type.endsWith(type))?.target;
  const p = prefixOf(workbook, "workbook");
  /** @type {Array<{ name: string, id: string }>} */
  const sheets = [];
  eachElement(
    workbook,
    p,
    "sheet",
    (attributeText) => {
      if (sheets.length >= budgets.sheets) throw new BudgetExceeded("sheets");
      const a = attributes(attributeText);
      sheets.push({ name: a.name ?? "", id: a.id ?? "" });
    },
    budgets.elementBytes,
  );
  const settings = firstElement(workbook, p, "workbookPr");
  const date1904 = ["1", "true"].includes(settings ? (attributes(settings.attributeText).date1904 ?? "") : "");
  const sharedPart = partOf("/sharedStrings");
  const stylesPart = partOf("/styles");
  /** @type {SheetContext} */
  const ctx = {
    strings: sharedStrings(sharedPart ? await partText(archive, sharedPart) : undefined, budgets),
    cellOf: [],
    dates: dateStyles(stylesPart ? await partText(archive, stylesPart) : undefined, budgets),
    date1904,
    budgets,
    rows: 0,
    cells: 0,
  };
  const result = [];
  for (const sheet of sheets) {
    const target = rels.find((r) => r.id === sheet.id)?.target;
    const xml = target ? await partText(archive, target) : undefined;
    if (!xml) continue; // a chart sheet, or a sheet the workbook names but does not hold
    result.push({ name: sheet.name, rows: sheetRows(xml, ctx) });
  }
  return result;
}
