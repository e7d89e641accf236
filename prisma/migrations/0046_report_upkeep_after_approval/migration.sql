-- Issue 28: approving a batch of 10,000 lines in ≤ 3 s (docs/decisions/032-report-upkeep-after-big-statements.md).
--
-- At 1,000,000 files the statement trigger of 0018 (report_ledger_people_add) took more than half of
-- a 10,000-line approval: 30,000 upserts into report_ledger_file_period (19 million rows, keyed by a
-- random file id) and 10,000 into report_ledger_file, each a random read under the approval's row
-- locks. The counts it keeps are read only by the report of a calendar month, quarter or year.
--
-- Now a statement of more than 1,000 entries (a batch approval, a payment run's reversals) only
-- appends its entries to report_ledger_pending — one sequential insert — and NOTIFYs
-- `report_ledger_pending`; the job worker (lib/reports/report-fold-worker.ts) folds them in a
-- moment later, with exactly the upkeep of 0018 (report_ledger_apply), in its own transaction. A
-- report of a calendar period folds what is still pending before it reads (report_ledger_fold(),
-- called by lib/reports/fold-pending.ts), so its figures include every committed entry at every
-- moment. A statement of up to 1,000 entries (a single payment, a reversal, a small batch) is
-- folded in its own transaction as before: it costs milliseconds there and needs no job.
--
-- The upkeep is order-free: each fold adds its nets under the row lock and counts each crossing
-- of zero it makes, so entries folded later, or in another order than written, give the same
-- counts. Household sizes are read when an entry is folded (FOR SHARE, as before): a size change
-- between the approval and the fold moves the counts the file is already in, and the fold counts
-- the new entries with the new size — the same as if they had been folded at once.

-- The entries of a big statement whose report upkeep is still to be done. Not a history: rows live
-- seconds; the fold deletes what it applies in the same transaction.
CREATE TABLE report_ledger_pending (
  entry_id            uuid PRIMARY KEY,
  file_id             uuid NOT NULL,
  organisation_id     uuid NOT NULL,
  aid_type            aid_type NOT NULL,
  fund_source         fund_source NOT NULL,
  entry_date          date NOT NULL,
  student_resident_id text,
  reverses_entry_id   uuid
);
COMMENT ON TABLE report_ledger_pending IS 'bangfu:derived — entries of a big ledger statement whose report upkeep report_ledger_fold() has still to do; the application only reads it';

-- 0018's upkeep, unchanged, over a set of entries given as rows of report_ledger_pending (the
-- transition table of a small statement, or the pending rows a fold took).
CREATE FUNCTION report_ledger_apply(entries report_ledger_pending[]) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- The statement trigger of 0018 (same name, same rebuild): a small statement is folded at once, a
-- big one is left for the fold.
CREATE OR REPLACE FUNCTION report_ledger_people_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- Above this many entries a statement's upkeep is deferred. 1,000 random files' upkeep costs
  -- about 0.3 s at 1,000,000 files on a quiet machine: less than that is not worth a job.
  inline_max constant integer := 1000;
BEGIN
  IF (SELECT count(*) FROM new_entries) <= inline_max THEN
    PERFORM report_ledger_apply(ARRAY(
      SELECT ROW(id, file_id, organisation_id, aid_type, fund_source, entry_date, student_resident_id, reverses_entry_id)::report_ledger_pending
        FROM new_entries));
  ELSE
    INSERT INTO report_ledger_pending (entry_id, file_id, organisation_id, aid_type, fund_source, entry_date, student_resident_id, reverses_entry_id)
    SELECT id, file_id, organisation_id, aid_type, fund_source, entry_date, student_resident_id, reverses_entry_id FROM new_entries;
    -- Delivered at commit, once per transaction: the job worker folds.
    PERFORM pg_notify('report_ledger_pending', '');
  END IF;
  RETURN NULL;
END $$;

-- Folds every committed pending entry; returns how many. One fold at a time (the advisory lock):
-- a report that finds the job folding waits for it, then finds nothing left. Called by the job
-- worker and, before it reads, by the report of a calendar period.
CREATE FUNCTION report_ledger_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  taken report_ledger_pending[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM report_ledger_pending) THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('report_ledger_fold'));
  WITH d AS (DELETE FROM report_ledger_pending RETURNING *)
  SELECT array_agg(ROW(d.entry_id, d.file_id, d.organisation_id, d.aid_type, d.fund_source, d.entry_date, d.student_resident_id, d.reverses_entry_id)::report_ledger_pending
                   ORDER BY d.file_id) INTO taken FROM d;
  IF taken IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM report_ledger_apply(taken);
  RETURN cardinality(taken);
END $$;

-- A rebuild recomputes everything from the ledger, the pending entries included.
ALTER FUNCTION report_ledger_people_rebuild() RENAME TO report_ledger_people_rebuild_tables;
CREATE FUNCTION report_ledger_people_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_ledger_pending;
  PERFORM report_ledger_people_rebuild_tables();
END $$;

ALTER FUNCTION report_ledger_people_add() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_ledger_fold() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_ledger_apply(report_ledger_pending[]), report_ledger_fold(), report_ledger_people_rebuild(),
  report_ledger_people_rebuild_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_ledger_fold() TO bangfu_app;

SELECT bangfu_apply_grants();
