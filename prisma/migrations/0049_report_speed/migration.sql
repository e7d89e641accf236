-- Issue 28: the report through HTTP at 1,000,000 files, p95 ≤ 100 ms
-- (docs/benchmarks/2026-12-07-reports-1m.md).
--
-- 逾期未复核 (overdue re-checks) of the report's work section counted the open files whose re-check
-- date passed, row by row through household_file_recheck_due_idx: about 27,000 index entries for a
-- city and 110,000 for the province, 70 ms and 110–120 ms on a quiet machine, whatever the period —
-- the slowest statement of every calendar report. The figure is a present-day count (open files
-- now, due before the period's end or today), so a per-(organisation, due date) count of today's
-- open files gives it exactly: at most one row per organisation and day (a few thousand in all),
-- read through the primary key.
--
-- Kept like report_open_now (0010): statement triggers with transition tables, the old rows
-- subtracted and the new ones added in one upsert ordered by key (commutative, so concurrent
-- statements cannot count a file twice or deadlock on the order). Rows that reach 0 stay (they
-- are few and re-used when the day fills again). Nothing else needs to change with it: an
-- approval writes no due date, and a batch approval does not touch household_file.
CREATE TABLE report_recheck_due (
  organisation_id uuid NOT NULL,
  due             date NOT NULL,
  files           integer NOT NULL,
  PRIMARY KEY (organisation_id, due)
);

CREATE FUNCTION report_recheck_due_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_recheck_due AS r (organisation_id, due, files)
    SELECT organisation_id, next_check_due, count(*)::int FROM new_files
     WHERE status = 'OPEN' AND next_check_due IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (organisation_id, due) DO UPDATE SET files = r.files + EXCLUDED.files;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_recheck_due AS r (organisation_id, due, files)
    SELECT organisation_id, next_check_due, -count(*)::int FROM old_files
     WHERE status = 'OPEN' AND next_check_due IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (organisation_id, due) DO UPDATE SET files = r.files + EXCLUDED.files;
  ELSE
    -- Only the files whose counted state changed (opened, exited, re-checked, moved): most updates
    -- of household_file (a note, a size) add nothing here.
    INSERT INTO report_recheck_due AS r (organisation_id, due, files)
    SELECT organisation_id, due, sum(delta)::int FROM (
      SELECT o.organisation_id, o.next_check_due AS due, -1 AS delta
        FROM old_files o JOIN new_files n USING (id)
       WHERE o.status = 'OPEN' AND o.next_check_due IS NOT NULL
         AND (n.status, n.organisation_id, n.next_check_due) IS DISTINCT FROM (o.status, o.organisation_id, o.next_check_due)
      UNION ALL
      SELECT n.organisation_id, n.next_check_due, 1
        FROM old_files o JOIN new_files n USING (id)
       WHERE n.status = 'OPEN' AND n.next_check_due IS NOT NULL
         AND (n.status, n.organisation_id, n.next_check_due) IS DISTINCT FROM (o.status, o.organisation_id, o.next_check_due)
    ) d GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
    ON CONFLICT (organisation_id, due) DO UPDATE SET files = r.files + EXCLUDED.files;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER household_file_report_due_insert AFTER INSERT ON household_file
  REFERENCING NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_recheck_due_change();
CREATE TRIGGER household_file_report_due_update AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_recheck_due_change();
CREATE TRIGGER household_file_report_due_delete AFTER DELETE ON household_file
  REFERENCING OLD TABLE AS old_files FOR EACH STATEMENT EXECUTE FUNCTION report_recheck_due_change();

-- The files as they are (one pass over household_file_recheck_due_idx: under a second at 1M files).
INSERT INTO report_recheck_due (organisation_id, due, files)
  SELECT organisation_id, next_check_due, count(*)::int FROM household_file
   WHERE status = 'OPEN' AND next_check_due IS NOT NULL GROUP BY 1, 2;

-- 资金发放's sums (amounts, payments, reversals per organisation, aid type and fund) read
-- report_ledger_daily (0010) day by day: a year is about 54,000 of its rows at the province, the
-- slowest statement of a yearly or quarterly report (265 ms for Lanzhou's year at load 20). The
-- same sums per calendar month: a report reads its whole months here (a year: about 1,800 rows)
-- and only the days of a partial first or last month from report_ledger_daily, so a custom range
-- (a fiscal half, a 送温暖 season) gains as well. Kept by one more statement trigger on the
-- append-only ledger: a grouped upsert of the statement's rows (a 10,000-line batch is one row).
-- No `bangfu:rebuild` comment: a bulk load keeps it on (one grouped pass per statement).
CREATE TABLE report_ledger_monthly (
  organisation_id uuid NOT NULL,
  month           date NOT NULL CHECK (month = date_trunc('month', month::timestamp)::date),
  aid_type        aid_type NOT NULL,
  fund_source     fund_source NOT NULL,
  payments        integer NOT NULL,
  reversals       integer NOT NULL,
  total_fen       bigint NOT NULL,
  PRIMARY KEY (organisation_id, month, aid_type, fund_source)
);

CREATE FUNCTION report_ledger_monthly_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_ledger_monthly AS m (organisation_id, month, aid_type, fund_source, payments, reversals, total_fen)
  SELECT organisation_id, date_trunc('month', entry_date::timestamp)::date, aid_type, fund_source, count(*) FILTER (WHERE reverses_entry_id IS NULL),
         count(*) FILTER (WHERE reverses_entry_id IS NOT NULL), sum(amount_fen)
    FROM new_entries GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (organisation_id, month, aid_type, fund_source) DO UPDATE
    SET payments = m.payments + EXCLUDED.payments, reversals = m.reversals + EXCLUDED.reversals, total_fen = m.total_fen + EXCLUDED.total_fen;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_entry_report_monthly AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION report_ledger_monthly_add();

-- From the daily sums, which hold the same figures (170,000 rows at 10,000,000 entries).
INSERT INTO report_ledger_monthly (organisation_id, month, aid_type, fund_source, payments, reversals, total_fen)
  SELECT organisation_id, date_trunc('month', entry_date::timestamp)::date, aid_type, fund_source, sum(payments), sum(reversals), sum(total_fen)
    FROM report_ledger_daily GROUP BY 1, 2, 3, 4;
