import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { evidenceDir } from "@/lib/db/paths";
import { DEFAULT_EVIDENCE_MAX_BYTES, evidenceUploadLimit, type TUploadLimit } from "@/lib/uploads/limits";

export { evidenceDir };

// Evidence bytes live on disk, never in the database; the database holds the storage key, the
// size and the SHA-256. Keys are generated here (`yyyy/mm/<uuid>`) and never come from a user, and
// every key is checked against that shape before it touches the file system, so a key cannot
// point outside the evidence folder.

export const EVIDENCE_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
export type TEvidenceContentType = (typeof EVIDENCE_CONTENT_TYPES)[number];

const STORAGE_KEY = /^\d{4}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function evidenceMaxBytes(): number {
  const raw = process.env.EVIDENCE_MAX_BYTES;
  if (!raw) return DEFAULT_EVIDENCE_MAX_BYTES;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`EVIDENCE_MAX_BYTES must be a positive whole number of bytes, got "${raw}".`);
  return value;
}

/** The evidence upload's limit and its words, for the page, the upload route and uploadEvidence. */
export function currentEvidenceUploadLimit(): TUploadLimit {
  return evidenceUploadLimit(evidenceMaxBytes());
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

/** What the bytes are, from their first bytes. The declared type and the file name are not trusted. */
export function sniffContentType(bytes: Uint8Array): TEvidenceContentType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  return null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function pathOf(storageKey: string): string {
  if (!STORAGE_KEY.test(storageKey)) throw new Error(`Not an evidence storage key: ${JSON.stringify(storageKey)}`);
  const root = evidenceDir();
  const full = path.resolve(root, storageKey);
  // The pattern already rules out "..", separators and absolute keys; this is the second lock.
  if (!full.startsWith(root + path.sep)) throw new Error(`Evidence storage key escapes the folder: ${storageKey}`);
  return full;
}

/**
 * Stores the bytes under a new key and returns it. The bytes are written to a temporary name,
 * flushed and then renamed, so a key that exists always holds a complete file.
 */
export async function writeEvidenceBytes(bytes: Uint8Array, now = new Date()): Promise<string> {
  const storageKey = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${randomUUID()}`;
  const target = pathOf(storageKey);
  const temp = `${path.dirname(target)}/.${path.basename(target)}.tmp`;
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    // The rename itself must survive a power cut before the row that names the key commits.
    const dir = await open(path.dirname(target), "r");
    await dir.sync().finally(() => dir.close());
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return storageKey;
}

export async function readEvidenceBytes(storageKey: string): Promise<Uint8Array<ArrayBuffer>> {
  return readFile(pathOf(storageKey));
}

/** Removing a file that is already gone is not an error. */
export async function removeEvidenceBytes(storageKey: string): Promise<void> {
  await rm(pathOf(storageKey), { force: true });
}
