import type { TActor } from "@/lib/auth/actor";

/** File names are stored cut to this many characters (the columns are text; a longer name only says less). */
export const STORED_FILE_NAME_MAX = 200;

/**
 * The columns an uploaded workbook is stored with, the same for the household import
 * (household_import) and the civil-affairs roster (civil_roster_run): who uploaded it for which
 * organisation, its name cut to 200 characters, its size, its SHA-256 (by which the same file is
 * recognised when it comes again) and its bytes. The tables differ; each adds its own columns.
 */
export function storedUploadFields(actor: TActor, fileName: string, bytes: Buffer, sha256: string) {
  return {
    organisationId: actor.organisation.id,
    createdById: actor.userId,
    fileName: fileName.slice(0, STORED_FILE_NAME_MAX),
    sizeBytes: bytes.length,
    sha256,
    workbook: new Uint8Array(bytes),
  };
}
