import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedReadDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AidType, CancelReason, FileLevel, FundSource, HardshipCause, RecheckFinding, Tier, WorkerCategory } from "@/lib/generated/prisma/enums";
import { calendarPeriodOf, monthsOf, type TPeriod } from "./period";

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

export const REPORT_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

type TCount<K extends string> = Partial<Record<K, number>>;

export type TReportOrg = { key: string; organisationId: string; name: string; drillDown: boolean };

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

export type TMoneyFigures = { amountFen: number; times: number; households: number; persons: number; students: number };
export type TMoneyRow = TReportOrg & TMoneyFigures & { observationFen: number; observationTimes: number };

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

export type TQualityRow = TReportOrg & {
  rechecks: number;
  findings: TCount<RecheckFinding>;
  exitsResolved: number;
  reopenedInObservation: number;
  approvals: number;
  approvalsAfterReturn: number;
};

const n = (value: bigint | number | null | undefined) => Number(value ?? 0);

function add<K extends string>(counts: TCount<K>, key: K | null, value: number) {
  if (key === null) return;
  counts[key] = (counts[key] ?? 0) + value;
}

export const REPORT_GROUPS = ["files", "money", "work", "quality"] as const;
export type TReportGroup = (typeof REPORT_GROUPS)[number];

/**
 * The report of one organisation's subtree for a period. `groups` limits the reads to those the
 * named sections need (the benchmark times each section; the page asks for all).
 */
export async function findReport(actor: TActor, input: { organisationId?: string; period: TPeriod; groups?: readonly TReportGroup[] }) {
  assertRole(actor, ...REPORT_READERS);
  const db = await scopedReadDb(actor);
  const organisation = await db.organisation.findUnique({
    where: { id: input.organisationId ?? actor.organisation.id },
    select: { id: true, name: true, path: true, parentId: true, children: { select: { id: true, name: true }, orderBy: { code: "asc" } } },
  });
  if (!organisation) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
  const { from, to } = input.period;
  const today = todayInShanghai();
  const path = organisation.path;
  const prefix = path.length;
  const orgs: TReportOrg[] = [
    { key: "self", organisationId: organisation.id, name: `${organisation.name}（本级）`, drillDown: false },
    ...organisation.children.map((c) => ({ key: c.id, organisationId: c.id, name: c.name, drillDown: true })),
  ];
  const up = organisation.id === actor.organisation.id || !organisation.parentId ? null : organisation.parentId;

  // The subtree with the child each organisation belongs to ('self' for the selected one).
  const sub = (pathColumn: Prisma.Sql) => Prisma.sql`coalesce(nullif(split_part(substr(${pathColumn}, ${prefix + 1}::int), '/', 1), ''), 'self')`;
  // The selected organisation's subtree (index-friendly prefix match on organisation.path) and,
  // although that organisation was found through the scope, the actor's scope itself as well.
  const inSubtree = Prisma.sql`o.path LIKE ${`${path}%`} AND ${db.$orgInScope(Prisma.sql`o.id`)}`;
  const child = sub(Prisma.sql`o.path`);
  const calendar = calendarPeriodOf(input.period);
  const want = (...groups: TReportGroup[]) => !input.groups || groups.some((g) => input.groups!.includes(g));
  const none = async () => [];
  type TDistinctRow = { grouping: number; child: string | null; aid_type: AidType | null; fund_source: FundSource | null; households: bigint; persons: bigint; students: bigint };
  const subtreeOrgs = Prisma.sql`SELECT id, ${child} AS child FROM organisation o WHERE ${inSubtree}`;
  // A calendar month, quarter or year: the per-organisation counts kept by migration 0018, summed
  // over the row's organisations, and the few files (students) paid by more than one organisation
  // read apart — counted once per row with their net across it, in place of once per organisation.
  const distinctFromCounts = ({ kind, start }: { kind: string; start: string }) => db.$queryRaw<TDistinctRow[]>`
    WITH sub AS MATERIALIZED (${subtreeOrgs}),
    own AS MATERIALIZED (
      SELECT s.child, c.dim, c.key, sum(c.households)::bigint AS households, sum(c.persons)::bigint AS persons
        FROM report_ledger_count c JOIN sub s ON s.id = c.organisation_id
       WHERE c.period_kind = ${kind} AND c.period_start = ${start}::date GROUP BY 1, 2, 3
    ), mf AS MATERIALIZED (
      SELECT s.child, p.file_id, p.times, p.by_type, p.by_fund, coalesce(f.household_size, 0)::bigint AS size
        FROM report_ledger_file m
        JOIN report_ledger_file_period p ON p.file_id = m.file_id AND p.period_kind = ${kind} AND p.period_start = ${start}::date
        JOIN sub s ON s.id = p.organisation_id JOIN household_file f ON f.id = m.file_id
       WHERE m.multi
    ), fix AS (
      SELECT 0 AS grouping, child, NULL::text AS key, (sum(times) > 0)::int - sum((times > 0)::int) AS households, max(size) AS size FROM mf GROUP BY child, file_id
      UNION ALL
      SELECT 3, NULL, NULL, (sum(times) > 0)::int - sum((times > 0)::int), max(size) FROM mf GROUP BY file_id
      UNION ALL
      SELECT 1, NULL, k.key, (sum(k.value::int) > 0)::int - sum((k.value::int > 0)::int), max(size) FROM mf CROSS JOIN LATERAL jsonb_each_text(mf.by_type) k GROUP BY k.key, file_id
      UNION ALL
      SELECT 2, NULL, k.key, (sum(k.value::int) > 0)::int - sum((k.value::int > 0)::int), max(size) FROM mf CROSS JOIN LATERAL jsonb_each_text(mf.by_fund) k GROUP BY k.key, file_id
    ), ms AS MATERIALIZED (
      SELECT s.child, p.student_resident_id, p.times
        FROM report_ledger_student m
        JOIN report_ledger_student_period p ON p.student_resident_id = m.student_resident_id AND p.period_kind = ${kind} AND p.period_start = ${start}::date
        JOIN sub s ON s.id = p.organisation_id
       WHERE m.multi
    ), sfix AS (
      SELECT 0 AS grouping, child, (sum(times) > 0)::int - sum((times > 0)::int) AS students FROM ms GROUP BY child, student_resident_id
      UNION ALL
      SELECT 3, NULL, (sum(times) > 0)::int - sum((times > 0)::int) FROM ms GROUP BY student_resident_id
    )
    SELECT 0 AS grouping, child, NULL::text AS aid_type, NULL::text AS fund_source, households, persons, 0::bigint AS students FROM own WHERE dim = 'A'
    UNION ALL SELECT 3, NULL, NULL, NULL, sum(households)::bigint, sum(persons)::bigint, 0 FROM own WHERE dim = 'A'
    UNION ALL SELECT 1, NULL, key, NULL, sum(households)::bigint, sum(persons)::bigint, 0 FROM own WHERE dim = 'T' GROUP BY key
    UNION ALL SELECT 2, NULL, NULL, key, sum(households)::bigint, sum(persons)::bigint, 0 FROM own WHERE dim = 'F' GROUP BY key
    UNION ALL SELECT 0, child, NULL, NULL, 0, 0, households FROM own WHERE dim = 'S'
    UNION ALL SELECT 3, NULL, NULL, NULL, 0, 0, sum(households)::bigint FROM own WHERE dim = 'S'
    UNION ALL SELECT grouping, child, CASE WHEN grouping = 1 THEN key END, CASE WHEN grouping = 2 THEN key END, sum(households)::bigint, sum(households * size)::bigint, 0
                FROM fix WHERE households <> 0 GROUP BY 1, 2, 3, 4
    UNION ALL SELECT grouping, child, NULL, NULL, 0, 0, sum(students)::bigint FROM sfix WHERE students <> 0 GROUP BY 1, 2`;
  // Any other range: the period's entries themselves (an index-only scan of ledger_entry_report_idx).
  const distinctFromEntries = () => db.$queryRaw<TDistinctRow[]>`
    WITH sub AS (SELECT id, ${child} AS child FROM organisation o WHERE ${inSubtree}),
    e AS MATERIALIZED (
      SELECT s.child, l.file_id, l.aid_type, l.fund_source, l.student_resident_id,
             sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS times
        FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id
       WHERE l.entry_date BETWEEN ${from}::date AND ${to}::date
       GROUP BY 1, 2, 3, 4, 5
    ), households AS (
      SELECT CASE WHEN GROUPING(child) = 0 THEN 0 WHEN GROUPING(aid_type) = 0 THEN 1 WHEN GROUPING(fund_source) = 0 THEN 2 ELSE 3 END AS grouping,
             child, aid_type, fund_source, file_id
        FROM e GROUP BY GROUPING SETS ((child, file_id), (aid_type, file_id), (fund_source, file_id), (file_id)) HAVING sum(times) > 0
    ), sizes AS MATERIALIZED (
      SELECT f.id, f.household_size FROM household_file f WHERE f.id IN (SELECT file_id FROM households WHERE grouping = 3)
    ), students AS (
      SELECT CASE WHEN GROUPING(child) = 0 THEN 0 ELSE 3 END AS grouping, child, student_resident_id
        FROM e WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL
       GROUP BY GROUPING SETS ((child, student_resident_id), (student_resident_id)) HAVING sum(times) > 0
    )
    SELECT h.grouping, h.child, h.aid_type::text AS aid_type, h.fund_source::text AS fund_source, count(*)::bigint AS households,
           coalesce(sum(z.household_size), 0)::bigint AS persons, 0::bigint AS students
      FROM households h JOIN sizes z ON z.id = h.file_id GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT s.grouping, s.child, NULL::text, NULL::text, 0::bigint, 0::bigint, count(*)::bigint FROM students s GROUP BY 1, 2`;
  const [openRows, eventRows, monthlyRows, ledgerRows, distinctRows, observationRows, pairingRows, recheckRows, overdueRows, measureRows, approvalRows, civilMissedRows] =
    await Promise.all([
      // Open at the period's end = open today − what changed after that day (both trigger-kept).
      want("files") ? db.$queryRaw<Array<{ child: string; tier: Tier | null; file_level: FileLevel | null; worker_category: WorkerCategory | null; main_cause: HardshipCause | null; files: bigint }>>`
        SELECT ${child} AS child, x.tier::text AS tier, x.file_level::text AS file_level, x.worker_category::text AS worker_category,
               x.main_cause::text AS main_cause, sum(x.files)::bigint AS files
          FROM (SELECT organisation_id, tier, file_level, worker_category, main_cause, files FROM report_open_now
                UNION ALL
                SELECT organisation_id, tier, file_level, worker_category, main_cause, -delta FROM report_open_delta WHERE day > ${to}::date) x
          JOIN organisation o ON o.id = x.organisation_id
         WHERE ${inSubtree}
         GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.files) <> 0` : none(),
      want("files", "quality") ? db.$queryRaw<Array<{ child: string; kind: string; detail: string; files: bigint }>>`
        SELECT ${child} AS child, e.kind, e.detail, sum(e.files)::bigint AS files
          FROM report_file_event e JOIN organisation o ON o.id = e.organisation_id
         WHERE ${inSubtree} AND e.day BETWEEN ${from}::date AND ${to}::date GROUP BY 1, 2, 3` : none(),
      want("files") ? db.$queryRaw<Array<{ month: string; kind: string; files: bigint }>>`
        SELECT to_char(e.day, 'YYYY-MM') AS month, e.kind, sum(e.files)::bigint AS files
          FROM report_file_event e JOIN organisation o ON o.id = e.organisation_id
         WHERE ${inSubtree} AND e.day BETWEEN ${from}::date AND ${to}::date AND e.kind IN ('NEW', 'EXIT_RESOLVED', 'EXIT_CANCELLED', 'REOPENED')
         GROUP BY 1, 2` : none(),
      want("money") ? db.$queryRaw<Array<{ child: string; aid_type: AidType; fund_source: FundSource; payments: bigint; reversals: bigint; total: bigint }>>`
        SELECT ${child} AS child, t.aid_type::text AS aid_type, t.fund_source::text AS fund_source,
               sum(t.payments)::bigint AS payments, sum(t.reversals)::bigint AS reversals, sum(t.total_fen)::bigint AS total
          FROM report_ledger_daily t JOIN organisation o ON o.id = t.organisation_id
         WHERE ${inSubtree} AND t.entry_date BETWEEN ${from}::date AND ${to}::date GROUP BY 1, 2, 3` : none(),
      // A household (or student) is helped in a grouping when it has more payments than reversals
      // there in the period. grouping: 0 per child, 1 per aid type, 2 per fund, 3 the whole subtree.
      !want("money") ? none() : calendar ? distinctFromCounts(calendar) : distinctFromEntries(),
      // Aid to households in their observation period: paid between the resolved exit and the end of the period.
      want("money") ? db.$queryRaw<Array<{ child: string; total: bigint; times: bigint }>>`
        SELECT ${child} AS child, sum(l.amount_fen)::bigint AS total,
               sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END)::bigint AS times
          FROM ledger_entry l JOIN organisation o ON o.id = l.organisation_id JOIN household_file f ON f.id = l.file_id
         WHERE ${inSubtree} AND l.entry_date BETWEEN ${from}::date AND ${to}::date
           AND f.exit_reason = 'RESOLVED' AND f.exited_at IS NOT NULL AND f.observation_until >= ${from}::date
           AND l.entry_date >= report_day(f.exited_at) AND l.entry_date <= f.observation_until
         GROUP BY 1` : none(),
      want("work") ? db.$queryRaw<Array<{ child: string; open: bigint; paired: bigint }>>`
        SELECT ${child} AS child, sum(n.files)::bigint AS open, coalesce(sum(n.files) FILTER (WHERE n.paired), 0)::bigint AS paired
          FROM report_open_now n JOIN organisation o ON o.id = n.organisation_id
         WHERE ${inSubtree} GROUP BY 1` : none(),
      want("work", "quality") ? db.$queryRaw<Array<{ child: string; finding: RecheckFinding; checks: bigint; on_time: bigint }>>`
        SELECT ${child} AS child, r.finding::text AS finding, count(*)::bigint AS checks,
               count(*) FILTER (WHERE r.due_date IS NULL OR r.check_date <= r.due_date)::bigint AS on_time
          FROM recheck r JOIN household_file f ON f.id = r.file_id JOIN organisation o ON o.id = f.organisation_id
         WHERE ${inSubtree} AND r.check_date BETWEEN ${from}::date AND ${to}::date GROUP BY 1, 2` : none(),
      // Overdue: open files whose re-check date passed before the period's end (or today, if sooner).
      want("work") ? db.$queryRaw<Array<{ child: string; files: bigint }>>`
        SELECT ${child} AS child, count(*)::bigint AS files
          FROM household_file f JOIN organisation o ON o.id = f.organisation_id
         WHERE ${inSubtree} AND f.status = 'OPEN' AND f.next_check_due < least(${to}::date, ${today}::date) GROUP BY 1` : none(),
      want("work") ? db.$queryRaw<Array<{ child: string; measures: bigint; active: bigint; resolved: bigint }>>`
        SELECT ${child} AS child, count(*)::bigint AS measures,
               count(*) FILTER (WHERE m.status IN ('IN_PROGRESS', 'DONE'))::bigint AS active,
               count(*) FILTER (WHERE m.status = 'DONE')::bigint AS resolved
          FROM plan_measure m JOIN household_file f ON f.id = m.file_id JOIN organisation o ON o.id = f.organisation_id
         WHERE ${inSubtree} AND m.created_at >= (${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')
           AND m.created_at < ((${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AND m.status <> 'CANCELLED'
         GROUP BY 1` : none(),
      // Approvals in the period: days since the submission that led to them, and whether the
      // filing had been returned (退回) in the same episode before (the fact behind 漏评); per day
      // and the file's current organisation, kept by the triggers of migration 0018.
      want("work", "quality") ? db.$queryRaw<Array<{ child: string; approvals: bigint; days: number | null; after_return: bigint }>>`
        SELECT ${child} AS child, sum(a.approvals)::bigint AS approvals,
               (sum(a.days_sum) / nullif(sum(a.timed), 0))::float8 AS days, sum(a.after_return)::bigint AS after_return
          FROM report_approval_daily a JOIN organisation o ON o.id = a.organisation_id
         WHERE ${inSubtree} AND a.day BETWEEN ${from}::date AND ${to}::date
         GROUP BY 1 HAVING sum(a.approvals) <> 0` : none(),
      // 漏评 found by the civil-affairs comparison (docs/decisions/010-civil-affairs-comparison.md):
      // approvals in the period, not already counted as returned before, of which a member had been
      // a union member in no file in a comparison run before the approval (not dismissed as 不属实).
      // Read from the few 漏评 candidates towards their files' approvals, not from every approval.
      want("work", "quality") ? db.$queryRaw<Array<{ child: string; found: bigint }>>`
        SELECT ${child} AS child, count(DISTINCT a.id)::bigint AS found
          FROM civil_comparison_result c
          JOIN civil_roster_run run ON run.id = c.run_id
          JOIN file_person p ON p.resident_id = c.resident_id
          JOIN filing_event a ON a.file_id = p.file_id AND a.kind = 'APPROVED' AND a.at > run.created_at
          JOIN household_file f ON f.id = a.file_id JOIN organisation o ON o.id = f.organisation_id
         WHERE ${inSubtree} AND c.reason = 'MISSED_FILING' AND c.status <> 'DISMISSED'
           ${db.$scopeDeclared("c run", "a comparison run by any union may have found the household: only whether it did is read, to count this subtree's approvals")}
           AND a.at >= (${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND a.at < ((${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
           AND NOT EXISTS (SELECT 1 FROM filing_event x WHERE x.file_id = a.file_id AND x.episode = a.episode AND x.kind = 'REJECTED' AND x.id < a.id)
         GROUP BY 1` : none(),
    ]);

  const known = new Set(orgs.map((o) => o.key));
  // A child created after a row was counted is still a child; anything else would be a bug.
  const keyOf = (child: string | null) => (child && known.has(child) ? child : "self");

  const files = new Map<string, TFilesRow>(
    orgs.map((o) => [o.key, { ...o, open: 0, byTier: {}, byLevel: {}, byCategory: {}, byCause: {}, newFilings: 0, reopened: 0, exitResolved: 0, exitCancelled: 0, cancelByReason: {}, transferIn: 0, transferOut: 0 }]),
  );
  for (const r of openRows) {
    const row = files.get(keyOf(r.child))!;
    const count = n(r.files);
    row.open += count;
    add(row.byTier, r.tier, count);
    add(row.byLevel, r.file_level, count);
    add(row.byCategory, r.worker_category, count);
    add(row.byCause, r.main_cause, count);
  }
  for (const r of eventRows) {
    const row = files.get(keyOf(r.child))!;
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

  const zeroMoney = (): TMoneyFigures => ({ amountFen: 0, times: 0, households: 0, persons: 0, students: 0 });
  const money = new Map<string, TMoneyRow>(orgs.map((o) => [o.key, { ...o, ...zeroMoney(), observationFen: 0, observationTimes: 0 }]));
  const byType = new Map<AidType, TMoneyFigures>();
  const byFund = new Map<FundSource, TMoneyFigures>();
  const typeFund: Array<{ aidType: AidType; fundSource: FundSource; amountFen: number }> = [];
  const moneyTotal = zeroMoney();
  for (const r of ledgerRows) {
    const amount = n(r.total);
    const times = n(r.payments) - n(r.reversals);
    const row = money.get(keyOf(r.child))!;
    row.amountFen += amount;
    row.times += times;
    for (const [map, key] of [[byType, r.aid_type], [byFund, r.fund_source]] as const) {
      const figures = (map as Map<string, TMoneyFigures>).get(key) ?? zeroMoney();
      figures.amountFen += amount;
      figures.times += times;
      (map as Map<string, TMoneyFigures>).set(key, figures);
    }
    moneyTotal.amountFen += amount;
    moneyTotal.times += times;
    const cell = typeFund.find((c) => c.aidType === r.aid_type && c.fundSource === r.fund_source);
    if (cell) cell.amountFen += amount;
    else typeFund.push({ aidType: r.aid_type, fundSource: r.fund_source, amountFen: amount });
  }
  for (const r of distinctRows) {
    const grouping = Number(r.grouping);
    const target =
      grouping === 0 ? money.get(keyOf(r.child)) : grouping === 1 ? byType.get(r.aid_type!) : grouping === 2 ? byFund.get(r.fund_source!) : moneyTotal;
    if (!target) continue;
    target.households += n(r.households);
    target.persons += n(r.persons);
    target.students += n(r.students);
  }
  const education = byType.get("EDUCATION");
  if (education) education.students = moneyTotal.students;
  const observationTotal = { amountFen: 0, times: 0 };
  for (const r of observationRows) {
    const row = money.get(keyOf(r.child))!;
    row.observationFen += n(r.total);
    row.observationTimes += n(r.times);
    observationTotal.amountFen += n(r.total);
    observationTotal.times += n(r.times);
  }

  const work = new Map<string, TWorkRow>(
    orgs.map((o) => [o.key, { ...o, openNow: 0, paired: 0, rechecks: 0, onTime: 0, late: 0, overdue: 0, measures: 0, measuresActive: 0, resolved: 0, approvals: 0, avgApprovalDays: null }]),
  );
  const quality = new Map<string, TQualityRow>(
    orgs.map((o) => [o.key, { ...o, rechecks: 0, findings: {}, exitsResolved: 0, reopenedInObservation: 0, approvals: 0, approvalsAfterReturn: 0 }]),
  );
  for (const r of pairingRows) {
    const row = work.get(keyOf(r.child))!;
    row.openNow += n(r.open);
    row.paired += n(r.paired);
  }
  for (const r of recheckRows) {
    const row = work.get(keyOf(r.child))!;
    row.rechecks += n(r.checks);
    row.onTime += n(r.on_time);
    row.late += n(r.checks) - n(r.on_time);
    const q = quality.get(keyOf(r.child))!;
    q.rechecks += n(r.checks);
    add(q.findings, r.finding, n(r.checks));
  }
  for (const r of overdueRows) work.get(keyOf(r.child))!.overdue += n(r.files);
  for (const r of measureRows) {
    const row = work.get(keyOf(r.child))!;
    row.measures += n(r.measures);
    row.measuresActive += n(r.active);
    row.resolved += n(r.resolved);
  }
  let approvalDays = 0;
  let approvalsWithDays = 0;
  for (const r of approvalRows) {
    const row = work.get(keyOf(r.child))!;
    row.approvals += n(r.approvals);
    if (r.days !== null) {
      row.avgApprovalDays = Number(r.days);
      approvalDays += Number(r.days) * n(r.approvals);
      approvalsWithDays += n(r.approvals);
    }
    const q = quality.get(keyOf(r.child))!;
    q.approvals += n(r.approvals);
    q.approvalsAfterReturn += n(r.after_return);
  }
  for (const r of civilMissedRows) quality.get(keyOf(r.child))!.approvalsAfterReturn += n(r.found);
  for (const r of eventRows) {
    const q = quality.get(keyOf(r.child))!;
    if (r.kind === "EXIT_RESOLVED") q.exitsResolved += n(r.files);
    if (r.kind === "REOPENED_IN_OBSERVATION") q.reopenedInObservation += n(r.files);
  }

  const months = monthsOf(input.period).map((month) => {
    const of = (kinds: string[]) => monthlyRows.filter((r) => r.month === month && kinds.includes(r.kind)).reduce((s, r) => s + n(r.files), 0);
    return { month, newFilings: of(["NEW"]), exited: of(["EXIT_RESOLVED", "EXIT_CANCELLED"]), reopened: of(["REOPENED"]) };
  });

  // The organisation's own row is shown only when it has figures of its own.
  const keep = <T extends TReportOrg>(rows: T[], has: (row: T) => boolean) => rows.filter((r) => r.key !== "self" || has(r));
  return {
    organisation: { id: organisation.id, name: organisation.name, parentId: up },
    period: input.period,
    files: keep([...files.values()], (r) => r.open + r.newFilings + r.reopened + r.exitResolved + r.exitCancelled + r.transferIn + r.transferOut > 0),
    money: {
      rows: keep([...money.values()], (r) => r.times !== 0 || r.amountFen !== 0),
      total: { ...moneyTotal, observationFen: observationTotal.amountFen, observationTimes: observationTotal.times },
      byType: [...byType.entries()].map(([aidType, f]) => ({ aidType, ...f })),
      byFund: [...byFund.entries()].map(([fundSource, f]) => ({ fundSource, ...f })),
      typeFund,
    },
    work: {
      rows: keep([...work.values()], (r) => r.openNow + r.rechecks + r.overdue + r.measures + r.approvals > 0),
      avgApprovalDays: approvalsWithDays ? approvalDays / approvalsWithDays : null,
    },
    quality: keep([...quality.values()], (r) => r.rechecks + r.exitsResolved + r.approvals > 0),
    months,
  };
}

export type TReport = Awaited<ReturnType<typeof findReport>>;
