-- Issue 28: a custom range's households no longer read the files with a reversal apart from the
-- ledger (decision 038). The five point tables (0053) count a household once per organisation and
-- grouping with a payment in the range; the report wants it only when its payments there outnumber
-- its reversals. Read apart, that correction probed every file with a reversal in the range: 6,016
-- files and ~200 ms of the province's half year at 1,000,000 files, the statement's largest part.
--
-- For one sequence (a file, an organisation, a grouping 'A'/'T'/'F' as in 0053) with reversals, the
-- correction is a function of the range [a, b] that is constant between the sequence's entry days:
-- −1 exactly when the range holds at least one of its payments and no more payments than reversals.
-- Each such *cell* of (a, b) is kept as a rectangle: a in [a_from, a_to] (after the previous entry
-- day, up to an entry day), b in [b_from, b_to] (from an entry day, before the next). A range reads
-- the cells containing its point (a, b) through a GiST index: the households −1 each, persons
-- −size. 155,882 cells for 29,688 files at 1,000,000 files / 10,000,000 entries (14 MB).
--
-- A file paid by two organisations (report_ledger_file.multi) is still read apart, for what the
-- cells cannot know: the row wants the file once when its organisations' payments together
-- outnumber their reversals. Students ('S') are read apart as before.

CREATE TABLE report_range_reversal_cell (
  file_id         uuid NOT NULL,
  organisation_id uuid NOT NULL,
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F')),
  key             text NOT NULL,
  a_from          date,          -- NULL: no earlier entry day (any start up to a_to)
  a_to            date NOT NULL,
  b_from          date NOT NULL,
  b_to            date,          -- NULL: no later entry day
  size            integer NOT NULL,
  PRIMARY KEY (file_id, organisation_id, dim, key, a_to, b_from)
);
COMMENT ON TABLE report_range_reversal_cell IS 'bangfu:derived — kept by report_range_reversal_refresh() from ledger_entry and household_file (migration 0056); the application only reads it';

-- A cell as a box in day numbers, and a range (a, b) as the point it must contain.
CREATE FUNCTION report_range_cell(a_from date, a_to date, b_from date, b_to date) RETURNS box
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT box(point(coalesce(a_from, date '0001-01-01') - date '0001-01-01', b_from - date '0001-01-01'),
             point(a_to - date '0001-01-01', coalesce(b_to, date '9999-12-31') - date '0001-01-01'))
$$;
CREATE INDEX report_range_reversal_cell_box_idx ON report_range_reversal_cell USING gist (report_range_cell(a_from, a_to, b_from, b_to));

-- The files a statement touches that have a reversal (few: 29,688 of 1,000,000 files), and the
-- students' reversals of a range (the students are still read apart).
CREATE INDEX ledger_entry_reversal_file_idx ON ledger_entry (file_id) WHERE reverses_entry_id IS NOT NULL;
CREATE INDEX ledger_entry_student_reversal_idx ON ledger_entry (entry_date, organisation_id) INCLUDE (student_resident_id)
  WHERE reverses_entry_id IS NOT NULL AND aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL;

-- The cells of a set of files as the folded ledger holds them: `with_ids` are entries counted even
-- while pending (a statement's own); other statements' pending entries are left out (0053's rule).
-- Per sequence with a reversal, its entry days numbered k = 1..m with running payments cp and
-- reversals cr; the days k..l hold cp(l) − cp(k) + p(k) payments and as many reversals likewise.
CREATE FUNCTION report_range_reversal_cells_of(files uuid[], with_ids uuid[])
RETURNS TABLE (file_id uuid, organisation_id uuid, dim text, key text, a_from date, a_to date, b_from date, b_to date)
LANGUAGE sql STABLE AS $$
  WITH ev AS (
    SELECT l.file_id, l.organisation_id, v.dim, v.key, l.entry_date AS day,
           count(*) FILTER (WHERE l.reverses_entry_id IS NULL)::int AS p, count(*) FILTER (WHERE l.reverses_entry_id IS NOT NULL)::int AS r
      FROM ledger_entry l CROSS JOIN LATERAL (VALUES ('A', ''), ('T', l.aid_type::text), ('F', l.fund_source::text)) v(dim, key)
     WHERE l.file_id = ANY (files)
       AND (l.id IN (SELECT unnest(with_ids)) OR NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id))
     GROUP BY 1, 2, 3, 4, 5
  ), seq AS (
    SELECT ev.*, sum(r) OVER (PARTITION BY ev.file_id, ev.organisation_id, ev.dim, ev.key) AS reversals FROM ev
  ), days AS (
    SELECT s.file_id, s.organisation_id, s.dim, s.key, s.day, s.p, s.r, row_number() OVER w AS k,
           lag(s.day) OVER w AS prev_day, lead(s.day) OVER w AS next_day, sum(s.p) OVER w AS cp, sum(s.r) OVER w AS cr
      FROM seq s WHERE s.reversals > 0
    WINDOW w AS (PARTITION BY s.file_id, s.organisation_id, s.dim, s.key ORDER BY s.day)
  )
  SELECT x.file_id, x.organisation_id, x.dim, x.key, x.prev_day + 1, x.day, y.day, y.next_day - 1
    FROM days x JOIN days y ON y.file_id = x.file_id AND y.organisation_id = x.organisation_id AND y.dim = x.dim AND y.key = x.key AND y.k >= x.k
   WHERE y.cp - x.cp + x.p BETWEEN 1 AND y.cr - x.cr + x.r
$$;

-- A statement's files that have a reversal get their cells anew. Runs inside report_range_apply,
-- after report_ledger_apply's upsert of report_ledger_file has locked every file of the statement:
-- two statements touching one file do this one after the other, the second seeing the first's rows.
CREATE FUNCTION report_range_reversal_refresh(entries report_ledger_pending[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  files uuid[] := ARRAY(SELECT DISTINCT l.file_id FROM ledger_entry l
                         WHERE l.reverses_entry_id IS NOT NULL AND l.file_id IN (SELECT file_id FROM unnest(entries)) ORDER BY 1);
BEGIN
  IF cardinality(files) = 0 THEN
    RETURN;
  END IF;
  DELETE FROM report_range_reversal_cell WHERE file_id = ANY (files);
  INSERT INTO report_range_reversal_cell (file_id, organisation_id, dim, key, a_from, a_to, b_from, b_to, size)
  SELECT c.file_id, c.organisation_id, c.dim, c.key, c.a_from, c.a_to, c.b_from, c.b_to, coalesce(z.household_size, 0)
    FROM report_range_reversal_cells_of(files, ARRAY(SELECT entry_id FROM unnest(entries))) c JOIN household_file z ON z.id = c.file_id;
END $$;

-- Every file's cells from the folded ledger (the migration, and the bulk loader after
-- report_range_rebuild()), in the order of their a_to, which keeps a range's cells on few pages.
CREATE FUNCTION report_range_reversal_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_range_reversal_cell;
  INSERT INTO report_range_reversal_cell (file_id, organisation_id, dim, key, a_from, a_to, b_from, b_to, size)
  SELECT c.file_id, c.organisation_id, c.dim, c.key, c.a_from, c.a_to, c.b_from, c.b_to, coalesce(z.household_size, 0)
    FROM report_range_reversal_cells_of(ARRAY(SELECT DISTINCT file_id FROM ledger_entry WHERE reverses_entry_id IS NOT NULL), '{}') c
    JOIN household_file z ON z.id = c.file_id
   ORDER BY c.a_to, c.b_from;
  ANALYZE report_range_reversal_cell;
END $$;

-- 0053's report_range_apply with the cells refreshed first (a statement of reversals only changes
-- no point but does change cells).
CREATE OR REPLACE FUNCTION report_range_apply(entries report_ledger_pending[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[] := ARRAY(SELECT entry_id FROM unnest(entries) WHERE reverses_entry_id IS NULL);
  files uuid[] := ARRAY(SELECT DISTINCT file_id FROM unnest(entries) WHERE reverses_entry_id IS NULL);
  students text[] := ARRAY(SELECT DISTINCT student_resident_id FROM unnest(entries)
                            WHERE reverses_entry_id IS NULL AND aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL);
BEGIN
  PERFORM report_range_reversal_refresh(entries);
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM report_range_add(ARRAY(
    SELECT ROW(x.organisation_id, x.dim, x.key, x.prev, x.day, sum(x.s),
               sum(x.s * CASE WHEN x.student THEN 0 ELSE coalesce(z.household_size, 0) END))::report_range_point
      FROM (SELECT p.*, 1 AS s FROM report_range_points_of(files, students, ids, '{}') p
            UNION ALL
            SELECT p.*, -1 FROM report_range_points_of(files, students, '{}', ids) p) x
      LEFT JOIN household_file z ON z.id = x.file_id
     GROUP BY x.organisation_id, x.dim, x.key, x.prev, x.day
    HAVING sum(x.s) <> 0 OR sum(x.s * CASE WHEN x.student THEN 0 ELSE coalesce(z.household_size, 0) END) <> 0));
END $$;

-- 0053's report_ledger_size_update, unchanged but for the last statement: a file's cells take its new size.
CREATE OR REPLACE FUNCTION report_ledger_size_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH ch AS (
    SELECT n.id, coalesce(n.household_size, 0) - coalesce(o.household_size, 0) AS diff
      FROM old_files o JOIN new_files n USING (id) WHERE n.household_size IS DISTINCT FROM o.household_size
  ), cells AS (
    SELECT s.period_kind, s.period_start, s.organisation_id, 'A' AS dim, '' AS key, ch.diff
      FROM ch JOIN report_ledger_file_period s ON s.file_id = ch.id WHERE s.times > 0
    UNION ALL
    SELECT s.period_kind, s.period_start, s.organisation_id, 'T', k.key, ch.diff
      FROM ch JOIN report_ledger_file_period s ON s.file_id = ch.id CROSS JOIN LATERAL jsonb_each_text(s.by_type) k WHERE k.value::int > 0
    UNION ALL
    SELECT s.period_kind, s.period_start, s.organisation_id, 'F', k.key, ch.diff
      FROM ch JOIN report_ledger_file_period s ON s.file_id = ch.id CROSS JOIN LATERAL jsonb_each_text(s.by_fund) k WHERE k.value::int > 0
  )
  INSERT INTO report_ledger_count AS c (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT period_kind, period_start, organisation_id, dim, key, 0, sum(diff)::bigint FROM cells GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (period_kind, period_start, organisation_id, dim, key) DO UPDATE SET persons = c.persons + EXCLUDED.persons;

  PERFORM report_range_add(ARRAY(
    WITH ch AS (
      SELECT n.id, coalesce(n.household_size, 0) - coalesce(o.household_size, 0) AS diff
        FROM old_files o JOIN new_files n USING (id) WHERE n.household_size IS DISTINCT FROM o.household_size
    )
    SELECT ROW(p.organisation_id, p.dim, p.key, p.prev, p.day, 0, sum(ch.diff))::report_range_point
      FROM report_range_points_of(ARRAY(SELECT id FROM ch), '{}', '{}', '{}') p JOIN ch ON ch.id = p.file_id
     GROUP BY p.organisation_id, p.dim, p.key, p.prev, p.day HAVING sum(ch.diff) <> 0));

  UPDATE report_range_reversal_cell c SET size = coalesce(n.household_size, 0)
    FROM old_files o JOIN new_files n USING (id)
   WHERE c.file_id = n.id AND n.household_size IS DISTINCT FROM o.household_size;
  RETURN NULL;
END $$;

SELECT report_range_reversal_rebuild();

ALTER FUNCTION report_ledger_size_update() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_range_reversal_cells_of(uuid[], uuid[]), report_range_reversal_refresh(report_ledger_pending[]),
  report_range_reversal_rebuild() FROM PUBLIC;

SELECT bangfu_apply_grants();
