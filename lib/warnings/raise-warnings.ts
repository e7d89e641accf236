import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { WarningRule } from "@/lib/generated/prisma/enums";
import { VISIT_EVENT_LABELS, WARNING_RULE_LABELS } from "./labels";

// 返困预警: the daily calendar job turns recorded facts into warnings, one per file, rule and fact
// (the unique key hardship_warning_fact_key), so a rerun, an overlap or a dismissed warning never
// raises the same fact again. Incremental: the fact-based rules read only the visits, re-checks,
// rosters and medical payments recorded since the watermark (each on an index of its recorded_at);
// the no-visit rule reads the observation files (a partial index) with their latest visit. Every
// number is a dated policy parameter of the file's region (policy_number, dibao_fen), taken on the
// date of the fact. docs/decisions/025-warnings-and-signals.md lists the rules.

export const WARNING_WATERMARK = "hardship-warnings";
/** Each run reads from this long before its mark: a transaction that began earlier but committed after the last run is still read. */
export const WARNING_OVERLAP_MINUTES = 30;

type TWindow = { today: string; from: Date; upto: Date };

/** The files the rules watch: in observation, exited as 脱困 within WARNING_EXIT_MONTHS, open 相对困难. */
const watched = (today: string) => Prisma.sql`
  (f.status = 'OBSERVATION'
   OR (f.status = 'CLOSED' AND f.exit_reason = 'RESOLVED'
       AND f.exited_at >= (${today}::date - make_interval(months => policy_number('WARNING_EXIT_MONTHS', o.region_code, ${today}::date)::integer))::timestamp AT TIME ZONE 'Asia/Shanghai')
   OR (f.status = 'OPEN' AND f.tier = 'RELATIVE'))`;

const insert = Prisma.sql`INSERT INTO hardship_warning (file_id, rule, source_key, reason, facts, raised_on)`;

/** Income below the line: a visit's or re-check's per-capita income against 低保 × the multiplier in force on its date. */
function lowIncome(w: TWindow, source: "visit" | "recheck") {
  const t =
    source === "visit"
      ? { table: Prisma.sql`visit`, day: Prisma.sql`x.visit_date`, word: "走访" }
      : { table: Prisma.sql`recheck`, day: Prisma.sql`x.check_date`, word: "核查" };
  return Prisma.sql`
    ${insert}
    SELECT f.id, 'LOW_INCOME', ${source + ":"}::text || x.id,
           to_char(${t.day}, 'YYYY-MM-DD') || ' ' || ${t.word}::text || '记录人均月收入 ' || fen_text(x.per_capita_monthly_fen) || ' 元，低于返困预警线 '
             || fen_text(p.line) || ' 元（低保标准 ' || fen_text(p.dibao) || ' 元 × ' || trim_scale(p.mult)::text || '）',
           jsonb_build_object('source', ${source}::text, 'id', x.id, 'date', ${t.day}, 'perCapitaMonthlyFen', x.per_capita_monthly_fen,
                              'dibaoMonthlyFen', p.dibao, 'multiplier', p.mult, 'lineFen', p.line),
           ${w.today}::date
      FROM ${t.table} x
      JOIN household_file f ON f.id = x.file_id
      JOIN organisation o ON o.id = f.organisation_id
      CROSS JOIN LATERAL (
        SELECT d.dibao, m.mult, floor(d.dibao * m.mult)::bigint AS line
          FROM (SELECT dibao_fen(o.region_code, ${t.day}) AS dibao) d,
               (SELECT policy_number(CASE WHEN f.status = 'OPEN' THEN 'WARNING_INCOME_MULTIPLIER_OPEN' ELSE 'WARNING_INCOME_MULTIPLIER_EXITED' END,
                                     o.region_code, ${t.day}) AS mult) m
      ) p
     WHERE x.recorded_at > ${w.from} AND x.recorded_at <= ${w.upto}
       AND x.per_capita_monthly_fen IS NOT NULL AND ${watched(w.today)}
       AND x.per_capita_monthly_fen < p.line
    ON CONFLICT DO NOTHING`;
}

/** A visit names a serious illness, disability, job loss or an earner's death. */
function lifeEvent(w: TWindow) {
  return Prisma.sql`
    ${insert}
    SELECT f.id, 'LIFE_EVENT', 'visit:' || v.id,
           to_char(v.visit_date, 'YYYY-MM-DD') || ' 走访记录：'
             || (SELECT string_agg(${JSON.stringify(VISIT_EVENT_LABELS)}::jsonb ->> e::text, '、') FROM unnest(v.events) e)
             || '。走访情况：' || left(v.findings, 80),
           jsonb_build_object('source', 'visit', 'id', v.id, 'date', v.visit_date, 'events', to_jsonb(v.events)),
           ${w.today}::date
      FROM visit v
      JOIN household_file f ON f.id = v.file_id
      JOIN organisation o ON o.id = f.organisation_id
     WHERE v.recorded_at > ${w.from} AND v.recorded_at <= ${w.upto}
       AND cardinality(v.events) > 0 AND ${watched(w.today)}
       AND policy_number('WARNING_LIFE_EVENT', o.region_code, v.visit_date) = 1
    ON CONFLICT DO NOTHING`;
}

/**
 * A civil-affairs roster uploaded since the mark lists a member of the household on 低保, and no
 * earlier roster since the file's exit (or, for an open file, since it opened) did: newly listed.
 * A run's roster rows appear when its comparison is done (compared_at, issue 28), possibly after
 * the window its upload fell in: the window reads the comparison's time.
 */
function civilListing(w: TWindow) {
  return Prisma.sql`
    ${insert}
    SELECT DISTINCT ON (f.id, run.id) f.id, 'CIVIL_LISTING', 'roster:' || run.id,
           '民政比对名单（' || run.file_name || '，' || to_char(run.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ' 上传）新列入低保：家庭成员 ' || r.name,
           jsonb_build_object('source', 'roster', 'runId', run.id, 'residentId', r.resident_id, 'name', r.name, 'dibaoMonthlyFen', r.dibao_monthly_fen),
           ${w.today}::date
      FROM civil_roster_run run
      JOIN civil_roster_row r ON r.run_id = run.id AND r.on_dibao
      JOIN file_person p ON p.resident_id = r.resident_id
      JOIN household_file f ON f.id = p.file_id
      JOIN organisation o ON o.id = f.organisation_id
     WHERE coalesce(run.compared_at, run.created_at) > ${w.from} AND coalesce(run.compared_at, run.created_at) <= ${w.upto}
       AND ${watched(w.today)}
       AND policy_number('WARNING_CIVIL_LISTING', o.region_code, (run.created_at AT TIME ZONE 'Asia/Shanghai')::date) = 1
       AND run.created_at > coalesce(CASE WHEN f.status = 'OPEN' THEN f.opened_at ELSE f.exited_at END, f.created_at)
       AND NOT EXISTS (
         SELECT 1 FROM civil_roster_row r2 JOIN civil_roster_run run2 ON run2.id = r2.run_id
          WHERE r2.resident_id = r.resident_id AND r2.on_dibao AND run2.created_at < run.created_at
            AND run2.created_at > coalesce(CASE WHEN f.status = 'OPEN' THEN f.opened_at ELSE f.exited_at END, f.created_at))
     ORDER BY f.id, run.id, r.resident_id
    ON CONFLICT DO NOTHING`;
}

/**
 * Medical aid paid to the household in the 12 months to today above the line, for the files that
 * received medical aid since the mark; at most one such warning per file in 12 months.
 */
function medicalAid(w: TWindow) {
  return Prisma.sql`
    ${insert}
    SELECT f.id, 'MEDICAL_AID', 'medical:' || ${w.today}::text,
           '近 12 个月医疗救助合计 ' || fen_text(s.total) || ' 元，超过预警线 ' || fen_text(s.line) || ' 元',
           jsonb_build_object('source', 'ledger', 'totalFen', s.total, 'lineFen', s.line, 'from', ${w.today}::date - interval '12 months', 'to', ${w.today}::date),
           ${w.today}::date
      FROM (SELECT DISTINCT l.file_id FROM ledger_entry l
             WHERE l.aid_type = 'MEDICAL' AND l.created_at > ${w.from} AND l.created_at <= ${w.upto}) t
      JOIN household_file f ON f.id = t.file_id
      JOIN organisation o ON o.id = f.organisation_id
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(l.amount_fen), 0)::bigint AS total,
               (policy_number('WARNING_MEDICAL_AID_YUAN', o.region_code, ${w.today}::date) * 100)::bigint AS line
          FROM ledger_entry l
         WHERE l.file_id = f.id AND l.aid_type = 'MEDICAL'
           AND l.entry_date > (${w.today}::date - interval '12 months')::date AND l.entry_date <= ${w.today}::date
      ) s
     WHERE ${watched(w.today)} AND s.total > s.line
       AND NOT EXISTS (SELECT 1 FROM hardship_warning h WHERE h.file_id = f.id AND h.rule = 'MEDICAL_AID'
                        AND h.raised_on > (${w.today}::date - interval '12 months')::date)
    ON CONFLICT DO NOTHING`;
}

/** An observation household not visited for longer than WARNING_NO_VISIT_MONTHS since its last visit or its exit. */
function noVisit(w: TWindow) {
  return Prisma.sql`
    ${insert}
    SELECT f.id, 'NO_VISIT', 'since:' || l.last::text,
           '渐退期自 ' || to_char(l.last, 'YYYY-MM-DD') || (CASE WHEN l.visited THEN ' 最后一次走访' ELSE ' 退档' END)
             || '以来未走访，已超过 ' || l.months || ' 个月',
           jsonb_build_object('source', 'visits', 'since', l.last, 'visited', l.visited, 'months', l.months),
           ${w.today}::date
      FROM household_file f
      JOIN organisation o ON o.id = f.organisation_id
      CROSS JOIN LATERAL (
        SELECT greatest(v.last_visit, (f.exited_at AT TIME ZONE 'Asia/Shanghai')::date) AS last,
               v.last_visit IS NOT NULL AND v.last_visit >= (f.exited_at AT TIME ZONE 'Asia/Shanghai')::date AS visited,
               policy_number('WARNING_NO_VISIT_MONTHS', o.region_code, ${w.today}::date)::integer AS months
          FROM (SELECT max(x.visit_date) AS last_visit FROM visit x WHERE x.file_id = f.id) v
      ) l
     WHERE f.status = 'OBSERVATION' AND f.exit_reason = 'RESOLVED' AND f.exited_at IS NOT NULL
       AND l.last <= ${w.today}::date - make_interval(months => l.months)
    ON CONFLICT DO NOTHING`;
}

const RULES: Array<{ rule: WarningRule; sql: (w: TWindow) => Prisma.Sql }> = [
  { rule: "LOW_INCOME", sql: (w) => lowIncome(w, "visit") },
  { rule: "LOW_INCOME", sql: (w) => lowIncome(w, "recheck") },
  { rule: "LIFE_EVENT", sql: lifeEvent },
  { rule: "CIVIL_LISTING", sql: civilListing },
  { rule: "MEDICAL_AID", sql: medicalAid },
  { rule: "NO_VISIT", sql: noVisit },
];

export type TWarningSummary = Record<string, { created: number; closed: number }>;

/**
 * One run for `today`: every rule over the facts recorded since the mark (less the overlap), then
 * the mark moves to the moment the run began. A run that fails leaves the mark where it was, and
 * the next one reads the same facts again (nothing is raised twice).
 */
export async function raiseWarnings(today: string): Promise<TWarningSummary> {
  const [{ upto }] = await prisma.$queryRaw<[{ upto: Date }]>`SELECT now() AS upto`;
  const mark = await prisma.warningWatermark.findUnique({ where: { name: WARNING_WATERMARK } });
  const from = mark ? new Date(mark.seenUntil.getTime() - WARNING_OVERLAP_MINUTES * 60_000) : new Date(0);
  const window = { today, from, upto };
  const summary: TWarningSummary = {};
  for (const { rule, sql } of RULES) {
    const created = await prisma.$executeRaw(sql(window));
    const name = `返困预警：${WARNING_RULE_LABELS[rule]}`;
    summary[name] = { created: (summary[name]?.created ?? 0) + created, closed: 0 };
  }
  await prisma.warningWatermark.upsert({
    where: { name: WARNING_WATERMARK },
    create: { name: WARNING_WATERMARK, seenUntil: upto },
    update: { seenUntil: upto },
  });
  return summary;
}
