import "server-only";
import type { RecheckFinding } from "@/lib/generated/prisma/enums";
import { n, type TReportOrg, type TReportScope } from "./report-scope";

// 工作情况: pairing, re-checks on time and late, overdue files, plan measures and approvals.

export type TWorkRow = TReportOrg & {
  openNow: number;
  paired: number;
  rechecks: number;
  onTime: number;
  late: number;
  overdue: number;
  measures: number;
  measuresActive: number;
  resolved: number;
  approvals: number;
  avgApprovalDays: number | null;
};

/** Open files now and those with a paired cadre (帮扶责任人), per child. */
export const pairingRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; open: bigint; paired: bigint }>>`
    SELECT ${s.child} AS child, sum(n.files)::bigint AS open, coalesce(sum(n.files) FILTER (WHERE n.paired), 0)::bigint AS paired
      FROM report_open_now n JOIN organisation o ON o.id = n.organisation_id
     WHERE ${s.inSubtree} GROUP BY 1`;

/** Re-checks in the period per child and finding, and how many were on time. */
export const recheckRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; finding: RecheckFinding; checks: bigint; on_time: bigint }>>`
    SELECT ${s.child} AS child, r.finding::text AS finding, count(*)::bigint AS checks,
           count(*) FILTER (WHERE r.due_date IS NULL OR r.check_date <= r.due_date)::bigint AS on_time
      FROM recheck r JOIN household_file f ON f.id = r.file_id JOIN organisation o ON o.id = f.organisation_id
     WHERE ${s.inSubtree} AND r.check_date BETWEEN ${s.from}::date AND ${s.to}::date GROUP BY 1, 2`;

/**
 * Overdue: open files whose re-check date passed before the period's end (or today, if sooner).
 * From today's open files per organisation and due date (report_recheck_due, trigger-kept by
 * migration 0049): a province's 110,000 overdue files are a few thousand rows there.
 */
export const overdueRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; files: bigint }>>`
    SELECT ${s.child} AS child, sum(d.files)::bigint AS files
      FROM report_recheck_due d JOIN organisation o ON o.id = d.organisation_id
     WHERE ${s.inSubtree} AND d.due < least(${s.to}::date, ${s.today}::date) GROUP BY 1 HAVING sum(d.files) <> 0`;

/** Measures of the plans made in the period (cancelled ones left out), started and done. */
export const measureRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; measures: bigint; active: bigint; resolved: bigint }>>`
    SELECT ${s.child} AS child, count(*)::bigint AS measures,
           count(*) FILTER (WHERE m.status IN ('IN_PROGRESS', 'DONE'))::bigint AS active,
           count(*) FILTER (WHERE m.status = 'DONE')::bigint AS resolved
      FROM plan_measure m JOIN household_file f ON f.id = m.file_id JOIN organisation o ON o.id = f.organisation_id
     WHERE ${s.inSubtree} AND m.created_at >= (${s.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND m.created_at < ((${s.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AND m.status <> 'CANCELLED'
     GROUP BY 1`;

/** Approvals in the period: days since the submission that led to them, and whether the filing had been returned (退回) in the same episode before (the fact behind 漏评); per day and the file's current organisation, kept by the triggers of migration 0018. */
export const approvalRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; approvals: bigint; days: number | null; after_return: bigint }>>`
    SELECT ${s.child} AS child, sum(a.approvals)::bigint AS approvals,
           (sum(a.days_sum) / nullif(sum(a.timed), 0))::float8 AS days, sum(a.after_return)::bigint AS after_return
      FROM report_approval_daily a JOIN organisation o ON o.id = a.organisation_id
     WHERE ${s.inSubtree} AND a.day BETWEEN ${s.from}::date AND ${s.to}::date
     GROUP BY 1 HAVING sum(a.approvals) <> 0`;

type TRows<F extends (s: TReportScope) => Promise<unknown>> = Awaited<ReturnType<F>>;

export function workSection(
  s: TReportScope,
  rows: {
    pairing: TRows<typeof pairingRows>;
    rechecks: TRows<typeof recheckRows>;
    overdue: TRows<typeof overdueRows>;
    measures: TRows<typeof measureRows>;
    approvals: TRows<typeof approvalRows>;
  },
) {
  const work = new Map<string, TWorkRow>(
    s.orgs.map((o) => [
      o.key,
      {
        ...o,
        openNow: 0,
        paired: 0,
        rechecks: 0,
        onTime: 0,
        late: 0,
        overdue: 0,
        measures: 0,
        measuresActive: 0,
        resolved: 0,
        approvals: 0,
        avgApprovalDays: null,
      },
    ]),
  );
  for (const r of rows.pairing) {
    const row = work.get(s.keyOf(r.child))!;
    row.openNow += n(r.open);
    row.paired += n(r.paired);
  }
  for (const r of rows.rechecks) {
    const row = work.get(s.keyOf(r.child))!;
    row.rechecks += n(r.checks);
    row.onTime += n(r.on_time);
    row.late += n(r.checks) - n(r.on_time);
  }
  for (const r of rows.overdue) work.get(s.keyOf(r.child))!.overdue += n(r.files);
  for (const r of rows.measures) {
    const row = work.get(s.keyOf(r.child))!;
    row.measures += n(r.measures);
    row.measuresActive += n(r.active);
    row.resolved += n(r.resolved);
  }
  let approvalDays = 0;
  let approvalsWithDays = 0;
  for (const r of rows.approvals) {
    const row = work.get(s.keyOf(r.child))!;
    row.approvals += n(r.approvals);
    if (r.days !== null) {
      row.avgApprovalDays = Number(r.days);
      approvalDays += Number(r.days) * n(r.approvals);
      approvalsWithDays += n(r.approvals);
    }
  }
  return { rows: [...work.values()], avgApprovalDays: approvalsWithDays ? approvalDays / approvalsWithDays : null };
}
