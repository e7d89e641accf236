import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { todayInShanghai } from "@/lib/format/datetime";
import { findReport, REPORT_READERS } from "./find-report";
import { periodFrom, queryShowing, ZReportQuery, type TReportQuery } from "./period";

type TParams = Record<string, string | undefined>;
/** A message per form field (month, quarter, year, from, to, organisationId). */
export type TReportFieldErrors = Partial<Record<keyof TReportQuery, string>>;

const nonEmpty = (params: TParams) => Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ""));

/**
 * The page's and the download's one way in: search parameters → a checked period → the report.
 * A query that does not parse ("2026-Q5", an end before the start) does not take the report away:
 * the errors name their fields, `entered` keeps what was typed, and the report is the one the form
 * was showing (its `last` parameter), or this month's when there is none.
 */
export async function loadReport(actor: TActor, params: TParams) {
  assertRole(actor, ...REPORT_READERS);
  const entered = nonEmpty(params);
  const today = todayInShanghai();
  const parsed = ZReportQuery.safeParse(entered);
  let errors: TReportFieldErrors;
  if (parsed.success) {
    const period = periodFrom(parsed.data, today);
    if (!("error" in period)) {
      const report = await findReport(actor, { organisationId: parsed.data.organisationId, period });
      return { report, query: queryShowing(parsed.data, period), errors: null } as const;
    }
    errors = { to: period.error };
  } else {
    errors = {};
    for (const issue of parsed.error.issues) {
      const field = (issue.path[0] ?? "kind") as keyof TReportQuery;
      errors[field] ??= issue.message;
    }
  }
  const last = ZReportQuery.safeParse(nonEmpty(Object.fromEntries(new URLSearchParams(params.last ?? ""))));
  const lastPeriod = last.success ? periodFrom(last.data, today) : null;
  const [query, period] =
    last.success && lastPeriod && !("error" in lastPeriod) ? [last.data, lastPeriod] : [ZReportQuery.parse({}), periodFrom(ZReportQuery.parse({}), today)];
  if ("error" in period) throw new Error("the default report period is always valid");
  const report = await findReport(actor, { organisationId: query.organisationId, period });
  return { report, query: queryShowing(query, period), errors, entered } as const;
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
