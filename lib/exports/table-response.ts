import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { csvResponse } from "@/lib/format/csv";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";
import { fenToYuanString } from "@/lib/money/money";
import { xlsxResponse, type TXlsxColumn, type TXlsxSheet } from "@/lib/xlsx/write-xlsx";

// One table definition serves both download formats: the .xlsx through the shared writer, and
// the CSV that existed before it. Columns carry their kind, so the CSV writes money in yuan and
// instants in Shanghai time exactly as the spreadsheet shows them.

export type TExportFormat = "xlsx" | "csv";

export function exportFormatOf(params: URLSearchParams): TExportFormat {
  return params.get("format") === "csv" ? "csv" : "xlsx";
}

function csvText<TRow>(column: TXlsxColumn<TRow>, row: TRow): string | number | null {
  const value = column.value(row);
  if (value === null || value === undefined || value === "") return null;
  switch (column.kind) {
    case "yuan":
      return fenToYuanString(Number(value));
    case "date":
      return value instanceof Date ? dateOnlyString(value) : String(value).slice(0, 10);
    case "datetime":
      return formatDateTime(value instanceof Date ? value : new Date(value));
    case "integer":
    case "percent":
      return Number(value);
    default:
      return String(value);
  }
}

/** The table's rows as CSV fields. */
export async function* csvRows<TRow>(sheet: TXlsxSheet<TRow>) {
  for await (const row of sheet.rows as AsyncIterable<TRow>) yield sheet.columns.map((c) => csvText(c, row));
}

export type TExportAudit = {
  /** What was exported, e.g. "archive", "ledger", "audit-trail-events", "batch-lines". */
  what: string;
  entityType: string;
  entityId?: string;
  /** The filters as the user chose them, and whether full ID / account numbers were requested. */
  detail: Record<string, unknown>;
};

/**
 * A download of one table as .xlsx or CSV. The export's start is audited by the domain generator
 * (who, filters, full numbers or masked); when the last row is out, a second row records how
 * many rows left the system. An export the client abandons has only its start recorded.
 */
export function tableResponse<TRow>(actor: TActor, format: TExportFormat, baseName: string, sheet: TXlsxSheet<TRow>, audit: TExportAudit): Response {
  const done = async (rows: number) => {
    await recordExportCompleted(scopedDb(actor), actor, format, audit, rows);
  };
  if (format === "xlsx") return xlsxResponse(`${baseName}.xlsx`, [sheet], (counts) => done(counts[0] ?? 0));
  let count = 0;
  async function* counted() {
    for await (const row of csvRows(sheet)) {
      count += 1;
      yield row;
    }
    await done(count);
  }
  return csvResponse(
    `${baseName}.csv`,
    sheet.columns.map((c) => c.header),
    counted(),
  );
}

/** export.completed: how many rows left the system, with what and the filters (direct and background exports alike). */
export function recordExportCompleted(
  db: Parameters<typeof recordAudit>[0],
  actor: TActor,
  format: TExportFormat,
  audit: TExportAudit,
  rows: number,
  extra: Record<string, unknown> = {},
) {
  return recordAudit(db, actor, {
    action: "export.completed",
    entityType: audit.entityType,
    entityId: audit.entityId,
    organisationId: actor.organisation.id,
    detail: { what: audit.what, format, rows, ...audit.detail, ...extra } as Prisma.InputJsonValue,
  });
}

/** "导出时间 2026-12-01 18:05（导出人 王静）", the last note line of every export. */
export function exportedByNote(actor: TActor, now = new Date()): string {
  return `导出时间 ${formatDateTime(now)}（导出人 ${actor.name}）`;
}
