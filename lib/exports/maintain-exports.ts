import "server-only";
import { rm } from "node:fs/promises";
import { pgClient } from "@/lib/db/pg";
import { prisma } from "@/lib/db/client";
import { exportFilePaths, exportLockKey } from "./export-files";

// The export worker's housekeeping, for every user's jobs (infrastructure, unscoped client): jobs a
// dead worker left RUNNING, files past their expiry, and queued jobs whose wake-up was missed.

export const INTERRUPTED_MESSAGE = "导出中断，请重新导出。";

/**
 * Fails the RUNNING jobs nobody is running: a running job's worker holds its advisory lock on a
 * connection of its own, so a lock that can be taken belongs to a worker that died (its
 * connection went with it). Jobs another live instance is writing keep running. Their partial
 * files are removed. Returns how many were failed.
 */
export async function failInterruptedExports(): Promise<number> {
  const running = await prisma.exportJob.findMany({ where: { status: "RUNNING" }, select: { id: true, format: true } });
  if (running.length === 0) return 0;
  const lock = pgClient({ connectionString: process.env.DATABASE_URL, application_name: "bangfu-export-recovery" });
  await lock.connect();
  let failed = 0;
  try {
    for (const job of running) {
      const {
        rows: [taken],
      } = await lock.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS held", [exportLockKey(job.id)]);
      if (!taken?.held) continue;
      try {
        const { count } = await prisma.exportJob.updateMany({
          where: { id: job.id, status: "RUNNING" },
          data: { status: "FAILED", error: INTERRUPTED_MESSAGE, finishedAt: new Date() },
        });
        failed += count;
        const files = exportFilePaths(job);
        await Promise.all([rm(files.partial, { force: true }), rm(files.final, { force: true })]);
      } finally {
        await lock.query("SELECT pg_advisory_unlock(hashtext($1))", [exportLockKey(job.id)]);
      }
    }
  } finally {
    await lock.end().catch(() => {});
  }
  return failed;
}

/** Deletes the files of finished exports past their expiry and marks the jobs 已过期. Returns how many. */
export async function expireExportFiles(now = new Date()): Promise<number> {
  const due = await prisma.exportJob.findMany({ where: { status: "SUCCEEDED", expiresAt: { lte: now } }, select: { id: true, format: true } });
  for (const job of due) {
    await rm(exportFilePaths(job).final, { force: true });
    await prisma.exportJob.updateMany({ where: { id: job.id, status: "SUCCEEDED" }, data: { status: "EXPIRED" } });
  }
  return due.length;
}

/** Queued jobs, oldest first: the worker's sweep sends each to the queue (a repeat is ignored). */
export async function queuedExportIds(): Promise<string[]> {
  const rows = await prisma.exportJob.findMany({ where: { status: "QUEUED" }, orderBy: { createdAt: "asc" }, select: { id: true }, take: 500 });
  return rows.map((r) => r.id);
}
