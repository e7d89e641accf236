import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import type { ExportJobStatus } from "@/lib/generated/prisma/enums";

// What may be done with a background export, asked by the page and enforced by the domain
// functions (the WHERE of their updates says the same). No server code: the page imports it.

/** Queued or running exports per person; the database enforces it (trigger export_job_limit_active, 0024). */
export const EXPORT_ACTIVE_LIMIT = 3;

/**
 * A finished file is kept 7 days, then deleted (at the worker's start and by its daily clean-up).
 * An export holds names, ID and account numbers: it should not outlive the work it was made for,
 * and a week covers a report prepared over a working week; a later need is a new export.
 */
export const EXPORT_RETENTION_DAYS = 7;

/** Progress is written, and cancellation checked, every this many rows. */
export const EXPORT_PROGRESS_EVERY = 5000;

type TJobState = { status: ExportJobStatus; expiresAt: Date | null };

/** The status to show: a finished file past its expiry is 已过期 even before the clean-up has run. */
export function exportDisplayStatus(job: TJobState, now = new Date()): ExportJobStatus {
  return job.status === "SUCCEEDED" && job.expiresAt && job.expiresAt <= now ? "EXPIRED" : job.status;
}

export const isExportActive = (job: Pick<TJobState, "status">) => job.status === "QUEUED" || job.status === "RUNNING";

export const canCancelExport = isExportActive;

export const canDownloadExport = (job: TJobState, now = new Date()) => exportDisplayStatus(job, now) === "SUCCEEDED";

/** Full ID and account numbers in an export are for auditors (export-definitions.ts wantsFull). */
export const mayExportFull = (actor: Pick<TActor, "roles">): TAllowed =>
  roleAllows(actor, ["AUDITOR"]).ok ? { ok: true } : { ok: false, reason: "只有审计人员可以导出完整身份号码或银行账号。", code: "FORBIDDEN" };

/** The ledger export (台账) is an auditor's. */
export const mayExportLedger = (actor: Pick<TActor, "roles">): TAllowed =>
  roleAllows(actor, ["AUDITOR"]).ok ? { ok: true } : { ok: false, reason: "您没有权限导出台账。", code: "FORBIDDEN" };

/** The audit log export is an auditor's (administrators read the log but do not take it away). */
export const mayExportAuditLog = (actor: Pick<TActor, "roles">): TAllowed =>
  roleAllows(actor, ["AUDITOR"]).ok ? { ok: true } : { ok: false, reason: "您没有权限导出审计日志。", code: "FORBIDDEN" };
