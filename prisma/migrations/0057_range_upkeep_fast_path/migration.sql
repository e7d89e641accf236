-- Issue 28: the first report read after a 10,000-line batch approval waited 6.0–6.6 s at
-- 1,000,000 files for the custom-range points of its entries (report_ledger_fold() →
-- report_range_apply, migration 0053): a window over every payment of every touched file, once with
-- the statement's payments and once without (decision 035, "What the next session does", step 2).
--
-- Most statements pay after every earlier payment of the file. Then nothing moves: each new payment
-- adds one point whose prev is the last folded payment of its sequence (file or student,
-- organisation, grouping) — a max() per sequence, no window — or the statement's own previous
-- payment of the same sequence. Only a file (student) with a payment dated before the last folded
-- payment of the same organisation, which moves the prev of a later payment, takes 0053's full
-- computation (report_range_points_of with minus without), and only that file (student).
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
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM report_range_add(ARRAY(
    WITH n AS MATERIALIZED (
      SELECT entry_id AS id, file_id, organisation_id AS org, aid_type::text AS aid, fund_source::text AS fund, entry_date AS day,
             CASE WHEN aid_type = 'EDUCATION' THEN student_resident_id END AS student
        FROM unnest(entries) WHERE reverses_entry_id IS NULL
    ), folded AS MATERIALIZED (
      SELECT l.file_id, l.organisation_id AS org, l.aid_type::text AS aid, l.fund_source::text AS fund, max(l.entry_date) AS day
        FROM (SELECT DISTINCT file_id FROM n) f JOIN ledger_entry l ON l.file_id = f.file_id
       WHERE l.reverses_entry_id IS NULL AND l.id NOT IN (SELECT id FROM n) AND l.id NOT IN (SELECT entry_id FROM report_ledger_pending)
       GROUP BY 1, 2, 3, 4
    ), folded_students AS MATERIALIZED (
      SELECT l.student_resident_id AS student, l.organisation_id AS org, max(l.entry_date) AS day
        FROM (SELECT DISTINCT student FROM n WHERE student IS NOT NULL) s JOIN ledger_entry l ON l.student_resident_id = s.student
       WHERE l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL AND l.reverses_entry_id IS NULL
         AND l.id NOT IN (SELECT id FROM n) AND l.id NOT IN (SELECT entry_id FROM report_ledger_pending)
       GROUP BY 1, 2
    ), back AS MATERIALIZED (
      SELECT DISTINCT n.file_id FROM n JOIN folded f ON f.file_id = n.file_id AND f.org = n.org WHERE n.day < f.day
    ), back_students AS MATERIALIZED (
      SELECT DISTINCT n.student FROM n JOIN folded_students f ON f.student = n.student AND f.org = n.org WHERE n.day < f.day
    ), last AS (
      SELECT f.file_id, f.org, v.dim, v.key, max(f.day) AS day
        FROM folded f CROSS JOIN LATERAL (VALUES ('A', ''), ('T', f.aid), ('F', f.fund)) v(dim, key)
       GROUP BY 1, 2, 3, 4
    ), added AS (
      SELECT n.org, v.dim, v.key, n.file_id, n.day, n.id
        FROM n CROSS JOIN LATERAL (VALUES ('A', ''), ('T', n.aid), ('F', n.fund)) v(dim, key)
       WHERE n.file_id NOT IN (SELECT file_id FROM back)
    ), x AS (
      SELECT a.org, a.dim, a.key, coalesce(lag(a.day) OVER (PARTITION BY a.file_id, a.org, a.dim, a.key ORDER BY a.day, a.id), t.day) AS prev,
             a.day, a.file_id, false AS student, 1 AS s
        FROM added a LEFT JOIN last t ON t.file_id = a.file_id AND t.org = a.org AND t.dim = a.dim AND t.key = a.key
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
