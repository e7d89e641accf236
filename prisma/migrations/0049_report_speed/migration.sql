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
