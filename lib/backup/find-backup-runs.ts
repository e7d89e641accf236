import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { backupDir } from "@/lib/db/paths";
import { backupKeep } from "./run-backup";
import { backupTime, nextBackupAt } from "./schedule";

// The backup page (数据备份) for administrators: the runs, newest first, and how the daily job is
// set up. A backup holds the whole installation, so the list is the same for every administrator.

export type TBackupSettings = { embedded: false } | { embedded: true; enabled: boolean; folder: string; time: string; keep: number; nextAt: Date | null };

export function backupSettings(now = new Date()): TBackupSettings {
  // Set by `npm start` for the server it runs: only then is the database's folder on this machine.
  if (process.env.BANGFU_EMBEDDED_DB !== "1") return { embedded: false };
  const at = backupTime();
  const enabled = process.env.BANGFU_BACKUP_SCHEDULE !== "off";
  return {
    embedded: true,
    enabled,
    folder: backupDir(),
    time: `${String(at.hour).padStart(2, "0")}:${String(at.minute).padStart(2, "0")}`,
    keep: backupKeep(),
    nextAt: enabled ? nextBackupAt(now, at) : null,
  };
}

export async function findBackupRuns(actor: TActor, query: { page: number }) {
  assertRole(actor, "ADMIN");
  const db = scopedDb(actor);
  const [rows, total] = await Promise.all([
    db.backupRun.findMany({ orderBy: [{ startedAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
    db.backupRun.count(),
  ]);
  return toPage(rows, total, query.page);
}
