-- Issue 28: a custom range's households, persons and students (自定义 30 天, a 送温暖 season, a fiscal
-- half) from kept counts instead of the range's ledger entries (decision 035: 7.2 s for the province
-- at 1,000,000 files when read from the entries).
--
-- A *point* is one payment (not a reversal) of an organisation o to a household h in a grouping g —
-- every payment ('A'), those of one aid type ('T', key), of one fund ('F', key), and the 助学
-- payments with a student ('S', the student in place of the household, no persons) — with `prev`,
-- the day of o's previous payment to h in g (NULL for the first). h is paid in [a, b] exactly when
-- it has a payment there whose prev is before a, so
--     households paid in [a, b] = points with day in [a, b] − points with a ≤ prev ≤ day ≤ b,
-- and persons the same sums of the household size. The five tables count the points by day and
-- month (payments) and by (prev, day) in whole months with day precision at the range's two
-- partial months (repeats): see docs/decisions/035-custom-range-households.md for which table a
-- range reads for which part. The report reads apart, from the ledger, the few files the points
-- do not describe: a file with a reversal in the range and a file paid by two organisations.

CREATE TABLE report_range_paid_daily (
  day             date NOT NULL,
  organisation_id uuid NOT NULL,
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F', 'S')),
  key             text NOT NULL,
  payments        integer NOT NULL,
  persons         bigint NOT NULL,
  PRIMARY KEY (day, organisation_id, dim, key)
);
CREATE TABLE report_range_paid_monthly (
  month           date NOT NULL,
  organisation_id uuid NOT NULL,
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F', 'S')),
  key             text NOT NULL,
  payments        integer NOT NULL,
  persons         bigint NOT NULL,
  PRIMARY KEY (month, organisation_id, dim, key)
);
-- Repeats (points with a previous payment) by the previous payment's month and the payment's month.
CREATE TABLE report_range_repeat_monthly (
  prev_month      date NOT NULL,
  month           date NOT NULL,
  organisation_id uuid NOT NULL,
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F', 'S')),
  key             text NOT NULL,
  repeats         integer NOT NULL,
  persons         bigint NOT NULL,
  PRIMARY KEY (prev_month, month, organisation_id, dim, key)
);
-- By the previous payment's day and the payment's month; repeats[d] and persons[d] count those paid
-- on days 1..d of the month (cumulative), so one row answers "up to day d" for the range's last month.
CREATE TABLE report_range_repeat_first (
  prev_day        date NOT NULL,
  month           date NOT NULL,
  organisation_id uuid NOT NULL,
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F', 'S')),
  key             text NOT NULL,
  repeats         integer[] NOT NULL CHECK (cardinality(repeats) = 31),
  persons         integer[] NOT NULL CHECK (cardinality(persons) = 31),
  PRIMARY KEY (prev_day, month, organisation_id, dim, key)
);
-- By the payment's day and the previous payment's month.
CREATE TABLE report_range_repeat_last (
  day             date NOT NULL,
  prev_month      date NOT NULL,
  organisation_id uuid NOT NULL,
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F', 'S')),
  key             text NOT NULL,
  repeats         integer NOT NULL,
  persons         bigint NOT NULL,
  PRIMARY KEY (day, prev_month, organisation_id, dim, key)
);
COMMENT ON TABLE report_range_paid_daily IS 'bangfu:derived — kept by report_range_add() from ledger_entry and household_file (migration 0053); the application only reads it';
COMMENT ON TABLE report_range_paid_monthly IS 'bangfu:derived — kept by report_range_add() from ledger_entry and household_file (migration 0053); the application only reads it';
COMMENT ON TABLE report_range_repeat_monthly IS 'bangfu:derived — kept by report_range_add() from ledger_entry and household_file (migration 0053); the application only reads it';
COMMENT ON TABLE report_range_repeat_first IS 'bangfu:derived — kept by report_range_add() from ledger_entry and household_file (migration 0053); the application only reads it';
COMMENT ON TABLE report_range_repeat_last IS 'bangfu:derived — kept by report_range_add() from ledger_entry and household_file (migration 0053); the application only reads it';

-- A student's payments, for the upkeep of the 'S' points (a student may be paid for two files).
-- Partial: only 助学 entries with a student, none of the other payments.
CREATE INDEX ledger_entry_student_idx ON ledger_entry (student_resident_id, organisation_id, entry_date)
  WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL;

-- Points counted (n points, or n = 0 with a change of persons when a household's size changes).
CREATE TYPE report_range_point AS (organisation_id uuid, dim text, key text, prev date, day date, n integer, persons bigint);

-- The points of a set of files and students as the folded ledger holds them, each with the weight
-- `sign` (1, or −1 for the "before" side), the file's size times `size_factor`. `with_ids` are
-- entries counted even while pending (a statement's own), `without_ids` never counted (its own on
-- the "before" side): pending entries of other statements are left out on both sides, so every
-- change is taken against exactly what has been folded. The id lists are read as hashed subqueries:
-- `= ANY (array)` would compare each of a big statement's 10,000 ids with every payment of its files.
CREATE FUNCTION report_range_points_of(files uuid[], students text[], with_ids uuid[], without_ids uuid[])
RETURNS TABLE (organisation_id uuid, dim text, key text, prev date, day date, file_id uuid, student boolean) LANGUAGE sql STABLE AS $$
  WITH p AS (
    SELECT l.id, l.organisation_id, l.file_id, l.aid_type::text AS aid, l.fund_source::text AS fund, l.entry_date
      FROM ledger_entry l
     WHERE l.file_id = ANY (files) AND l.reverses_entry_id IS NULL AND l.id NOT IN (SELECT unnest(without_ids))
       AND (l.id IN (SELECT unnest(with_ids)) OR NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id))
  ), s AS (
    SELECT l.id, l.organisation_id, l.student_resident_id, l.entry_date
      FROM ledger_entry l
     WHERE l.student_resident_id = ANY (students) AND l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL
       AND l.reverses_entry_id IS NULL AND l.id NOT IN (SELECT unnest(without_ids))
       AND (l.id IN (SELECT unnest(with_ids)) OR NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id))
  )
  SELECT p.organisation_id, v.dim, v.key,
         lag(p.entry_date) OVER (PARTITION BY p.file_id, p.organisation_id, v.dim, v.key ORDER BY p.entry_date, p.id), p.entry_date, p.file_id, false
    FROM p CROSS JOIN LATERAL (VALUES ('A', ''), ('T', p.aid), ('F', p.fund)) v(dim, key)
  UNION ALL
  SELECT s.organisation_id, 'S', '', lag(s.entry_date) OVER (PARTITION BY s.student_resident_id, s.organisation_id ORDER BY s.entry_date, s.id),
         s.entry_date, NULL, true
    FROM s
$$;

-- report_range_add(points): adds counted points to the five tables (an upsert per table, ordered by
-- its key: additions commute, so statements adding at once cannot deadlock on the order).
-- report_range_rebuild(): the five tables from the folded ledger (the bulk loader, after
-- report_ledger_people_rebuild()), each inserted in its key's order, which the range read scans.
-- Both are written here with the 31 cumulative sums of repeat_first spelled out.
DO $do$
DECLARE
  cum_n text;
  cum_p text;
BEGIN
  SELECT string_agg(format('coalesce(sum(n) FILTER (WHERE dom <= %s), 0)::int', i), ', ' ORDER BY i),
         string_agg(format('coalesce(sum(persons) FILTER (WHERE dom <= %s), 0)::int', i), ', ' ORDER BY i)
    INTO cum_n, cum_p FROM generate_series(1, 31) i;

  EXECUTE format($f$
CREATE FUNCTION report_range_add(points report_range_point[]) RETURNS void LANGUAGE sql AS $$
  WITH p AS MATERIALIZED (SELECT * FROM unnest(points)),
  paid_daily AS (
    INSERT INTO report_range_paid_daily AS t (day, organisation_id, dim, key, payments, persons)
    SELECT day, organisation_id, dim, key, sum(n), sum(persons) FROM p GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, organisation_id, dim, key) DO UPDATE SET payments = t.payments + EXCLUDED.payments, persons = t.persons + EXCLUDED.persons
  ), paid_monthly AS (
    INSERT INTO report_range_paid_monthly AS t (month, organisation_id, dim, key, payments, persons)
    SELECT date_trunc('month', day)::date, organisation_id, dim, key, sum(n), sum(persons) FROM p GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (month, organisation_id, dim, key) DO UPDATE SET payments = t.payments + EXCLUDED.payments, persons = t.persons + EXCLUDED.persons
  ), repeat_monthly AS (
    INSERT INTO report_range_repeat_monthly AS t (prev_month, month, organisation_id, dim, key, repeats, persons)
    SELECT date_trunc('month', prev)::date, date_trunc('month', day)::date, organisation_id, dim, key, sum(n), sum(persons)
      FROM p WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (prev_month, month, organisation_id, dim, key) DO UPDATE SET repeats = t.repeats + EXCLUDED.repeats, persons = t.persons + EXCLUDED.persons
  ), repeat_last AS (
    INSERT INTO report_range_repeat_last AS t (day, prev_month, organisation_id, dim, key, repeats, persons)
    SELECT day, date_trunc('month', prev)::date, organisation_id, dim, key, sum(n), sum(persons)
      FROM p WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (day, prev_month, organisation_id, dim, key) DO UPDATE SET repeats = t.repeats + EXCLUDED.repeats, persons = t.persons + EXCLUDED.persons
  )
  -- The arrays are added element by element inline (a SQL function per row cost a second for a
  -- 10,000-entry statement in the prototype).
  INSERT INTO report_range_repeat_first AS t (prev_day, month, organisation_id, dim, key, repeats, persons)
  SELECT prev, month, organisation_id, dim, key, ARRAY[%1$s], ARRAY[%2$s]
    FROM (SELECT prev, date_trunc('month', day)::date AS month, extract(day FROM day)::int AS dom, organisation_id, dim, key, n, persons
            FROM p WHERE prev IS NOT NULL) x
   GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (prev_day, month, organisation_id, dim, key) DO UPDATE
    SET repeats = ARRAY(SELECT t.repeats[i] + EXCLUDED.repeats[i] FROM generate_series(1, 31) i ORDER BY i),
        persons = ARRAY(SELECT t.persons[i] + EXCLUDED.persons[i] FROM generate_series(1, 31) i ORDER BY i)
$$$f$, cum_n, cum_p);

  EXECUTE format($f$
CREATE FUNCTION report_range_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_range_paid_daily, report_range_paid_monthly, report_range_repeat_monthly, report_range_repeat_first, report_range_repeat_last;
  -- Every folded payment's point, counted per (organisation, grouping, prev, day): one window sort.
  CREATE TEMP TABLE report_range_cells ON COMMIT DROP AS
  SELECT organisation_id, dim, key, prev, day, count(*)::int AS n, sum(size)::bigint AS persons
    FROM (SELECT l.organisation_id, v.dim, v.key, l.entry_date AS day, coalesce(z.household_size, 0) AS size,
                 lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id, v.dim, v.key ORDER BY l.entry_date, l.id) AS prev
            FROM ledger_entry l JOIN household_file z ON z.id = l.file_id
           CROSS JOIN LATERAL (VALUES ('A', ''), ('T', l.aid_type::text), ('F', l.fund_source::text)) v(dim, key)
           WHERE l.reverses_entry_id IS NULL AND NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id)
          UNION ALL
          SELECT l.organisation_id, 'S', '', l.entry_date, 0,
                 lag(l.entry_date) OVER (PARTITION BY l.student_resident_id, l.organisation_id ORDER BY l.entry_date, l.id)
            FROM ledger_entry l
           WHERE l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL AND l.reverses_entry_id IS NULL
             AND NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id)) x
   GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO report_range_paid_daily (day, organisation_id, dim, key, payments, persons)
  SELECT day, organisation_id, dim, key, sum(n), sum(persons) FROM report_range_cells GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
  INSERT INTO report_range_paid_monthly (month, organisation_id, dim, key, payments, persons)
  SELECT date_trunc('month', day)::date, organisation_id, dim, key, sum(payments), sum(persons) FROM report_range_paid_daily GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
  INSERT INTO report_range_repeat_last (day, prev_month, organisation_id, dim, key, repeats, persons)
  SELECT day, date_trunc('month', prev)::date, organisation_id, dim, key, sum(n), sum(persons)
    FROM report_range_cells WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
  INSERT INTO report_range_repeat_monthly (prev_month, month, organisation_id, dim, key, repeats, persons)
  SELECT prev_month, date_trunc('month', day)::date, organisation_id, dim, key, sum(repeats), sum(persons)
    FROM report_range_repeat_last GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
  INSERT INTO report_range_repeat_first (prev_day, month, organisation_id, dim, key, repeats, persons)
  SELECT prev, month, organisation_id, dim, key, ARRAY[%1$s], ARRAY[%2$s]
    FROM (SELECT prev, date_trunc('month', day)::date AS month, extract(day FROM day)::int AS dom, organisation_id, dim, key, n, persons
            FROM report_range_cells WHERE prev IS NOT NULL) x
   GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
  DROP TABLE report_range_cells;
  ANALYZE report_range_paid_daily, report_range_paid_monthly, report_range_repeat_monthly, report_range_repeat_first, report_range_repeat_last;
END $$$f$, cum_n, cum_p);
END $do$;

-- The points a statement's payments add, and move: a payment after the file's last one adds its
-- point; a back-dated one also changes the prev of the payment that follows it. Computed as the
-- points of the touched files and students with the statement's payments minus those without them
-- (the rest cancel). A reversal is not a point: the report reads a file with a reversal in the range
-- apart. Runs after report_ledger_apply's upsert of report_ledger_file, which locks every file of
-- the statement (and report_ledger_student every student): two statements paying one file run
-- this one after the other, the second with a fresh snapshot that sees the first's entries.
CREATE FUNCTION report_range_apply(entries report_ledger_pending[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[] := ARRAY(SELECT entry_id FROM unnest(entries) WHERE reverses_entry_id IS NULL);
  files uuid[] := ARRAY(SELECT DISTINCT file_id FROM unnest(entries) WHERE reverses_entry_id IS NULL);
  students text[] := ARRAY(SELECT DISTINCT student_resident_id FROM unnest(entries)
                            WHERE reverses_entry_id IS NULL AND aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL);
BEGIN
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

-- 0046's report_ledger_apply, unchanged but for the last line: the custom-range points.
CREATE OR REPLACE FUNCTION report_ledger_apply(entries report_ledger_pending[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Household sizes are read after this lock: a size change in flight commits first (and is seen)
  -- or waits for this transaction (and then sees its rows).
  PERFORM 1 FROM household_file f WHERE f.id IN (SELECT file_id FROM unnest(entries)) ORDER BY f.id FOR SHARE;

  WITH e AS (
    SELECT n.file_id, p.period_kind, p.period_start, n.organisation_id, n.aid_type::text AS aid_type, n.fund_source::text AS fund_source,
           sum(CASE WHEN n.reverses_entry_id IS NULL THEN 1 ELSE -1 END)::int AS times
      FROM unnest(entries) n CROSS JOIN LATERAL report_periods(n.entry_date) p GROUP BY 1, 2, 3, 4, 5, 6
  ), bt AS (
    SELECT file_id, period_kind, period_start, organisation_id, sum(times)::int AS times, jsonb_object_agg(aid_type, times) AS by_type
      FROM (SELECT file_id, period_kind, period_start, organisation_id, aid_type, sum(times)::int AS times FROM e GROUP BY 1, 2, 3, 4, 5) x
     GROUP BY 1, 2, 3, 4
  ), bf AS (
    SELECT file_id, period_kind, period_start, organisation_id, jsonb_object_agg(fund_source, times) AS by_fund
      FROM (SELECT file_id, period_kind, period_start, organisation_id, fund_source, sum(times)::int AS times FROM e GROUP BY 1, 2, 3, 4, 5) x
     GROUP BY 1, 2, 3, 4
  ), up AS (
    INSERT INTO report_ledger_file_period AS s (file_id, period_kind, period_start, organisation_id, times, by_type, by_fund)
    SELECT bt.file_id, bt.period_kind, bt.period_start, bt.organisation_id, bt.times, bt.by_type, bf.by_fund
      FROM bt JOIN bf USING (file_id, period_kind, period_start, organisation_id)
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (file_id, period_kind, period_start, organisation_id) DO UPDATE
      SET times = s.times + EXCLUDED.times, by_type = report_jsonb_add(s.by_type, EXCLUDED.by_type), by_fund = report_jsonb_add(s.by_fund, EXCLUDED.by_fund)
    RETURNING WITH (OLD AS was, NEW AS now) now.file_id, now.period_kind, now.period_start, now.organisation_id, was.times AS old_times, now.times AS new_times,
              was.by_type AS old_type, now.by_type AS new_type, was.by_fund AS old_fund, now.by_fund AS new_fund
  ), cells AS (
    SELECT file_id, period_kind, period_start, organisation_id, 'A' AS dim, '' AS key,
           (new_times > 0)::int - (coalesce(old_times, 0) > 0)::int AS change FROM up
    UNION ALL
    SELECT u.file_id, u.period_kind, u.period_start, u.organisation_id, 'T', k.key,
           (k.value::int > 0)::int - (coalesce((u.old_type->>k.key)::int, 0) > 0)::int FROM up u CROSS JOIN LATERAL jsonb_each_text(u.new_type) k
    UNION ALL
    SELECT u.file_id, u.period_kind, u.period_start, u.organisation_id, 'F', k.key,
           (k.value::int > 0)::int - (coalesce((u.old_fund->>k.key)::int, 0) > 0)::int FROM up u CROSS JOIN LATERAL jsonb_each_text(u.new_fund) k
  )
  INSERT INTO report_ledger_count AS c (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT x.period_kind, x.period_start, x.organisation_id, x.dim, x.key, sum(x.change)::int, sum(x.change * coalesce(f.household_size, 0))::bigint
    FROM cells x JOIN household_file f ON f.id = x.file_id
   WHERE x.change <> 0 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (period_kind, period_start, organisation_id, dim, key) DO UPDATE
    SET households = c.households + EXCLUDED.households, persons = c.persons + EXCLUDED.persons;

  WITH d AS (
    SELECT n.student_resident_id, p.period_kind, p.period_start, n.organisation_id,
           sum(CASE WHEN n.reverses_entry_id IS NULL THEN 1 ELSE -1 END)::int AS times
      FROM unnest(entries) n CROSS JOIN LATERAL report_periods(n.entry_date) p
     WHERE n.aid_type = 'EDUCATION' AND n.student_resident_id IS NOT NULL GROUP BY 1, 2, 3, 4
  ), up AS (
    INSERT INTO report_ledger_student_period AS s (student_resident_id, period_kind, period_start, organisation_id, times)
    SELECT * FROM d ORDER BY 1, 2, 3, 4
    ON CONFLICT (student_resident_id, period_kind, period_start, organisation_id) DO UPDATE SET times = s.times + EXCLUDED.times
    RETURNING WITH (OLD AS was, NEW AS now) now.period_kind, now.period_start, now.organisation_id, (now.times > 0)::int - (coalesce(was.times, 0) > 0)::int AS change
  )
  INSERT INTO report_ledger_count AS c (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT period_kind, period_start, organisation_id, 'S', '', sum(change)::int, 0 FROM up WHERE change <> 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (period_kind, period_start, organisation_id, dim, key) DO UPDATE SET households = c.households + EXCLUDED.households;

  -- A second paying organisation marks the file (student) for the report's exact reading.
  INSERT INTO report_ledger_file AS r (file_id, organisation_id, multi)
  SELECT file_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM unnest(entries) GROUP BY file_id ORDER BY file_id
  ON CONFLICT (file_id) DO UPDATE SET multi = true WHERE NOT r.multi AND (r.organisation_id <> EXCLUDED.organisation_id OR EXCLUDED.multi);
  INSERT INTO report_ledger_student AS r (student_resident_id, organisation_id, multi)
  SELECT student_resident_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1
    FROM unnest(entries) WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL GROUP BY 1 ORDER BY 1
  ON CONFLICT (student_resident_id) DO UPDATE SET multi = true WHERE NOT r.multi AND (r.organisation_id <> EXCLUDED.organisation_id OR EXCLUDED.multi);

  PERFORM report_range_apply(entries);
END $$;

-- 0018's report_ledger_size_update, unchanged but for the last statement: every point of a file
-- whose size changed adds the difference to persons.
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
  RETURN NULL;
END $$;

SELECT report_range_rebuild();

ALTER FUNCTION report_ledger_size_update() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_range_add(report_range_point[]), report_range_apply(report_ledger_pending[]), report_range_rebuild(),
  report_range_points_of(uuid[], text[], uuid[], uuid[]) FROM PUBLIC;

SELECT bangfu_apply_grants();
