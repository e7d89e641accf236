-- Distinct households, persons and students of a report period (户数, 人数, 助学学生数) without
-- reading the period's ledger entries (docs/decisions/004-report-figures.md).
--
-- A distinct count does not add up over days or months (a household paid in January and in March
-- is one household of the quarter), so the counts are kept per calendar month, quarter and year,
-- the periods a report is asked for:
--   report_ledger_file_period: per file, period and paying organisation, payments − reversals,
--     also per aid type and per fund (jsonb {key: net}). The state a count is decided from.
--   report_ledger_student_period: the same per student (助学, student_resident_id).
--   report_ledger_count: per period and organisation, how many files (dim A, or per aid type T /
--     fund F) have a positive net there, with the sum of their household sizes, and how many
--     students (dim S). A report row (an organisation's subtree) is the sum of its organisations'
--     counts for every file paid by one organisation only.
--   report_ledger_file / report_ledger_student: the organisation that first paid a file (student)
--     and whether another one has paid it too (a transfer). The few such files are read from
--     report_ledger_file_period when a report is made, so a household paid by two organisations
--     of one row still counts once, and its net is taken across the row.
-- Kept by one statement trigger on the append-only ledger_entry: the upsert's RETURNING OLD/NEW
-- (PostgreSQL 18, aliased: NEW is a PL/pgSQL name) gives, under the row lock, the net before and after, so concurrent inserts count
-- each crossing of zero exactly once; the counts are then added (commutative). Household size is
-- the file's current one (as decided in 004): a size change re-adds the difference to every count
-- the file is in, and the ledger trigger reads sizes under FOR SHARE so the two cannot interleave.

CREATE TABLE report_ledger_file_period (
  file_id         uuid NOT NULL,
  period_kind     text NOT NULL CHECK (period_kind IN ('M', 'Q', 'Y')),
  period_start    date NOT NULL,
  organisation_id uuid NOT NULL,
  times           integer NOT NULL,
  by_type         jsonb NOT NULL,
  by_fund         jsonb NOT NULL,
  PRIMARY KEY (file_id, period_kind, period_start, organisation_id)
) WITH (fillfactor = 80);  -- room for HOT updates: a quarter's and a year's row is updated by each later entry

CREATE TABLE report_ledger_student_period (
  student_resident_id text NOT NULL,
  period_kind         text NOT NULL CHECK (period_kind IN ('M', 'Q', 'Y')),
  period_start        date NOT NULL,
  organisation_id     uuid NOT NULL,
  times               integer NOT NULL,
  PRIMARY KEY (student_resident_id, period_kind, period_start, organisation_id)
);

CREATE TABLE report_ledger_count (
  period_kind     text NOT NULL CHECK (period_kind IN ('M', 'Q', 'Y')),
  period_start    date NOT NULL,
  organisation_id uuid NOT NULL,
  -- A: households; T: households per aid type (key); F: per fund (key); S: students.
  dim             text NOT NULL CHECK (dim IN ('A', 'T', 'F', 'S')),
  key             text NOT NULL,
  households      integer NOT NULL,
  persons         bigint NOT NULL,
  PRIMARY KEY (period_kind, period_start, organisation_id, dim, key)
);

CREATE TABLE report_ledger_file (
  file_id         uuid PRIMARY KEY,
  organisation_id uuid NOT NULL,
  multi           boolean NOT NULL
);
CREATE INDEX report_ledger_file_multi_idx ON report_ledger_file (file_id) WHERE multi;

CREATE TABLE report_ledger_student (
  student_resident_id text PRIMARY KEY,
  organisation_id     uuid NOT NULL,
  multi               boolean NOT NULL
);
CREATE INDEX report_ledger_student_multi_idx ON report_ledger_student (student_resident_id) WHERE multi;

-- {key: n} + {key: n}, keys of both kept (a net of 0 stays, so NEW's keys cover OLD's). A loop over
-- the few keys of b (usually one) costs far less per upserted row than an aggregate over both.
CREATE FUNCTION report_jsonb_add(a jsonb, b jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  k text;
  v jsonb;
  r jsonb := a;
BEGIN
  FOR k, v IN SELECT * FROM jsonb_each(b) LOOP
    r := jsonb_set(r, ARRAY[k], to_jsonb(coalesce((r->>k)::int, 0) + v::int));
  END LOOP;
  RETURN r;
END $$;

-- The month, quarter and year a date lies in.
CREATE FUNCTION report_periods(d date) RETURNS TABLE (period_kind text, period_start date) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  VALUES ('M', date_trunc('month', d::timestamp)::date), ('Q', date_trunc('quarter', d::timestamp)::date), ('Y', date_trunc('year', d::timestamp)::date)
$$;

CREATE FUNCTION report_ledger_people_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Household sizes are read after this lock: a size change in flight commits first (and is seen)
  -- or waits for this transaction (and then sees its rows).
  PERFORM 1 FROM household_file f WHERE f.id IN (SELECT file_id FROM new_entries) ORDER BY f.id FOR SHARE;

  WITH e AS (
    SELECT n.file_id, p.period_kind, p.period_start, n.organisation_id, n.aid_type::text AS aid_type, n.fund_source::text AS fund_source,
           sum(CASE WHEN n.reverses_entry_id IS NULL THEN 1 ELSE -1 END)::int AS times
      FROM new_entries n CROSS JOIN LATERAL report_periods(n.entry_date) p GROUP BY 1, 2, 3, 4, 5, 6
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
      FROM new_entries n CROSS JOIN LATERAL report_periods(n.entry_date) p
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
  SELECT file_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM new_entries GROUP BY file_id ORDER BY file_id
  ON CONFLICT (file_id) DO UPDATE SET multi = true WHERE NOT r.multi AND (r.organisation_id <> EXCLUDED.organisation_id OR EXCLUDED.multi);
  INSERT INTO report_ledger_student AS r (student_resident_id, organisation_id, multi)
  SELECT student_resident_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1
    FROM new_entries WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL GROUP BY 1 ORDER BY 1
  ON CONFLICT (student_resident_id) DO UPDATE SET multi = true WHERE NOT r.multi AND (r.organisation_id <> EXCLUDED.organisation_id OR EXCLUDED.multi);
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_entry_report_people AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION report_ledger_people_add();

-- 人数 is the current household size: a change moves every count the file is in by the difference.
CREATE FUNCTION report_ledger_size_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
  RETURN NULL;
END $$;

CREATE TRIGGER household_file_report_size AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_ledger_size_update();

-- Everything from the ledger as it is: used below for the rows that exist, and by the bulk loader
-- (scripts/seed-ledger.ts), which skips triggers. Set-based: one aggregate pass over the ledger per
-- period kind, the per-type and per-fund nets as FILTERed sums named from the enums (a key only
-- where the file had such entries, as the trigger keeps them).
CREATE FUNCTION report_ledger_people_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  kind text;
  v_times constant text := 'sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END)';
  v_by_type text;
  v_by_fund text;
BEGIN
  SELECT string_agg(format('%L, %s FILTER (WHERE aid_type = %L)', t, v_times, t), ', ') INTO v_by_type FROM unnest(enum_range(NULL::aid_type)) t;
  SELECT string_agg(format('%L, %s FILTER (WHERE fund_source = %L)', f, v_times, f), ', ') INTO v_by_fund FROM unnest(enum_range(NULL::fund_source)) f;
  TRUNCATE report_ledger_file_period, report_ledger_student_period, report_ledger_count, report_ledger_file, report_ledger_student;
  -- The primary keys are built once after the load (a sort) instead of row by row.
  ALTER TABLE report_ledger_file_period DROP CONSTRAINT report_ledger_file_period_pkey;
  ALTER TABLE report_ledger_student_period DROP CONSTRAINT report_ledger_student_period_pkey;
  FOREACH kind IN ARRAY ARRAY['month', 'quarter', 'year'] LOOP
    EXECUTE format($q$
      INSERT INTO report_ledger_file_period (file_id, period_kind, period_start, organisation_id, times, by_type, by_fund)
      SELECT file_id, %L, date_trunc(%L, entry_date::timestamp)::date, organisation_id, %s::int,
             jsonb_strip_nulls(jsonb_build_object(%s)), jsonb_strip_nulls(jsonb_build_object(%s))
        FROM ledger_entry GROUP BY file_id, 3, organisation_id$q$,
      upper(left(kind, 1)), kind, v_times, v_by_type, v_by_fund);
    EXECUTE format($q$
      INSERT INTO report_ledger_student_period (student_resident_id, period_kind, period_start, organisation_id, times)
      SELECT student_resident_id, %L, date_trunc(%L, entry_date::timestamp)::date, organisation_id, %s::int
        FROM ledger_entry WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL GROUP BY 1, 2, 3, 4$q$,
      upper(left(kind, 1)), kind, v_times);
  END LOOP;
  ALTER TABLE report_ledger_file_period ADD CONSTRAINT report_ledger_file_period_pkey PRIMARY KEY (file_id, period_kind, period_start, organisation_id);
  ALTER TABLE report_ledger_student_period ADD CONSTRAINT report_ledger_student_period_pkey PRIMARY KEY (student_resident_id, period_kind, period_start, organisation_id);
  INSERT INTO report_ledger_count (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT s.period_kind, s.period_start, s.organisation_id, c.dim, c.key, count(*)::int, sum(coalesce(f.household_size, 0))::bigint
    FROM report_ledger_file_period s JOIN household_file f ON f.id = s.file_id
    CROSS JOIN LATERAL (
      SELECT 'A' AS dim, '' AS key WHERE s.times > 0
      UNION ALL SELECT 'T', k.key FROM jsonb_each_text(s.by_type) k WHERE k.value::int > 0
      UNION ALL SELECT 'F', k.key FROM jsonb_each_text(s.by_fund) k WHERE k.value::int > 0
    ) c
   GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO report_ledger_count (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT period_kind, period_start, organisation_id, 'S', '', count(*)::int, 0 FROM report_ledger_student_period WHERE times > 0 GROUP BY 1, 2, 3;
  INSERT INTO report_ledger_file (file_id, organisation_id, multi)
  SELECT file_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM report_ledger_file_period WHERE period_kind = 'Y' GROUP BY 1;
  INSERT INTO report_ledger_student (student_resident_id, organisation_id, multi)
  SELECT student_resident_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM report_ledger_student_period WHERE period_kind = 'Y' GROUP BY 1;
  ANALYZE report_ledger_file_period, report_ledger_student_period, report_ledger_count, report_ledger_file, report_ledger_student;
END $$;

SELECT report_ledger_people_rebuild();

COMMENT ON TABLE report_ledger_file_period IS 'bangfu:derived — kept by report_ledger_people_add() from ledger_entry; the application only reads it';
COMMENT ON TABLE report_ledger_student_period IS 'bangfu:derived — kept by report_ledger_people_add() from ledger_entry; the application only reads it';
COMMENT ON TABLE report_ledger_count IS 'bangfu:derived — kept by report_ledger_people_add() from ledger_entry and report_ledger_size_update() from household_file; the application only reads it';
COMMENT ON TABLE report_ledger_file IS 'bangfu:derived — kept by report_ledger_people_add() from ledger_entry; the application only reads it';
COMMENT ON TABLE report_ledger_student IS 'bangfu:derived — kept by report_ledger_people_add() from ledger_entry; the application only reads it';
ALTER FUNCTION report_ledger_people_add() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_ledger_size_update() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_ledger_people_add(), report_ledger_size_update(), report_ledger_people_rebuild() FROM PUBLIC;

-- Approvals (审定建档) per day and the organisation that holds the file now (the work and quality
-- figures count a file's records by its current organisation): how many, how many followed a
-- submission in the same episode and the sum of days since the latest such submission
-- (平均审批天数), and how many had been returned (退回) in the episode before (漏评). Reading the
-- period's approvals with two look-ups each took seconds for a province. Kept by a trigger on
-- filing_event (append-only) and moved with the file by a trigger on household_file.
CREATE TABLE report_approval_daily (
  organisation_id uuid NOT NULL,
  day             date NOT NULL,
  approvals       integer NOT NULL,
  timed           integer NOT NULL,
  days_sum        double precision NOT NULL,
  after_return    integer NOT NULL,
  PRIMARY KEY (organisation_id, day)
);

-- Every approval of the given files with its facts (the submission and return before it, by id, in its episode).
CREATE FUNCTION report_approval_facts(files uuid[]) RETURNS TABLE (file_id uuid, event_id bigint, day date, days double precision, returned boolean)
  LANGUAGE sql STABLE AS $$
  SELECT file_id, id, report_day(at), extract(epoch FROM at - submitted_at) / 86400, coalesce(returned, false)
    FROM (SELECT e.file_id, e.id, e.kind, e.at,
                 max(e.at) FILTER (WHERE e.kind = 'SUBMITTED') OVER w AS submitted_at,
                 bool_or(e.kind = 'REJECTED') OVER w AS returned
            FROM filing_event e WHERE e.file_id = ANY (files)
          WINDOW w AS (PARTITION BY e.file_id, e.episode ORDER BY e.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) x
   WHERE kind = 'APPROVED'
$$;

CREATE FUNCTION report_approval_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_approval_daily AS t (organisation_id, day, approvals, timed, days_sum, after_return)
  SELECT f.organisation_id, a.day, count(*)::int, count(a.days)::int, coalesce(sum(a.days), 0), count(*) FILTER (WHERE a.returned)::int
    FROM report_approval_facts(ARRAY(SELECT DISTINCT file_id FROM new_events WHERE kind = 'APPROVED')) a
    JOIN new_events n ON n.id = a.event_id JOIN household_file f ON f.id = a.file_id
   GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (organisation_id, day) DO UPDATE
    SET approvals = t.approvals + EXCLUDED.approvals, timed = t.timed + EXCLUDED.timed,
        days_sum = t.days_sum + EXCLUDED.days_sum, after_return = t.after_return + EXCLUDED.after_return;
  RETURN NULL;
END $$;
CREATE TRIGGER filing_event_report_approval AFTER INSERT ON filing_event
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION report_approval_add();

-- A transfer takes the file's approvals from the organisation that held it to the one that holds it now.
CREATE FUNCTION report_approval_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id, o.organisation_id AS was, n.organisation_id AS now
      FROM old_files o JOIN new_files n USING (id) WHERE o.organisation_id <> n.organisation_id
  ), facts AS (
    SELECT m.was, m.now, a.day, a.days, a.returned
      FROM report_approval_facts(ARRAY(SELECT id FROM moved)) a JOIN moved m ON m.id = a.file_id
  ), change AS (
    SELECT was AS organisation_id, day, -1 AS sign, days, returned FROM facts
    UNION ALL
    SELECT now, day, 1, days, returned FROM facts
  )
  INSERT INTO report_approval_daily AS t (organisation_id, day, approvals, timed, days_sum, after_return)
  SELECT organisation_id, day, sum(sign)::int, coalesce(sum(sign) FILTER (WHERE days IS NOT NULL), 0)::int, coalesce(sum(sign * days), 0),
         coalesce(sum(sign) FILTER (WHERE returned), 0)::int
    FROM change GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (organisation_id, day) DO UPDATE
    SET approvals = t.approvals + EXCLUDED.approvals, timed = t.timed + EXCLUDED.timed,
        days_sum = t.days_sum + EXCLUDED.days_sum, after_return = t.after_return + EXCLUDED.after_return;
  RETURN NULL;
END $$;
CREATE TRIGGER household_file_report_approval_move AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_approval_move();

INSERT INTO report_approval_daily (organisation_id, day, approvals, timed, days_sum, after_return)
SELECT f.organisation_id, report_day(x.at), count(*)::int, count(x.submitted_at)::int,
       coalesce(sum(extract(epoch FROM x.at - x.submitted_at) / 86400), 0), count(*) FILTER (WHERE x.returned)::int
  FROM (SELECT e.file_id, e.kind, e.at,
               max(e.at) FILTER (WHERE e.kind = 'SUBMITTED') OVER w AS submitted_at,
               bool_or(e.kind = 'REJECTED') OVER w AS returned
          FROM filing_event e
        WINDOW w AS (PARTITION BY e.file_id, e.episode ORDER BY e.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) x
  JOIN household_file f ON f.id = x.file_id
 WHERE x.kind = 'APPROVED'
 GROUP BY 1, 2;

COMMENT ON TABLE report_approval_daily IS 'bangfu:derived — kept by report_approval_add() from filing_event and report_approval_move() from household_file; the application only reads it';
ALTER FUNCTION report_approval_add() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_approval_move() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_approval_add(), report_approval_move() FROM PUBLIC;

-- Aid in the observation period starts from the files exited as resolved whose observation period
-- reaches into the report's period (few), not from the period's entries.
CREATE INDEX household_file_observation_report_idx ON household_file (observation_until) INCLUDE (exited_at, id)
  WHERE exit_reason = 'RESOLVED' AND exited_at IS NOT NULL;

-- The auditor's workbench counts the last 30 days' reversals and over-cap payments: both rare, so
-- a partial index on the date finds them instead of a walk over every reversal or entry.
CREATE INDEX ledger_entry_reversal_date_idx ON ledger_entry (entry_date) WHERE reverses_entry_id IS NOT NULL;
CREATE INDEX ledger_entry_cap_override_date_idx ON ledger_entry (entry_date) WHERE cap_override_reason IS NOT NULL;
