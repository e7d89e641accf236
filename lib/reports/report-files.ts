import "server-only";
import type { CancelReason, FileLevel, HardshipCause, Tier, WorkerCategory } from "@/lib/generated/prisma/enums";
import { monthsOf } from "./period";
import { add, n, type TCount, type TReportOrg, type TReportScope } from "./report-scope";

// 档案情况: open files at the period's end by tier, level, category and cause; what came and went.

export type TFilesRow = TReportOrg & {
  open: number;
  byTier: TCount<Tier>;
  byLevel: TCount<FileLevel>;
  byCategory: TCount<WorkerCategory>;
  byCause: TCount<HardshipCause>;
  newFilings: number;
  reopened: number;
  exitResolved: number;
  exitCancelled: number;
  cancelByReason: TCount<CancelReason>;
  transferIn: number;
  transferOut: number;
};

/**
 * Open at the period's end, from whichever of two trigger-kept sums reads fewer days of changes:
 * today's open files less the changes after that day, or the open files at the end of the last
 * kept month before it (report_open_month, migration 0062) plus the changes since. Last year's
 * report reads one month's counts, not a year of changes.
 */
export const openFileRows = (s: TReportScope) =>
  s.db.$queryRaw<
    Array<{
      child: string;
      tier: Tier | null;
      file_level: FileLevel | null;
      worker_category: WorkerCategory | null;
      main_cause: HardshipCause | null;
      files: bigint;
    }>
  >`
    WITH kept AS (
      SELECT m.month, (m.month + interval '1 month')::date AS after FROM report_open_month_done m
       WHERE m.month + interval '1 month' <= ${s.to}::date + 1 ORDER BY m.month DESC LIMIT 1
    ), base AS (SELECT month, after FROM kept WHERE ${s.to}::date - after + 1 < ${s.today}::date - ${s.to}::date)
    SELECT ${s.child} AS child, x.tier::text AS tier, x.file_level::text AS file_level, x.worker_category::text AS worker_category,
           x.main_cause::text AS main_cause, sum(x.files)::bigint AS files
      FROM (SELECT organisation_id, tier, file_level, worker_category, main_cause, files FROM report_open_now WHERE NOT EXISTS (SELECT 1 FROM base)
            UNION ALL
            SELECT organisation_id, tier, file_level, worker_category, main_cause, -delta FROM report_open_delta
             WHERE NOT EXISTS (SELECT 1 FROM base) AND day > ${s.to}::date
            UNION ALL
            SELECT organisation_id, tier, file_level, worker_category, main_cause, files FROM report_open_month WHERE month = (SELECT month FROM base)
            UNION ALL
            SELECT organisation_id, tier, file_level, worker_category, main_cause, delta FROM report_open_delta
             WHERE day >= (SELECT after FROM base) AND day <= ${s.to}::date) x
      JOIN organisation o ON o.id = x.organisation_id
     WHERE ${s.inSubtree}
     GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.files) <> 0`;

/** Files that came, went, moved or were re-opened in the period, per child and kind (trigger-kept). */
export const fileEventRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; kind: string; detail: string; files: bigint }>>`
    SELECT ${s.child} AS child, e.kind, e.detail, sum(e.files)::bigint AS files
      FROM report_file_event e JOIN organisation o ON o.id = e.organisation_id
     WHERE ${s.inSubtree} AND e.day BETWEEN ${s.from}::date AND ${s.to}::date GROUP BY 1, 2, 3`;

/** New filings, exits and re-openings per month of the period, for the monthly table. */
export const monthlyEventRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ month: string; kind: string; files: bigint }>>`
    SELECT to_char(e.day, 'YYYY-MM') AS month, e.kind, sum(e.files)::bigint AS files
      FROM report_file_event e JOIN organisation o ON o.id = e.organisation_id
     WHERE ${s.inSubtree} AND e.day BETWEEN ${s.from}::date AND ${s.to}::date AND e.kind IN ('NEW', 'EXIT_RESOLVED', 'EXIT_CANCELLED', 'REOPENED')
     GROUP BY 1, 2`;

type TRows<F extends (s: TReportScope) => Promise<unknown>> = Awaited<ReturnType<F>>;

export function filesSection(
  s: TReportScope,
  rows: { open: TRows<typeof openFileRows>; events: TRows<typeof fileEventRows>; monthly: TRows<typeof monthlyEventRows> },
) {
  const { open: openRows, events: eventRows, monthly: monthlyRows } = rows;
  const files = new Map<string, TFilesRow>(
    s.orgs.map((o) => [
      o.key,
      {
        ...o,
        open: 0,
        byTier: {},
        byLevel: {},
        byCategory: {},
        byCause: {},
        newFilings: 0,
        reopened: 0,
        exitResolved: 0,
        exitCancelled: 0,
        cancelByReason: {},
        transferIn: 0,
        transferOut: 0,
      },
    ]),
  );
  for (const r of openRows) {
    const row = files.get(s.keyOf(r.child))!;
    const count = n(r.files);
    row.open += count;
    add(row.byTier, r.tier, count);
    add(row.byLevel, r.file_level, count);
    add(row.byCategory, r.worker_category, count);
    add(row.byCause, r.main_cause, count);
  }
  for (const r of eventRows) {
    const row = files.get(s.keyOf(r.child))!;
    const count = n(r.files);
    if (r.kind === "NEW") row.newFilings += count;
    if (r.kind === "REOPENED") row.reopened += count;
    if (r.kind === "EXIT_RESOLVED") row.exitResolved += count;
    if (r.kind === "EXIT_CANCELLED") {
      row.exitCancelled += count;
      add(row.cancelByReason, r.detail as CancelReason, count);
    }
    if (r.kind === "TRANSFER_IN") row.transferIn += count;
    if (r.kind === "TRANSFER_OUT") row.transferOut += count;
  }

  const months = monthsOf(s.period).map((month) => {
    const of = (kinds: string[]) => monthlyRows.filter((r) => r.month === month && kinds.includes(r.kind)).reduce((s, r) => s + n(r.files), 0);
    return { month, newFilings: of(["NEW"]), exited: of(["EXIT_RESOLVED", "EXIT_CANCELLED"]), reopened: of(["REOPENED"]) };
  });

  return { files: [...files.values()], months };
}
