-- Issue 28: the files open at a past period's end without summing every change since (decision 039).
--
-- A report's 档案情况 counts the files open at the end of its period: today's open files
-- (report_open_now) less every report_open_delta after that day (0010). The further back the
-- period ends, the more deltas: at 1,000,000 files the province's report for last year read 111,000
-- delta rows (324 ms for that one statement), for 2023 356,000 (948 ms), and each day adds ~330.
--
-- report_open_month keeps, for every month listed in report_open_month_done, the files open at the
-- end of that month per organisation and attributes (a row whose files are 0 may stay). A period's
-- end then reads one month's counts (~1,800 rows) and the deltas of at most part of one month.
--
-- Which months are kept (report_open_roll(), called before every report read): every complete
-- month, once a whole day has passed since it ended, from the first month with a delta. The day's
-- margin is what lets an ordinary change skip the lock: a change is dated on the day of its
-- transaction (report_day(updated_at)), so a transaction would have to stay open for a day to add a
-- delta to a month being rolled.
--
-- Upkeep of kept months: a delta dated before the current month (a file imported as opened years
-- ago, a bulk load) is also added to every kept month from its own on, under a shared advisory lock
-- the roll takes exclusively; the roll only tries the lock, so it never waits for an import and never
-- makes a writer wait more than its own few milliseconds. The bulk loader writes report_open_delta
-- itself and calls report_open_month_rebuild() after.

CREATE TABLE report_open_month (
  id              bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL,
  month           date NOT NULL,
  tier            tier,
  file_level      file_level,
  worker_category worker_category,
  main_cause      hardship_cause,
  files           integer NOT NULL
);
CREATE UNIQUE INDEX report_open_month_key ON report_open_month (month, organisation_id, tier, file_level, worker_category, main_cause) NULLS NOT DISTINCT;
COMMENT ON TABLE report_open_month IS 'bangfu:derived — kept by report_open_roll() and report_add_deltas() from report_open_delta (migration 0062); the application only reads it';

CREATE TABLE report_open_month_done (
  month date PRIMARY KEY CHECK (month = date_trunc('month', month))
);
COMMENT ON TABLE report_open_month_done IS 'bangfu:derived — the months report_open_month holds (migration 0062); the application only reads it';

-- The months from `first` through `through` (first days of months), each as its previous kept
-- month's counts (`base`, or none) plus the deltas since: a running sum per organisation and
-- attributes over the months that changed it, each value repeated until the next change.
CREATE FUNCTION report_open_month_fill(base date, first date, through date) RETURNS integer LANGUAGE sql AS $$
  WITH moves AS (
    SELECT organisation_id, date_trunc('month', day)::date AS month, tier, file_level, worker_category, main_cause, sum(delta)::int AS files
      FROM report_open_delta WHERE day >= first AND day < through + interval '1 month'
     GROUP BY 1, 2, 3, 4, 5, 6
    UNION ALL
    SELECT organisation_id, base, tier, file_level, worker_category, main_cause, files FROM report_open_month WHERE month = base
  ), running AS (
    SELECT organisation_id, month, tier, file_level, worker_category, main_cause, sum(files) OVER w AS files, lead(month) OVER w AS next
      FROM moves WINDOW w AS (PARTITION BY organisation_id, tier, file_level, worker_category, main_cause ORDER BY month)
  ), written AS (
    INSERT INTO report_open_month (organisation_id, month, tier, file_level, worker_category, main_cause, files)
    SELECT r.organisation_id, m.month, r.tier, r.file_level, r.worker_category, r.main_cause, r.files
      FROM running r,
           generate_series(greatest(r.month, first), coalesce((r.next - interval '1 month')::date, through), interval '1 month') m(month)
     WHERE r.files <> 0
  ), months AS (
    INSERT INTO report_open_month_done (month) SELECT generate_series(first, through, interval '1 month')::date RETURNING 1
  )
  SELECT count(*)::int FROM months  -- a WITH's INSERT runs whether or not it is read
$$;

-- Adds the months that have ended (a day ago or more) and are not kept yet; returns how many. A
-- report calls it before reading. It does nothing, at once, when the last such month is kept, or
-- when a writer of back-dated deltas holds the lock (the report then reads a little further).
CREATE FUNCTION report_open_roll() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  through date := (date_trunc('month', report_day(now()) - 1) - interval '1 month')::date;
  last date;
  first date;
BEGIN
  IF EXISTS (SELECT 1 FROM report_open_month_done WHERE month >= through) THEN
    RETURN 0;
  END IF;
  IF NOT pg_try_advisory_xact_lock(hashtext('report_open_month')) THEN
    RETURN 0;
  END IF;
  SELECT max(month) INTO last FROM report_open_month_done;
  first := coalesce((last + interval '1 month')::date, (SELECT date_trunc('month', min(day))::date FROM report_open_delta));
  IF first IS NULL OR first > through THEN
    RETURN 0;
  END IF;
  RETURN report_open_month_fill(last, first, through);
END $$;

-- The bulk loader's rebuild: every kept month again from report_open_delta.
CREATE FUNCTION report_open_month_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('report_open_month'));
  TRUNCATE report_open_month, report_open_month_done;
  PERFORM report_open_roll();
END $$;

-- 0010's report_add_deltas, and a back-dated delta's share of the kept months.
CREATE OR REPLACE FUNCTION report_add_deltas(rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_open_delta (organisation_id, day, tier, file_level, worker_category, main_cause, delta)
  SELECT (r->>'organisation_id')::uuid, (r->>'day')::date, (r->>'tier')::tier, (r->>'file_level')::file_level,
         (r->>'worker_category')::worker_category, (r->>'main_cause')::hardship_cause, sum((r->>'delta')::int)::int
    FROM jsonb_array_elements(rows) r GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (organisation_id, day, tier, file_level, worker_category, main_cause)
  DO UPDATE SET delta = report_open_delta.delta + EXCLUDED.delta;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(rows) r WHERE (r->>'day')::date < date_trunc('month', report_day(now()))) THEN
    -- Taken before the kept months are read, in a statement of its own: a roll that committed
    -- first is seen below; one that has not started waits for this transaction.
    PERFORM pg_advisory_xact_lock_shared(hashtext('report_open_month'));
    INSERT INTO report_open_month (organisation_id, month, tier, file_level, worker_category, main_cause, files)
    SELECT (r->>'organisation_id')::uuid, m.month, (r->>'tier')::tier, (r->>'file_level')::file_level,
           (r->>'worker_category')::worker_category, (r->>'main_cause')::hardship_cause, sum((r->>'delta')::int)::int
      FROM jsonb_array_elements(rows) r JOIN report_open_month_done m ON m.month >= date_trunc('month', (r->>'day')::date)
     GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum((r->>'delta')::int) <> 0
    ON CONFLICT (month, organisation_id, tier, file_level, worker_category, main_cause)
    DO UPDATE SET files = report_open_month.files + EXCLUDED.files;
  END IF;
END $$;

-- Like report_ledger_fold (0046): the report calls it as the application role, it writes derived tables.
ALTER FUNCTION report_open_roll() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_open_roll() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_open_roll() TO bangfu_app;
REVOKE ALL ON FUNCTION report_open_month_fill(date, date, date), report_open_month_rebuild() FROM PUBLIC;

SELECT report_open_roll();
