import "server-only";
import type { RecheckFinding } from "@/lib/generated/prisma/enums";
import type { fileEventRows } from "./report-files";
import { add, n, type TCount, type TReportOrg, type TReportScope } from "./report-scope";
import type { approvalRows, recheckRows } from "./report-work";

// 工作质量: re-check findings, exits and re-openings in observation, approvals after a return (退回)
// or found by the civil-affairs comparison (漏评). Reads the rows of the other sections it shares.

export type TQualityRow = TReportOrg & {
  rechecks: number;
  findings: TCount<RecheckFinding>;
  exitsResolved: number;
  reopenedInObservation: number;
  approvals: number;
  approvalsAfterReturn: number;
};

/** 漏评 found by the civil-affairs comparison (docs/decisions/010-civil-affairs-comparison.md): approvals in the period, not already counted as returned before, of which a member had been a union member in no file in a comparison run before the approval (not dismissed as 不属实). Read from the few 漏评 candidates towards their files' approvals, not from every approval. */
export const civilMissedRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; found: bigint }>>`
    SELECT ${s.child} AS child, count(DISTINCT a.id)::bigint AS found
      FROM civil_comparison_result c
      JOIN civil_roster_run run ON run.id = c.run_id
      JOIN file_person p ON p.resident_id = c.resident_id
      JOIN filing_event a ON a.file_id = p.file_id AND a.kind = 'APPROVED' AND a.at > run.created_at
      JOIN household_file f ON f.id = a.file_id JOIN organisation o ON o.id = f.organisation_id
     WHERE ${s.inSubtree} AND c.reason = 'MISSED_FILING' AND c.status <> 'DISMISSED'
       ${s.db.$scopeDeclared("c run", "a comparison run by any union may have found the household: only whether it did is read, to count this subtree's approvals")}
       AND a.at >= (${s.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND a.at < ((${s.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND NOT EXISTS (SELECT 1 FROM filing_event x WHERE x.file_id = a.file_id AND x.episode = a.episode AND x.kind = 'REJECTED' AND x.id < a.id)
     GROUP BY 1`;

type TRows<F extends (s: TReportScope) => Promise<unknown>> = Awaited<ReturnType<F>>;

export function qualitySection(
  s: TReportScope,
  rows: {
    rechecks: TRows<typeof recheckRows>;
    approvals: TRows<typeof approvalRows>;
    civilMissed: TRows<typeof civilMissedRows>;
    events: TRows<typeof fileEventRows>;
  },
) {
  const quality = new Map<string, TQualityRow>(
    s.orgs.map((o) => [o.key, { ...o, rechecks: 0, findings: {}, exitsResolved: 0, reopenedInObservation: 0, approvals: 0, approvalsAfterReturn: 0 }]),
  );
  for (const r of rows.rechecks) {
    const q = quality.get(s.keyOf(r.child))!;
    q.rechecks += n(r.checks);
    add(q.findings, r.finding, n(r.checks));
  }
  for (const r of rows.approvals) {
    const q = quality.get(s.keyOf(r.child))!;
    q.approvals += n(r.approvals);
    q.approvalsAfterReturn += n(r.after_return);
  }
  for (const r of rows.civilMissed) quality.get(s.keyOf(r.child))!.approvalsAfterReturn += n(r.found);
  for (const r of rows.events) {
    const q = quality.get(s.keyOf(r.child))!;
    if (r.kind === "EXIT_RESOLVED") q.exitsResolved += n(r.files);
    if (r.kind === "REOPENED_IN_OBSERVATION") q.reopenedInObservation += n(r.files);
  }
  return [...quality.values()];
}
