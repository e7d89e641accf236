import "server-only";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { attachmentDisposition } from "@/lib/format/csv";
import { canDownloadExport, exportDisplayStatus } from "./rules";
import { exportFilePaths } from "./export-files";

const CONTENT_TYPES: Record<string, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

/**
 * The finished file of one of the actor's own exports, as a download response, recorded as
 * export.downloaded. Anyone else's export is not found (NotFoundError); an unfinished or expired
 * one is refused with the reason.
 */
export async function openExportDownload(actor: TActor, jobId: string): Promise<Response> {
  if (!isUuid(jobId)) throw new NotFoundError("导出记录不存在。");
  const db = scopedDb(actor);
  const job = await db.exportJob.findFirst({ where: { id: jobId, requestedById: actor.userId } });
  if (!job) throw new NotFoundError("导出记录不存在。");
  if (!canDownloadExport(job)) {
    throw new DomainError(exportDisplayStatus(job) === "EXPIRED" ? "导出文件已过期并已删除，请重新导出。" : "该导出尚未完成，暂时不能下载。", "NOT_READY");
  }
  const file = await open(exportFilePaths(job).final).catch(() => null);
  if (!file) throw new DomainError("导出文件已不存在，请重新导出。", "FILE_MISSING");
  await recordAudit(db, actor, {
    action: "export.downloaded",
    entityType: "export_job",
    entityId: job.id,
    organisationId: actor.organisation.id,
    detail: { kind: job.kind, format: job.format, rows: job.rowsDone, fullNumbers: job.fullNumbers },
  });
  const body = Readable.toWeb(file.createReadStream()) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPES[job.format] ?? "application/octet-stream",
      "Content-Length": String(job.sizeBytes),
      "Content-Disposition": attachmentDisposition(job.fileName!),
      "Cache-Control": "no-store",
    },
  });
}
