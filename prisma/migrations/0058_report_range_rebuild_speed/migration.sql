-- Issue 28: `npm run seed` at 1,000,000 households within 20 minutes. 0053's report_range_rebuild()
-- took 4 min 3 s of the seed at 1M on the Intel Xeon, quiet (8–12 min expected on the AMD EPYC).
-- Same tables, row for row (tests/integration/report-range-upkeep.test.ts compares the upkeep with
-- the rebuild; docs/benchmarks/2026-12-07-seed-4.md compares every table at 1M); cheaper in two places:
--
-- - repeat_first's two 31-element cumulative arrays took 62 FILTERed sums for each of the ~6M
--   (prev, day) cells. The cells of one (prev, month, organisation, grouping) are few (3.6 on
--   average at 1M) and have distinct days, so a running sum over them in day order gives the
--   array's value from each cell's day up to the next one's: each cell writes its stretch of the
--   array (zeros before the first), and the stretches, joined in day order, are the 31 elements.
--   The window's sort is also the GROUP BY's and the INSERT's order, so it is the only sort.
-- - The points are grouped from the ledger once, with three lag windows over each payment (every
--   payment, its aid type, its fund) and a GROUPING SETS aggregate, instead of three copies of every
--   payment sorted and windowed: 10M rows through the windows at 1M instead of 30M. The windows no
--   longer break ties by id: a file's payments on one day have the same date, so the (prev, day)
--   pairs of a partition are the same in either order, and a file's partition carries one household
--   size (a student's carries none).
-- At 1M on S, two pairs: 554 s → 256 s at load 12–14, 210 s → 160 s with the old body on the quieter machine
-- (docs/benchmarks/2026-12-07-seed-4.md).
CREATE OR REPLACE FUNCTION report_range_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_range_paid_daily, report_range_paid_monthly, report_range_repeat_monthly, report_range_repeat_first, report_range_repeat_last;
  -- Every folded payment's points, counted per (organisation, grouping, prev, day).
  CREATE TEMP TABLE report_range_cells ON COMMIT DROP AS
  SELECT organisation_id, CASE GROUPING(aid_type, fund_source) WHEN 3 THEN 'A' WHEN 1 THEN 'T' ELSE 'F' END AS dim,
         coalesce(aid_type::text, fund_source::text, '') AS key,
         CASE GROUPING(aid_type, fund_source) WHEN 3 THEN prev_a WHEN 1 THEN prev_t ELSE prev_f END AS prev, day,
         count(*)::int AS n, sum(size)::bigint AS persons
    FROM (SELECT l.organisation_id, l.aid_type, l.fund_source, l.entry_date AS day, coalesce(z.household_size, 0) AS size,
                 lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id ORDER BY l.entry_date) AS prev_a,
                 lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id, l.aid_type ORDER BY l.entry_date) AS prev_t,
                 lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id, l.fund_source ORDER BY l.entry_date) AS prev_f
            FROM ledger_entry l JOIN household_file z ON z.id = l.file_id
           WHERE l.reverses_entry_id IS NULL AND NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id)) x
   GROUP BY GROUPING SETS ((organisation_id, day, prev_a), (organisation_id, aid_type, day, prev_t), (organisation_id, fund_source, day, prev_f))
  UNION ALL
  SELECT organisation_id, 'S', '', prev, day, count(*)::int, 0
    FROM (SELECT l.organisation_id, l.entry_date AS day,
                 lag(l.entry_date) OVER (PARTITION BY l.student_resident_id, l.organisation_id ORDER BY l.entry_date) AS prev
            FROM ledger_entry l
           WHERE l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL AND l.reverses_entry_id IS NULL
             AND NOT EXISTS (SELECT 1 FROM report_ledger_pending q WHERE q.entry_id = l.id)) x
   GROUP BY 1, 4, 5;
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
  -- repeats[d] (persons[d]) = the running sum at the month's last cell on or before day d, 0 before
  -- the first: each cell writes its value from its own day to the day before the next cell's (to
  -- day 31 for the last), the first cell also the zeros before it; joined in day order as array text.
  INSERT INTO report_range_repeat_first (prev_day, month, organisation_id, dim, key, repeats, persons)
  SELECT prev, month, organisation_id, dim, key,
         ('{' || string_agg(zeros || rtrim(repeat(run_n || ',', upto - dom), ','), ',' ORDER BY dom) || '}')::int[],
         ('{' || string_agg(zeros || rtrim(repeat(run_p || ',', upto - dom), ','), ',' ORDER BY dom) || '}')::int[]
    FROM (SELECT prev, month, organisation_id, dim, key, dom,
                 CASE WHEN lag(dom) OVER w IS NULL THEN repeat('0,', dom - 1) ELSE '' END AS zeros,
                 coalesce(lead(dom) OVER w, 32) AS upto,
                 (sum(n) OVER w)::int AS run_n, (sum(persons) OVER w)::int AS run_p
            FROM (SELECT prev, date_trunc('month', day)::date AS month, extract(day FROM day)::int AS dom, organisation_id, dim, key, n, persons
                    FROM report_range_cells WHERE prev IS NOT NULL) c
          WINDOW w AS (PARTITION BY prev, month, organisation_id, dim, key ORDER BY dom)) x
   GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
  DROP TABLE report_range_cells;
  ANALYZE report_range_paid_daily, report_range_paid_monthly, report_range_repeat_monthly, report_range_repeat_first, report_range_repeat_last;
END $$;
