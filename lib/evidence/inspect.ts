import "server-only";
import { inflateSync } from "node:zlib";
import sharp from "sharp";
import type { TEvidenceContentType } from "./storage";

// What is stored is what it claims to be. The first bytes (sniffContentType) only say what a file
// pretends to be; an image is decoded here with a real image library (sharp), so HTML or a script
// behind a PNG or JPEG header is refused, and a PDF that would run JavaScript is refused — also
// when the action hides in a compressed object stream or behind #-escaped names.

const PNG_END = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]; // "IEND" and its CRC

function endsWith(bytes: Uint8Array, tail: readonly number[]): boolean {
  return bytes.length >= tail.length && tail.every((b, i) => bytes[bytes.length - tail.length + i] === b);
}

/** JPEG ends with EOI (FF D9); some cameras pad a few zero bytes after it. */
function jpegEnds(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0 && bytes.length - end < 16) end--;
  return end >= 2 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

async function imageProblem(bytes: Uint8Array, contentType: "image/jpeg" | "image/png"): Promise<string | null> {
  const expected = contentType === "image/png" ? "png" : "jpeg";
  try {
    const image = sharp(bytes, { failOn: "error", limitInputPixels: 120_000_000 });
    const meta = await image.metadata();
    if (meta.format !== expected || !meta.width || !meta.height) return "图片无法识别，请重新拍照或扫描后上传。";
    // Decoding every pixel (at a small size) is what proves the file is a picture and not something else behind its header.
    await image.resize({ width: 64, height: 64, fit: "inside" }).raw().toBuffer();
  } catch {
    return "图片已损坏或不是真正的图片（只改扩展名无效），请重新拍照或扫描后上传。";
  }
  const ends = contentType === "image/png" ? endsWith(bytes, PNG_END) : jpegEnds(bytes);
  if (!ends) return "图片末尾附带了其他内容，不能作为证明材料，请重新导出图片后上传。";
  return null;
}

/** PDF names may escape characters as #hh (/J#61vaScript is /JavaScript). */
function normaliseNames(text: string): string {
  return text.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const SCRIPT_ACTION = /\/(JavaScript|JS)(?![A-Za-z0-9])|\/S\s*\/(JavaScript|Launch)(?![A-Za-z0-9])|\/Launch(?![A-Za-z0-9])/;

/** The PDF's text, and the text of every stream that inflates (object streams can hold dictionaries). */
function* pdfTexts(bytes: Uint8Array): Generator<string> {
  const text = Buffer.from(bytes).toString("latin1");
  yield text;
  const streams = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  let inflated = 0;
  while ((match = streams.exec(text)) !== null) {
    const start = match.index + match[0].length;
    const end = text.indexOf("endstream", start);
    if (end === -1) break;
    try {
      const out = inflateSync(Buffer.from(bytes.subarray(start, end)), { maxOutputLength: 20 * 1024 * 1024 });
      inflated += out.length;
      yield out.toString("latin1");
    } catch {
      // Not a Flate stream (an image, fonts, or garbage): nothing to read in it.
    }
    if (inflated > 50 * 1024 * 1024) break;
    streams.lastIndex = end;
  }
}

function pdfProblem(bytes: Uint8Array): string | null {
  for (const text of pdfTexts(bytes)) {
    if (SCRIPT_ACTION.test(normaliseNames(text)))
      return "该 PDF 含有脚本或自动执行的动作（JavaScript），不能作为证明材料。请打印后重新扫描，或另存为普通 PDF 后上传。";
  }
  return null;
}

/** Why these bytes cannot be accepted as evidence of the type they start as, or null when they can. */
export async function evidenceContentProblem(bytes: Uint8Array, contentType: TEvidenceContentType): Promise<string | null> {
  return contentType === "application/pdf" ? pdfProblem(bytes) : imageProblem(bytes, contentType);
}
