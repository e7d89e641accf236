-- Issue 28: the first report read after a 10,000-line batch approval waited 6.0–6.6 s at
-- 1,000,000 files for the custom-range points of its entries (report_ledger_fold() →
-- report_range_apply, migration 0053): a window over every payment of every touched file, once with
-- the statement's payments and once without (decision 035, "What the next session does", step 2;
-- docs/benchmarks/2026-12-07-fold-1.md).
--
-- Most statements pay after every earlier payment of the file. Then nothing moves: each new payment
-- adds one point whose prev is the last folded payment of its sequence (file or student,
-- organisation, grouping) — a max() per sequence, no window — or the statement's own previous
-- payment of the same sequence. Only a file (student) with a payment dated before the last folded
-- payment of the same organisation, which moves the prev of a later payment, takes 0053's full
-- computation (report_range_points_of with minus without), and only that file (student).
--
-- The folded payments of a file are read index-only from ledger_entry_file_id_aid_type_entry_date_idx
-- (0055: organisation, fund and reversal mark included) without their ids: per (file, organisation,
-- aid type, fund, day), the ledger's payments minus the statement's own minus other statements'
-- pending ones (report_ledger_pending holds the same columns); a day with a count left is folded.
-- Both are in the ledger as this statement sees it (an entry and its pending row are written by
-- one statement; the statement's own entries are written before its upkeep runs).
--
-- A payment on the same day as the last folded one is not back-dated here although the sequence
-- orders by (day, id): the points are (previous day, day) pairs of the sorted days, and inserting
-- a day equal to the last one gives the same pairs whichever side of it its id sorts
-- (…, d, d′ → …, d, d′, d′). The pending-entry rule of 035 holds on both paths: another
-- statement's pending entries are neither a last payment nor a point here.
CREATE OR REPLACE FUNCTION report_range_apply(entries report_ledger_pending[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[] := ARRAY(SELECT entry_id FROM unnest(entries) WHERE reverses_entry_id IS NULL);
BEGIN
  -- 0056: the statement's files with a reversal get their cells anew (a statement of reversals too).
  PERFORM report_range_reversal_refresh(entries);
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM report_range_add(ARRAY(
    WITH n AS MATERIALIZED (
      SELECT entry_id AS id, file_id, organisation_id AS org, aid_type::text AS aid, fund_source::text AS fund, entry_date AS day,
             CASE WHEN aid_type = 'EDUCATION' THEN student_resident_id END AS student
        FROM unnest(entries) WHERE reverses_entry_id IS NULL
    ), folded AS MATERIALIZED (
      SELECT file_id, org, aid, fund, day
        FROM (SELECT l.file_id, l.organisation_id AS org, l.aid_type::text AS aid, l.fund_source::text AS fund, l.entry_date AS day, 1 AS c
                FROM (SELECT DISTINCT file_id FROM n) f JOIN ledger_entry l ON l.file_id = f.file_id
               WHERE l.reverses_entry_id IS NULL
              UNION ALL
              SELECT file_id, org, aid, fund, day, -1 FROM n
              UNION ALL
              SELECT q.file_id, q.organisation_id, q.aid_type::text, q.fund_source::text, q.entry_date, -1
                FROM report_ledger_pending q
               WHERE q.file_id IN (SELECT file_id FROM n) AND q.reverses_entry_id IS NULL AND q.entry_id NOT IN (SELECT id FROM n)) u
       GROUP BY file_id, org, aid, fund, day
      HAVING sum(c) > 0
    ), folded_students AS MATERIALIZED (
      SELECT l.student_resident_id AS student, l.organisation_id AS org, max(l.entry_date) AS day
        FROM (SELECT DISTINCT student FROM n WHERE student IS NOT NULL) s JOIN ledger_entry l ON l.student_resident_id = s.student
       WHERE l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL AND l.reverses_entry_id IS NULL
         AND l.id NOT IN (SELECT id FROM n) AND l.id NOT IN (SELECT entry_id FROM report_ledger_pending)
       GROUP BY 1, 2
    ), last AS MATERIALIZED (
      SELECT n.id, n.file_id, n.org, n.aid, n.fund, n.day,
             max(p.day) AS prev_a, max(p.day) FILTER (WHERE p.aid = n.aid) AS prev_t, max(p.day) FILTER (WHERE p.fund = n.fund) AS prev_f
        FROM n LEFT JOIN folded p ON p.file_id = n.file_id AND p.org = n.org
       GROUP BY n.id, n.file_id, n.org, n.aid, n.fund, n.day
    ), back AS MATERIALIZED (
      SELECT DISTINCT file_id FROM last WHERE day < prev_a
    ), back_students AS MATERIALIZED (
      SELECT DISTINCT n.student FROM n JOIN folded_students f ON f.student = n.student AND f.org = n.org WHERE n.day < f.day
    ), added AS (
      SELECT t.org, v.dim, v.key, t.file_id, t.day, t.id, v.prev
        FROM last t CROSS JOIN LATERAL (VALUES ('A', '', t.prev_a), ('T', t.aid, t.prev_t), ('F', t.fund, t.prev_f)) v(dim, key, prev)
       WHERE t.file_id NOT IN (SELECT file_id FROM back)
    ), x AS (
      SELECT a.org, a.dim, a.key, coalesce(lag(a.day) OVER (PARTITION BY a.file_id, a.org, a.dim, a.key ORDER BY a.day, a.id), a.prev) AS prev,
             a.day, a.file_id, false AS student, 1 AS s
        FROM added a
      UNION ALL
      SELECT n.org, 'S', '', coalesce(lag(n.day) OVER (PARTITION BY n.student, n.org ORDER BY n.day, n.id), t.day), n.day, NULL, true, 1
        FROM n LEFT JOIN folded_students t ON t.student = n.student AND t.org = n.org
       WHERE n.student IS NOT NULL AND n.student NOT IN (SELECT student FROM back_students)
      UNION ALL
      SELECT p.*, 1 FROM report_range_points_of(ARRAY(SELECT file_id FROM back), ARRAY(SELECT student FROM back_students), ids, '{}') p
      UNION ALL
      SELECT p.*, -1 FROM report_range_points_of(ARRAY(SELECT file_id FROM back), ARRAY(SELECT student FROM back_students), '{}', ids) p
    )
    SELECT ROW(x.org, x.dim, x.key, x.prev, x.day, sum(x.s),
               sum(x.s * CASE WHEN x.student THEN 0 ELSE coalesce(z.household_size, 0) END))::report_range_point
      FROM x LEFT JOIN household_file z ON z.id = x.file_id
     GROUP BY x.org, x.dim, x.key, x.prev, x.day
    HAVING sum(x.s) <> 0 OR sum(x.s * CASE WHEN x.student THEN 0 ELSE coalesce(z.household_size, 0) END) <> 0));
END $$;
