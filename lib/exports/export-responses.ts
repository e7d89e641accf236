import "server-only";
// The direct downloads of the application: the export's definition (export-definitions.ts, shared
// with background exports) streamed as .xlsx (default) or CSV. Route handlers call one of these
// and nothing else; a refusal is thrown before any byte is sent.
import type { TActor } from "@/lib/auth/actor";
import type { ExportJobKind } from "@/lib/generated/prisma/enums";
import { prepareExport } from "./export-definitions";
import { exportFormatOf, tableResponse } from "./table-response";

export async function exportResponse(actor: TActor, kind: ExportJobKind, params: URLSearchParams): Promise<Response> {
  const { baseName, sheet, audit } = await (await prepareExport(actor, kind, params)).table();
  return tableResponse(actor, exportFormatOf(params), baseName, sheet, audit);
}

export const exportArchiveResponse = (actor: TActor, params: URLSearchParams) => exportResponse(actor, "ARCHIVE", params);

export const exportLedgerResponse = (actor: TActor, params: URLSearchParams) => exportResponse(actor, "LEDGER", params);

/** 操作记录 or 登录记录, as the page's tab says. */
export const exportAuditTrailResponse = (actor: TActor, params: URLSearchParams) =>
  exportResponse(actor, params.get("tab") === "signins" ? "AUDIT_SIGNINS" : "AUDIT_EVENTS", params);

export function exportBatchLinesResponse(actor: TActor, batchId: string, params: URLSearchParams): Promise<Response> {
  const withBatch = new URLSearchParams(params);
  withBatch.set("batch", batchId);
  return exportResponse(actor, "BATCH_LINES", withBatch);
}
