import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { canCancelExport, canDownloadExport, exportDisplayStatus } from "./rules";

/**
 * 我的导出: the actor's own exports, newest first, a page at a time. Read from the primary, not
 * the replica: the page refreshes every two seconds to show progress the worker just wrote.
 */
export async function findMyExports(actor: TActor, page: number) {
  const db = scopedDb(actor);
  const where = { requestedById: actor.userId };
  const now = new Date();
  const [rows, total] = await Promise.all([
    db.exportJob.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
    db.exportJob.count({ where }),
  ]);
  return toPage(
    rows.map((job) => ({
      id: job.id,
      kind: job.kind,
      format: job.format,
      summary: job.summary,
      fullNumbers: job.fullNumbers,
      status: exportDisplayStatus(job, now),
      rowsDone: job.rowsDone,
      rowsTotal: job.rowsTotal,
      error: job.error,
      fileName: job.fileName,
      sizeBytes: job.sizeBytes === null ? null : Number(job.sizeBytes),
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      expiresAt: job.expiresAt,
      canCancel: canCancelExport(job),
      canDownload: canDownloadExport(job, now),
    })),
    total,
    page,
  );
}
