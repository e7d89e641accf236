import path from "node:path";
import { fileURLToPath } from "node:url";

// From import.meta.url: Turbopack leaves import.meta.dirname undefined in server bundles.
export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Local state (BANGFU_DATA_DIR, default `.bangfu` in the project): the embedded database
 * (`pgdata`), generated secrets (`secrets.json`), uploaded evidence (`evidence`) and backups
 * (`backups`) and background exports (`exports`). Git-ignored. Copying this folder while Bangfu is stopped moves a Bangfu; a backup
 * archive (`npm run db:backup`) does the same while it runs.
 */
// turbopackIgnore: a folder chosen at run time, not a file the build should trace.
export const STATE_DIR = path.resolve(/*turbopackIgnore: true*/ process.env.BANGFU_DATA_DIR || path.join(PROJECT_DIR, ".bangfu"));

/** Where the embedded PostgreSQL keeps its cluster (as root it may be a link; see embedded.ts). */
export const PGDATA_DIR = path.join(STATE_DIR, "pgdata");

/** Backups made by `npm run db:backup` and the daily job; BANGFU_BACKUP_DIR moves them. */
export function backupDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.BANGFU_BACKUP_DIR || path.join(STATE_DIR, "backups"));
}

/** Uploaded evidence (EVIDENCE_DIR, default `<data dir>/evidence`). Read on every call, so tests and deployments can point it elsewhere. */
export function evidenceDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.EVIDENCE_DIR || path.join(STATE_DIR, "evidence"));
}

/** Files written by background exports (EXPORT_DIR, default `<data dir>/exports`), deleted when they expire. Read on every call, like evidenceDir. */
export function exportDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.EXPORT_DIR || path.join(STATE_DIR, "exports"));
}
