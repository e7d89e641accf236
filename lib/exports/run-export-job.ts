import "server-only";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { pgClient } from "@/lib/db/pg";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { exportDir } from "@/lib/db/paths";
import { DomainError } from "@/lib/errors/domain-error";
import { csvChunks } from "@/lib/format/csv";
import type { ExportJob } from "@/lib/generated/prisma/client";
import { writeXlsx } from "@/lib/xlsx/write-xlsx";
import { prepareExport } from "./export-definitions";
import { exportFilePaths, exportLockKey } from "./export-files";
import { EXPORT_PROGRESS_EVERY, EXPORT_RETENTION_DAYS } from "./rules";
import { csvRows, recordExportCompleted, type TExportFormat } from "./table-response";

// The background export's run, in the jobs process (lib/exports/export-worker.ts). The job is
// found by id before there is any actor, so it uses the unscoped client for its own row; the rows
// exported are read as the requester, rebuilt from the database, through the same definition and
// the same scoped reads as the direct download.
//
// Who runs a job holds a session advisory lock on it for the whole run, on a connection of its
// own: when the process dies, PostgreSQL drops the connection and the lock with it, which is how
// the next worker start tells a job left RUNNING by a dead worker (failInterruptedExports) from one
// another instance is still writing.

/** Thrown at a progress point when the job is no longer RUNNING (cancelled by its requester). */
class ExportStopped extends Error {}

export type TExportRunOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "NOT_QUEUED";

const GENERIC_FAILURE = "导出过程中出现错误，请重新导出。如多次出现请联系管理员。";

/** The requester as the domain functions see them, as of now: a disabled account runs nothing. */
async function requesterActor(userId: string): Promise<TActor> {
  const user = await prisma.user.findUnique({ where: { id: userId }, include: { organisation: true } });
  if (!user?.active) throw new DomainError("申请导出的账户已停用，导出未执行。", "REQUESTER_INACTIVE");
  const { organisation } = user;
  return {
    userId: user.id,
    sessionId: null,
    username: user.username,
    name: user.name,
    roles: user.roles,
    ip: null,
    organisation: { id: organisation.id, name: organisation.name, path: organisation.path, depth: organisation.depth },
  };
}

/**
 * Runs one queued export: claims it (UPDATE … WHERE status = 'QUEUED' RETURNING, so of two
 * workers given the same job one runs it and the other gets NOT_QUEUED), re-checks the request as
 * its requester now is (still active, still holding the role; otherwise FAILED with the reason),
 * counts the rows, writes the file with the streaming writer, and records progress every
 * EXPORT_PROGRESS_EVERY rows — where a cancellation is noticed and the run stops. On success the
 * file is renamed into place and the job, its expiry and the export.completed audit row are
 * written in one transaction; on any failure the partial file is removed.
 * `onProgress` is told each progress point after it was recorded (tests watch the run with it).
 */
export async function runExportJob(jobId: string, options: { onProgress?: (rowsDone: number) => Promise<void> | void } = {}): Promise<TExportRunOutcome> {
  const lock = pgClient({ connectionString: process.env.DATABASE_URL, application_name: "bangfu-export" });
  await lock.connect();
  try {
    const {
      rows: [taken],
    } = await lock.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS held", [exportLockKey(jobId)]);
    if (!taken?.held) return "NOT_QUEUED";
    const [job] = await prisma.exportJob.updateManyAndReturn({ where: { id: jobId, status: "QUEUED" }, data: { status: "RUNNING", startedAt: new Date() } });
    if (!job) return "NOT_QUEUED";
    return await run(job, options.onProgress);
  } finally {
    // Ending the session releases the lock.
    await lock.end().catch(() => {});
  }
}

async function run(job: ExportJob, onProgress?: (rowsDone: number) => Promise<void> | void): Promise<TExportRunOutcome> {
  const files = exportFilePaths(job);
  const format = job.format as TExportFormat;
  /** Records progress while the job is still RUNNING; stops the run otherwise. */
  const record = async (data: { rowsDone?: number; rowsTotal?: number }) => {
    const { count } = await prisma.exportJob.updateMany({ where: { id: job.id, status: "RUNNING" }, data });
    if (count === 0) throw new ExportStopped();
  };
  let output: WriteStream | undefined;
  try {
    const actor = await requesterActor(job.requestedById);
    const params = new URLSearchParams(job.params as Record<string, string>);
    if (job.fullNumbers) params.set("full", "1");
    const prepared = await prepareExport(actor, job.kind, params);
    await record({ rowsTotal: await prepared.count() });
    const table = await prepared.table();

    let rowsDone = 0;
    async function* tracked(rows: Iterable<unknown> | AsyncIterable<unknown>) {
      for await (const row of rows) {
        yield row;
        rowsDone += 1;
        if (rowsDone % EXPORT_PROGRESS_EVERY === 0) {
          await record({ rowsDone });
          await onProgress?.(rowsDone);
        }
      }
    }
    const sheet = { ...table.sheet, rows: tracked(table.sheet.rows) };
    await mkdir(exportDir(), { recursive: true });
    output = createWriteStream(files.partial, { flags: "w", mode: 0o600 });
    if (format === "xlsx") {
      // The workbook writer ends the stream when it commits; `finished` waits for the bytes on disk.
      await writeXlsx(output, [sheet]);
      await finished(output);
    } else {
      await pipeline(
        Readable.from(
          csvChunks(
            sheet.columns.map((c) => c.header),
            csvRows(sheet),
          ),
        ),
        output,
      );
    }
    const { size } = await stat(files.partial);
    await rename(files.partial, files.final);

    const finishedAt = new Date();
    const succeeded = await prisma.$transaction(async (tx) => {
      const { count } = await tx.exportJob.updateMany({
        where: { id: job.id, status: "RUNNING" },
        data: {
          status: "SUCCEEDED",
          rowsDone,
          rowsTotal: rowsDone,
          fileName: `${table.baseName}.${format}`,
          fileKey: files.key,
          sizeBytes: size,
          finishedAt,
          expiresAt: new Date(finishedAt.getTime() + EXPORT_RETENTION_DAYS * 86_400_000),
        },
      });
      if (count === 0) return false;
      await recordExportCompleted(tx, actor, format, table.audit, rowsDone, { background: true, jobId: job.id });
      return true;
    });
    if (!succeeded) {
      // Cancelled after the last progress point: the file is not kept.
      await rm(files.final, { force: true });
      return "CANCELLED";
    }
    return "SUCCEEDED";
  } catch (error) {
    // The writer may still flush into the closed file; those errors are this failure's, not new ones.
    output?.on("error", () => {}).destroy();
    await Promise.all([rm(files.partial, { force: true }), rm(files.final, { force: true })]);
    if (error instanceof ExportStopped) return "CANCELLED";
    if (!(error instanceof DomainError)) console.error("后台导出失败", job.id, error);
    const { count } = await prisma.exportJob.updateMany({
      where: { id: job.id, status: "RUNNING" },
      data: { status: "FAILED", error: error instanceof DomainError ? error.message : GENERIC_FAILURE, finishedAt: new Date() },
    });
    return count === 0 ? "CANCELLED" : "FAILED";
  }
}
