import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { todayInShanghai } from "@/lib/format/datetime";
import { findReport, REPORT_READERS } from "./find-report";
import { periodFrom, ZReportQuery, type TReportQuery } from "./period";

/** The page's and the download's one way in: search parameters → a checked period → the report. */
export async function loadReport(actor: TActor, params: Record<string, string | undefined>) {
  assertRole(actor, ...REPORT_READERS);
  const cleaned = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ZReportQuery.safeParse(cleaned);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "统计条件有误。", query: ZReportQuery.parse({}) } as const;
  const period = periodFrom(parsed.data, todayInShanghai());
  if ("error" in period) return { error: period.error, query: parsed.data } as const;
  const report = await findReport(actor, { organisationId: parsed.data.organisationId, period });
  return { report, query: parsed.data } as const;
}

/** The download of report tables, in the audit trail like every export. */
export async function recordReportExport(actor: TActor, input: { organisationId: string; query: TReportQuery; tables: string[]; rows: number[] }) {
  await recordAudit(scopedDb(actor), actor, {
    action: "report.export",
    entityType: "report",
    organisationId: input.organisationId,
    detail: { ...input.query, tables: input.tables, rows: input.rows },
  });
}
