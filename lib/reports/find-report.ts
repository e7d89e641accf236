import "server-only";
import type { TActor } from "@/lib/auth/actor";
import type { TPeriod } from "./period";
import { fileEventRows, filesSection, monthlyEventRows, openFileRows } from "./report-files";
import { distinctRows, ledgerSumRows, moneySection, observationRows } from "./report-money";
import { civilMissedRows, qualitySection } from "./report-quality";
import { reportScope, type TReportOrg } from "./report-scope";
import { approvalRows, measureRows, overdueRows, pairingRows, recheckRows, workSection } from "./report-work";

// 统计报表: every figure for one organisation's subtree and one period, with a row per child
// organisation (and one for the organisation's own files, 本级). The rows partition the subtree,
// so a column's total is the sum of its rows — except distinct households and students, where a
// household paid in two organisations counts once in the total (read separately).
//
// Reads go to the trigger-kept tables of migration 0010 where a plain query would scan a
// province's files (open files at a date, period events, ledger sums); what needs the rows
// themselves (distinct households, re-checks, measures, approvals) reads the period's rows through
// an index. Scope: every query is limited to the selected organisation's path, which is checked
// to lie inside the actor's scope first, and carries the actor's scope fragment ($orgInScope) too.
//
// One file per section (report-files, report-money, report-work, report-quality): its statements
// and how their rows become the section's table. This one runs the statements the asked sections
// need at once and puts the report together.

export { REPORT_READERS } from "./report-scope";
export type { TFilesRow } from "./report-files";
export type { TMoneyFigures, TMoneyRow } from "./report-money";
export type { TWorkRow } from "./report-work";
export type { TQualityRow } from "./report-quality";

export const REPORT_GROUPS = ["files", "money", "work", "quality"] as const;
export type TReportGroup = (typeof REPORT_GROUPS)[number];

/**
 * The report of one organisation's subtree for a period. `groups` limits the reads to those the
 * named sections need (the benchmark times each section; the page asks for all).
 */
export async function findReport(actor: TActor, input: { organisationId?: string; period: TPeriod; groups?: readonly TReportGroup[] }) {
  const s = await reportScope(actor, input);
  const want = (...groups: TReportGroup[]) => !input.groups || groups.some((g) => input.groups!.includes(g));
  const none = async () => [];
  const [open, events, monthly, ledger, distinct, observation, pairing, rechecks, overdue, measures, approvals, civilMissed] = await Promise.all([
    want("files") ? openFileRows(s) : none(),
    want("files", "quality") ? fileEventRows(s) : none(),
    want("files") ? monthlyEventRows(s) : none(),
    want("money") ? ledgerSumRows(s) : none(),
    want("money") ? distinctRows(s) : none(),
    want("money") ? observationRows(s) : none(),
    want("work") ? pairingRows(s) : none(),
    want("work", "quality") ? recheckRows(s) : none(),
    want("work") ? overdueRows(s) : none(),
    want("work") ? measureRows(s) : none(),
    want("work", "quality") ? approvalRows(s) : none(),
    want("work", "quality") ? civilMissedRows(s) : none(),
  ]);
  const { files, months } = filesSection(s, { open, events, monthly });
  const money = moneySection(s, { ledger, distinct, observation });
  const work = workSection(s, { pairing, rechecks, overdue, measures, approvals });
  const quality = qualitySection(s, { rechecks, approvals, civilMissed, events });

  // The organisation's own row is shown only when it has figures of its own.
  const keep = <T extends TReportOrg>(rows: T[], has: (row: T) => boolean) => rows.filter((r) => r.key !== "self" || has(r));
  return {
    organisation: { id: s.organisation.id, name: s.organisation.name, parentId: s.up },
    period: input.period,
    files: keep(files, (r) => r.open + r.newFilings + r.reopened + r.exitResolved + r.exitCancelled + r.transferIn + r.transferOut > 0),
    money: { ...money, rows: keep(money.rows, (r) => r.times !== 0 || r.amountFen !== 0) },
    work: { ...work, rows: keep(work.rows, (r) => r.openNow + r.rechecks + r.overdue + r.measures + r.approvals > 0) },
    quality: keep(quality, (r) => r.rechecks + r.exitsResolved + r.approvals > 0),
    months,
  };
}

export type TReport = Awaited<ReturnType<typeof findReport>>;
