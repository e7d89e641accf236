// Writes .xlsx (zip) bytes by hand for the workbook-reader tests, including the shapes no
// spreadsheet program writes: a part deflated from a stream of chunks (a 100 MiB part never held
// whole in the test), or a central directory that says ZIP64.
import { createDeflateRaw } from "node:zlib";

export type TZipPart = { name: string; data: Buffer; method: 0 | 8; size: number };

/** A part deflated from the chunks `write` produces, without holding the inflated text whole. */
export async function deflatedPart(name: string, write: (push: (text: string | Buffer) => void) => void): Promise<TZipPart> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pendingBytes) deflate.write(Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  write((text) => {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    size += bytes.length;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes > 4 * 1024 * 1024) flush();
  });
  flush();
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), method: 8, size };
}

export async function textPart(name: string, text: string): Promise<TZipPart> {
  return deflatedPart(name, (push) => push(text));
}

/** The zip of the parts: local headers, data, central directory, end record (CRCs left 0: the reader does not check them). */
export function zipOf(parts: TZipPart[], options: { zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const nameBytes = Buffer.from(part.name, "utf8");
    const header = (signature: number, length: number, at: number) => {
      const bytes = Buffer.alloc(length);
      bytes.writeUInt32LE(signature, 0);
      bytes.writeUInt16LE(20, at);
      bytes.writeUInt16LE(part.method, at + 4);
      bytes.writeUInt32LE(part.data.length, at + 14);
      bytes.writeUInt32LE(Math.min(part.size, 0xffffffff), at + 18);
      bytes.writeUInt16LE(nameBytes.length, at + 22);
      return bytes;
    };
    const central = header(0x02014b50, 46, 6);
    central.writeUInt16LE(20, 4);
    central.writeUInt32LE(offset, 42);
    locals.push(header(0x04034b50, 30, 4), nameBytes, part.data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + part.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.zip64 ? 0xffff : parts.length, 8);
  end.writeUInt16LE(options.zip64 ? 0xffff : parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";
const NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/**
 * The parts every workbook has around its sheets: the root relationships, workbook.xml naming
 * `sheets` (each pointing at a worksheet part by its target), the workbook's relationships (and
 * a shared-strings part when `sharedStrings` is given).
 */
export async function workbookParts(sheets: Array<{ name: string; target: string }>, options: { sharedStrings?: boolean } = {}): Promise<TZipPart[]> {
  const rels = sheets.map((s, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${s.target}"/>`).join("");
  const shared = options.sharedStrings ? `<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : "";
  return Promise.all([
    textPart("[Content_Types].xml", "<Types/>"),
    textPart("_rels/.rels", `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    deflatedPart("xl/workbook.xml", (push) => {
      push(`<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets>`);
      sheets.forEach((s, i) => push(`<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`));
      push("</sheets></workbook>");
    }),
    textPart("xl/_rels/workbook.xml.rels", `<Relationships xmlns="${PKG}">${rels}${shared}</Relationships>`),
  ]);
}

/** A worksheet part with the given XML inside <sheetData>. */
export function sheetPart(name: string, write: (push: (text: string | Buffer) => void) => void): Promise<TZipPart> {
  return deflatedPart(name, (push) => {
    push(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>`);
    write(push);
    push("</sheetData></worksheet>");
  });
}
