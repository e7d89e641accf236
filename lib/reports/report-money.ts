import "server-only";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { addDays, addMonths } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
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
// The report's rows from `own` (households and persons per child, dim and key, summed over each
// row's organisations): one per child, the total, one per aid type and per fund, and the students.
const ownRows = Prisma.sql`SELECT 0 AS grouping, child, NULL::text AS aid_type, NULL::text AS fund_source, households, persons, 0::bigint AS students FROM own WHERE dim = 'A'
    UNION ALL SELECT 3, NULL, NULL, NULL, sum(households)::bigint, sum(persons)::bigint, 0 FROM own WHERE dim = 'A'
    UNION ALL SELECT 1, NULL, key, NULL, sum(households)::bigint, sum(persons)::bigint, 0 FROM own WHERE dim = 'T' GROUP BY key
    UNION ALL SELECT 2, NULL, NULL, key, sum(households)::bigint, sum(persons)::bigint, 0 FROM own WHERE dim = 'F' GROUP BY key
    UNION ALL SELECT 0, child, NULL, NULL, 0, 0, households FROM own WHERE dim = 'S'
    UNION ALL SELECT 3, NULL, NULL, NULL, 0, 0, sum(households)::bigint FROM own WHERE dim = 'S'`;
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
    ${ownRows}
    UNION ALL SELECT grouping, child, CASE WHEN grouping = 1 THEN key END, CASE WHEN grouping = 2 THEN key END, sum(households)::bigint, sum(households * size)::bigint, 0
                FROM fix WHERE households <> 0 GROUP BY 1, 2, 3, 4
    UNION ALL SELECT grouping, child, NULL, NULL, 0, 0, sum(students)::bigint FROM sfix WHERE students <> 0 GROUP BY 1, 2`;
// Any other range (自定义: a 30-day window, a 送温暖 season, a fiscal half): the points kept by
// migration 0053 (decision 035). A household is paid in [a, b] exactly when one of its payments
// there has its previous payment (same organisation and grouping) before a, so the households are
// the range's payments less its *repeats*, payments whose previous payment is also in the range
// (a ≤ prev ≤ day ≤ b). Payments come by whole month and by day at the partial edges; repeats by
// (prev month, month) in whole months, by prev day for prev in the first partial month (with the
// count up to any day of the payment's month), and by day for a payment in the last partial month.
// The tables count a household once per paying organisation, a reversal not at all; the kept
// reversal cells (migration 0056, decision 038) take off those whose payments in the range are no
// more than their reversals there. Files paid by two organisations (and students with a reversal in
// the range or two paying organisations) are read apart from the ledger, and each row gets
// truth (net across the row > 0) − what was counted there.
const distinctFromPoints = (s: TReportScope) => {
  const { first: pw, end: wend } = wholeMonthsOf(s.from, s.to);
  const bm = `${s.to.slice(0, 7)}-01`;
  const bd = Number(s.to.slice(8, 10));
  return s.db.$queryRaw<TDistinctRow[]>`
    ${s.db.$scopeDeclared("rf rs z", "which files and students have a second paying organisation, of any organisation, and the size of a file paid in the subtree (sub): only entries paid in the subtree are read")}
    WITH sub AS MATERIALIZED (SELECT id, ${s.child} AS child FROM organisation o WHERE ${s.inSubtree}),
    -- Each part summed per organisation, dimension and key (a few hundred rows, hashed): the
    -- range's ~30,000 rows sorted for the children took longer than reading them.
    cells AS (
      SELECT organisation_id, dim, key, sum(payments) AS n, sum(persons) AS persons FROM report_range_paid_monthly
       WHERE month >= ${pw}::date AND month < ${wend}::date GROUP BY 1, 2, 3
      UNION ALL
      SELECT organisation_id, dim, key, sum(payments), sum(persons) FROM report_range_paid_daily
       WHERE day >= ${s.from}::date AND day < ${pw}::date AND day <= ${s.to}::date GROUP BY 1, 2, 3
      UNION ALL
      SELECT organisation_id, dim, key, sum(payments), sum(persons) FROM report_range_paid_daily
       WHERE day >= greatest(${wend}::date, ${pw}::date, ${s.from}::date) AND day <= ${s.to}::date GROUP BY 1, 2, 3
      UNION ALL
      SELECT organisation_id, dim, key, -sum(repeats), -sum(persons) FROM report_range_repeat_monthly
       WHERE prev_month >= ${pw}::date AND prev_month < ${wend}::date AND month < ${wend}::date GROUP BY 1, 2, 3
      UNION ALL
      SELECT organisation_id, dim, key, -sum(CASE WHEN month < ${wend}::date THEN repeats[31] ELSE repeats[${bd}::int] END),
             -sum(CASE WHEN month < ${wend}::date THEN persons[31] ELSE persons[${bd}::int] END)
        FROM report_range_repeat_first WHERE prev_day >= ${s.from}::date AND prev_day < ${pw}::date AND month <= ${bm}::date GROUP BY 1, 2, 3
      UNION ALL
      SELECT organisation_id, dim, key, -sum(repeats), -sum(persons) FROM report_range_repeat_last
       WHERE day >= greatest(${wend}::date, ${pw}::date) AND day <= ${s.to}::date AND prev_month >= ${pw}::date GROUP BY 1, 2, 3
      UNION ALL
      -- A household whose payments in the range are no more than its reversals there (migration 0056).
      SELECT organisation_id, dim, key, -count(*), -sum(size) FROM report_range_reversal_cell
       WHERE report_range_cell(a_from, a_to, b_from, b_to) @> report_range_cell(${s.from}::date, ${s.from}::date, ${s.to}::date, ${s.to}::date)
       GROUP BY 1, 2, 3
    ), own AS MATERIALIZED (
      SELECT s.child, c.dim, c.key, sum(c.n)::bigint AS households, sum(c.persons)::bigint AS persons
        FROM cells c JOIN sub s ON s.id = c.organisation_id GROUP BY 1, 2, 3
    ), rev AS MATERIALIZED (
      SELECT l.student_resident_id FROM ledger_entry l
       WHERE l.reverses_entry_id IS NOT NULL AND l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL
         AND l.entry_date BETWEEN ${s.from}::date AND ${s.to}::date AND l.organisation_id IN (SELECT id FROM sub)
    ), e AS MATERIALIZED (
      -- A file paid by two organisations: the cells made each organisation's count its net (> 0);
      -- the row wants the file once when their net together is.
      SELECT s.child, l.organisation_id AS org, l.file_id, l.aid_type::text AS aid, l.fund_source::text AS fund,
             sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS t
        FROM report_ledger_file rf
       CROSS JOIN LATERAL (SELECT l.organisation_id, l.file_id, l.aid_type, l.fund_source, l.reverses_entry_id FROM ledger_entry l
                            WHERE l.file_id = rf.file_id AND l.entry_date BETWEEN ${s.from}::date AND ${s.to}::date OFFSET 0) l
        JOIN sub s ON s.id = l.organisation_id
       WHERE rf.multi
       GROUP BY 1, 2, 3, 4, 5
    ), fix AS (
      SELECT 0 AS grouping, child, NULL::text AS key, file_id, (sum(t) > 0)::int - sum((t > 0)::int) AS d
        FROM (SELECT child, org, file_id, sum(t) AS t FROM e GROUP BY 1, 2, 3) x GROUP BY child, file_id
      UNION ALL
      SELECT 3, NULL, NULL, file_id, (sum(t) > 0)::int - sum((t > 0)::int)
        FROM (SELECT org, file_id, sum(t) AS t FROM e GROUP BY 1, 2) x GROUP BY file_id
      UNION ALL
      SELECT 1, NULL, aid, file_id, (sum(t) > 0)::int - sum((t > 0)::int)
        FROM (SELECT org, aid, file_id, sum(t) AS t FROM e GROUP BY 1, 2, 3) x GROUP BY aid, file_id
      UNION ALL
      SELECT 2, NULL, fund, file_id, (sum(t) > 0)::int - sum((t > 0)::int)
        FROM (SELECT org, fund, file_id, sum(t) AS t FROM e GROUP BY 1, 2, 3) x GROUP BY fund, file_id
    ), es AS MATERIALIZED (
      SELECT s.child, l.organisation_id AS org, l.student_resident_id AS student,
             sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS t, count(*) FILTER (WHERE l.reverses_entry_id IS NULL) AS p
        FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id
       WHERE l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL
         AND l.student_resident_id IN (SELECT student_resident_id FROM rev UNION SELECT rs.student_resident_id FROM report_ledger_student rs WHERE rs.multi)
         AND l.entry_date BETWEEN ${s.from}::date AND ${s.to}::date
       GROUP BY 1, 2, 3
    ), sfix AS (
      SELECT 0 AS grouping, child, (sum(t) > 0)::int - sum((p > 0)::int) AS d FROM es GROUP BY child, student
      UNION ALL
      SELECT 3, NULL, (sum(t) > 0)::int - sum((p > 0)::int) FROM (SELECT org, student, sum(t) AS t, sum(p) AS p FROM es GROUP BY 1, 2) x GROUP BY student
    )
    ${ownRows}
    UNION ALL SELECT f.grouping, f.child, CASE WHEN f.grouping = 1 THEN f.key END, CASE WHEN f.grouping = 2 THEN f.key END,
                     sum(f.d)::bigint, sum(f.d * coalesce(z.household_size, 0))::bigint, 0
                FROM fix f JOIN household_file z ON z.id = f.file_id WHERE f.d <> 0 GROUP BY 1, 2, 3, 4
    UNION ALL SELECT grouping, child, NULL, NULL, 0, 0, sum(d)::bigint FROM sfix WHERE d <> 0 GROUP BY 1, 2`;
};

/**
 * A household (or student) is helped in a grouping when it has more payments than reversals
 * there in the period. grouping: 0 per child, 1 per aid type, 2 per fund, 3 the whole subtree.
 */
export function distinctRows(s: TReportScope) {
  const calendar = calendarPeriodOf(s.period);
  return calendar ? distinctFromCounts(s, calendar) : distinctFromPoints(s);
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
