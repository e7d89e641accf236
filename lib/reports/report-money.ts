import "server-only";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { addDays, addMonths } from "@/lib/format/datetime";
import { calendarPeriodOf } from "./period";
import { n, type TReportOrg, type TReportScope } from "./report-scope";

// 资金发放: amounts and payments per child, aid type and fund, the households, persons and students
// helped (distinct: a household paid in two organisations counts once in the total), and the aid
// paid to households in their observation period.

export type TMoneyFigures = { amountFen: number; times: number; households: number; persons: number; students: number };
export type TMoneyRow = TReportOrg & TMoneyFigures & { observationFen: number; observationTimes: number };

type TDistinctRow = {
  grouping: number;
  child: string | null;
  aid_type: AidType | null;
  fund_source: FundSource | null;
  households: bigint;
  persons: bigint;
  students: bigint;
};
// A calendar month, quarter or year: the per-organisation counts kept by migration 0018, summed
// over the row's organisations, and the few files (students) paid by more than one organisation
// read apart — counted once per row with their net across it, in place of once per organisation.
const distinctFromCounts = (s: TReportScope, { kind, start }: { kind: string; start: string }) => s.db.$queryRaw<TDistinctRow[]>`
    WITH sub AS MATERIALIZED (SELECT id, ${s.child} AS child FROM organisation o WHERE ${s.inSubtree}),
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
// Any other range (自定义: a 30-day window, a 送温暖 season, a fiscal half): the entries
// themselves, read once through ledger_entry_report_idx (decision 031). One pass groups them per
// file with the household size beside it (household_file_size_idx, migration 0045: a merge join
// over a narrow index, where 300,000 look-ups in household_file took seconds); a file paid in one
// row, aid type and fund — nearly all — is then counted by those three alone. Only the files whose
// entries in the period differ in row, aid type or fund (and the files paying students) are read
// again, entry by entry, for their net in each grouping.
const distinctFromEntries = (s: TReportScope) => s.db.$queryRaw<TDistinctRow[]>`
    WITH sub AS MATERIALIZED (SELECT id, ${s.child} AS child FROM organisation o WHERE ${s.inSubtree}),
    f AS MATERIALIZED (
      SELECT l.file_id, sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS times,
             min(s.child) AS child, min(l.aid_type) AS aid_type, min(l.fund_source) AS fund_source,
             min(s.child) = max(s.child) AND min(l.aid_type) = max(l.aid_type) AND min(l.fund_source) = max(l.fund_source) AS simple,
             bool_or(l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL) AS students,
             max(coalesce(z.household_size, 0)) AS size
        FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id JOIN household_file z ON z.id = l.file_id
       WHERE l.entry_date BETWEEN ${s.from}::date AND ${s.to}::date
       GROUP BY l.file_id
    ), simple AS MATERIALIZED (
      SELECT child, aid_type, fund_source, count(*) AS households, sum(size) AS persons FROM f WHERE simple AND times > 0 GROUP BY 1, 2, 3
    ), e AS MATERIALIZED (
      SELECT s.child, l.file_id, l.aid_type, l.fund_source, l.student_resident_id, sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS times
        FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id
       WHERE l.entry_date BETWEEN ${s.from}::date AND ${s.to}::date AND l.file_id IN (SELECT file_id FROM f WHERE NOT simple OR students)
       GROUP BY 1, 2, 3, 4, 5
    ), mixed AS (
      SELECT CASE WHEN GROUPING(child) = 0 THEN 0 WHEN GROUPING(aid_type) = 0 THEN 1 ELSE 2 END AS grouping, child, aid_type, fund_source, file_id
        FROM e WHERE file_id IN (SELECT file_id FROM f WHERE NOT simple)
       GROUP BY GROUPING SETS ((child, file_id), (aid_type, file_id), (fund_source, file_id)) HAVING sum(times) > 0
    ), students AS (
      SELECT CASE WHEN GROUPING(child) = 0 THEN 0 ELSE 3 END AS grouping, child, student_resident_id
        FROM e WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL
       GROUP BY GROUPING SETS ((child, student_resident_id), (student_resident_id)) HAVING sum(times) > 0
    )
    SELECT 0 AS grouping, child, NULL::text AS aid_type, NULL::text AS fund_source, sum(households)::bigint AS households, sum(persons)::bigint AS persons, 0::bigint AS students
      FROM simple GROUP BY child
    UNION ALL SELECT 1, NULL, aid_type::text, NULL, sum(households)::bigint, sum(persons)::bigint, 0 FROM simple GROUP BY aid_type
    UNION ALL SELECT 2, NULL, NULL, fund_source::text, sum(households)::bigint, sum(persons)::bigint, 0 FROM simple GROUP BY fund_source
    UNION ALL SELECT 3, NULL, NULL, NULL, count(*)::bigint, coalesce(sum(size), 0)::bigint, 0 FROM f WHERE times > 0
    UNION ALL SELECT m.grouping, m.child, m.aid_type::text, m.fund_source::text, count(*)::bigint, sum(z.size)::bigint, 0
                FROM mixed m JOIN f z ON z.file_id = m.file_id GROUP BY 1, 2, 3, 4
    UNION ALL SELECT grouping, child, NULL, NULL, 0, 0, count(*)::bigint FROM students GROUP BY 1, 2`;

/**
 * A household (or student) is helped in a grouping when it has more payments than reversals
 * there in the period. grouping: 0 per child, 1 per aid type, 2 per fund, 3 the whole subtree.
 */
export function distinctRows(s: TReportScope) {
  const calendar = calendarPeriodOf(s.period);
  return calendar ? distinctFromCounts(s, calendar) : distinctFromEntries(s);
}

/**
 * The whole calendar months inside [from, to] as [first month, first day after them): empty
 * (first ≥ end) when the range holds no whole month.
 */
export function wholeMonthsOf(from: string, to: string) {
  const first = from.endsWith("-01") ? from : addMonths(`${from.slice(0, 7)}-01`, 1);
  const end = `${addDays(to, 1).slice(0, 7)}-01`;
  return { first, end };
}

/**
 * Payments, reversals and their net amount per child, aid type and fund, from the trigger-kept
 * sums: the range's whole months from report_ledger_monthly (migration 0049: a year is 12 rows
 * per organisation, aid type and fund), the days of a partial first or last month from
 * report_ledger_daily — as two plain date ranges (before the first whole month; from the end of the
 * last one, or from the first's start when there is none, so a range inside one month is read once),
 * each an index range: one condition "outside the whole months" made PostgreSQL read every day.
 */
export const ledgerSumRows = (s: TReportScope) => {
  const { first, end } = wholeMonthsOf(s.from, s.to);
  return s.db.$queryRaw<Array<{ child: string; aid_type: AidType; fund_source: FundSource; payments: bigint; reversals: bigint; total: bigint }>>`
    SELECT ${s.child} AS child, t.aid_type::text AS aid_type, t.fund_source::text AS fund_source,
           sum(t.payments)::bigint AS payments, sum(t.reversals)::bigint AS reversals, sum(t.total_fen)::bigint AS total
      FROM (SELECT organisation_id, aid_type, fund_source, payments, reversals, total_fen FROM report_ledger_monthly
             WHERE month >= ${first}::date AND month < ${end}::date
            UNION ALL
            SELECT organisation_id, aid_type, fund_source, payments, reversals, total_fen FROM report_ledger_daily
             WHERE entry_date >= ${s.from}::date AND entry_date < ${first}::date AND entry_date <= ${s.to}::date
            UNION ALL
            SELECT organisation_id, aid_type, fund_source, payments, reversals, total_fen FROM report_ledger_daily
             WHERE entry_date >= greatest(${end}::date, ${first}::date, ${s.from}::date) AND entry_date <= ${s.to}::date) t
      JOIN organisation o ON o.id = t.organisation_id
     WHERE ${s.inSubtree} GROUP BY 1, 2, 3`;
};

/** Aid to households in their observation period: paid between the resolved exit and the end of the period. */
export const observationRows = (s: TReportScope) =>
  s.db.$queryRaw<Array<{ child: string; total: bigint; times: bigint }>>`
    SELECT ${s.child} AS child, sum(l.amount_fen)::bigint AS total,
           sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END)::bigint AS times
      FROM ledger_entry l JOIN organisation o ON o.id = l.organisation_id JOIN household_file f ON f.id = l.file_id
     WHERE ${s.inSubtree} AND l.entry_date BETWEEN ${s.from}::date AND ${s.to}::date
       AND f.exit_reason = 'RESOLVED' AND f.exited_at IS NOT NULL AND f.observation_until >= ${s.from}::date
       AND l.entry_date >= report_day(f.exited_at) AND l.entry_date <= f.observation_until
     GROUP BY 1`;

type TRows<F extends (s: TReportScope) => Promise<unknown>> = Awaited<ReturnType<F>>;

export function moneySection(
  s: TReportScope,
  rows: { ledger: TRows<typeof ledgerSumRows>; distinct: TRows<typeof distinctRows>; observation: TRows<typeof observationRows> },
) {
  const { ledger: ledgerRows, distinct: distinctRows, observation: observationRows } = rows;
  const zeroMoney = (): TMoneyFigures => ({ amountFen: 0, times: 0, households: 0, persons: 0, students: 0 });
  const money = new Map<string, TMoneyRow>(s.orgs.map((o) => [o.key, { ...o, ...zeroMoney(), observationFen: 0, observationTimes: 0 }]));
  const byType = new Map<AidType, TMoneyFigures>();
  const byFund = new Map<FundSource, TMoneyFigures>();
  const typeFund: Array<{ aidType: AidType; fundSource: FundSource; amountFen: number }> = [];
  const moneyTotal = zeroMoney();
  for (const r of ledgerRows) {
    const amount = n(r.total);
    const times = n(r.payments) - n(r.reversals);
    const row = money.get(s.keyOf(r.child))!;
    row.amountFen += amount;
    row.times += times;
    for (const [map, key] of [
      [byType, r.aid_type],
      [byFund, r.fund_source],
    ] as const) {
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
      grouping === 0 ? money.get(s.keyOf(r.child)) : grouping === 1 ? byType.get(r.aid_type!) : grouping === 2 ? byFund.get(r.fund_source!) : moneyTotal;
    if (!target) continue;
    target.households += n(r.households);
    target.persons += n(r.persons);
    target.students += n(r.students);
  }
  const education = byType.get("EDUCATION");
  if (education) education.students = moneyTotal.students;
  const observationTotal = { amountFen: 0, times: 0 };
  for (const r of observationRows) {
    const row = money.get(s.keyOf(r.child))!;
    row.observationFen += n(r.total);
    row.observationTimes += n(r.times);
    observationTotal.amountFen += n(r.total);
    observationTotal.times += n(r.times);
  }

  return {
    rows: [...money.values()],
    total: { ...moneyTotal, observationFen: observationTotal.amountFen, observationTimes: observationTotal.times },
    byType: [...byType.entries()].map(([aidType, f]) => ({ aidType, ...f })),
    byFund: [...byFund.entries()].map(([fundSource, f]) => ({ fundSource, ...f })),
    typeFund,
  };
}
