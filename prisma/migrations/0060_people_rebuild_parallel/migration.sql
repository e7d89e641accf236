-- Issue 28: `npm run seed` at 1,000,000 households within 20 minutes. report_ledger_people_rebuild()
-- took 216 s of the quiet 1M seed on the Intel Xeon, on one core of two: its per-file periods lived
-- in TEMP tables, which a parallel worker cannot read (their pages are in the leader's own
-- buffers), and every heavy step was an INSERT … SELECT, which PostgreSQL never plans in parallel.
--
-- Same rows as 0054's body; where the work happens moves:
-- - months, quarters and years come from one statement: GROUPING SETS over the chain (file,
--   organisation, year) ⊂ (…, quarter) ⊂ (…, month) is one GroupAggregate over the ledger sorted once
--   (the sort in parallel). 0054 hashed ~10M file-months, then hashed them again into quarters and
--   quarters into years, serially; at 1M the quarters' hash spilled to disk (5 batches, 490 MB);
-- - that and the other heavy steps are CREATE UNLOGGED TABLE … AS SELECT (planned in parallel like
--   a plain SELECT; unlogged: scratch that no crash needs, so no WAL), dropped at the end. The
--   INSERTs into the report tables only copy finished rows: the two jsonb documents of every
--   file-period, the counts' grouped pass (~20 FILTERed aggregates over every file-period, a few
--   thousand rows out) and the per-file first payer are computed by the workers;
-- - a file paid by two organisations is `min(org) <> max(org)` instead of `count(DISTINCT org) > 1`:
--   the same for a non-null column, and a DISTINCT aggregate cannot be split among workers.
-- The function's own settings make the planner take workers for these statements even when its
-- row estimate (one group per ~10 entries at 1M, against ~1) makes the Gather look dear; they
-- end with the function. Small ledgers stay serial (min_parallel_table_scan_size).
-- The student periods (助学 with a student: a few thousand rows) stay as they were.
-- docs/benchmarks/2026-12-07-seed-6.md.
CREATE OR REPLACE FUNCTION report_ledger_people_rebuild_tables() RETURNS void LANGUAGE plpgsql
SET parallel_setup_cost = 100 SET parallel_tuple_cost = 0.01 AS $$
DECLARE
  types constant text[] := ARRAY(SELECT unnest(enum_range(NULL::aid_type))::text);
  funds constant text[] := ARRAY(SELECT unnest(enum_range(NULL::fund_source))::text);
  v_times constant text := 'sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END)';
  n int := cardinality(types) + cardinality(funds);
  v_nets text;     -- n1 … the net per type, then per fund, of a file-period
  v_counts text;   -- files with a positive net, and their sizes, per column
  v_sizes text;
  v_type_doc text; -- by_type and by_fund, from the columns (0025's build)
  v_fund_doc text;
  hashagg constant text := current_setting('enable_hashagg');
BEGIN
  SELECT string_agg(format('(%s FILTER (WHERE %s = %L))::int AS n%s', v_times, CASE WHEN i <= cardinality(types) THEN 'aid_type' ELSE 'fund_source' END,
                           (types || funds)[i], i), ', '),
         string_agg(format('count(*) FILTER (WHERE p.n%s > 0)', i), ', '),
         string_agg(format('sum(coalesce(f.household_size, 0)) FILTER (WHERE p.n%s > 0)', i), ', ')
    INTO v_nets, v_counts, v_sizes
    FROM generate_series(1, n) i;
  SELECT format('jsonb_strip_nulls(jsonb_build_object(%s))', string_agg(format('%L, n%s', types[i], i), ', ')) INTO v_type_doc
    FROM generate_series(1, cardinality(types)) i;
  SELECT format('jsonb_strip_nulls(jsonb_build_object(%s))', string_agg(format('%L, n%s', funds[i], cardinality(types) + i), ', ')) INTO v_fund_doc
    FROM generate_series(1, cardinality(funds)) i;

  -- First, so that a second rebuild at the same time waits here for the first to commit.
  TRUNCATE report_ledger_file_period, report_ledger_student_period, report_ledger_count, report_ledger_file, report_ledger_student;
  DROP TABLE IF EXISTS rebuild_file_period, rebuild_file_period_row, rebuild_count, rebuild_file,
    rebuild_student_period;
  -- Every file-period in one pass: sorted by (file, organisation, year, quarter, month), each
  -- row closes at most one group of each kind. Hashing instead would keep ~20M groups at once.
  PERFORM set_config('enable_hashagg', 'off', true);
  EXECUTE format($q$
    CREATE UNLOGGED TABLE rebuild_file_period AS
    SELECT file_id, CASE GROUPING(q, m) WHEN 0 THEN 'M' WHEN 1 THEN 'Q' ELSE 'Y' END AS period_kind, coalesce(m, q, y) AS period_start,
           organisation_id, %s::int AS times, %s,
           min(aid_type) AS type_lo, max(aid_type) AS type_hi, min(fund_source) AS fund_lo, max(fund_source) AS fund_hi
      FROM (SELECT file_id, organisation_id, aid_type, fund_source, reverses_entry_id, date_trunc('year', entry_date::timestamp)::date AS y,
                   date_trunc('quarter', entry_date::timestamp)::date AS q, date_trunc('month', entry_date::timestamp)::date AS m
              FROM ledger_entry) e
     GROUP BY GROUPING SETS ((file_id, organisation_id, y), (file_id, organisation_id, y, q), (file_id, organisation_id, y, q, m))$q$,
    v_times, v_nets);
  PERFORM set_config('enable_hashagg', hashagg, true);
  EXECUTE format($q$
    CREATE TEMP TABLE rebuild_student_period ON COMMIT DROP AS
    SELECT student_resident_id, k.kind AS period_kind, date_trunc(k.unit, entry_date::timestamp)::date AS period_start, organisation_id, %s::int AS times
      FROM ledger_entry CROSS JOIN (VALUES ('M', 'month'), ('Q', 'quarter'), ('Y', 'year')) k(kind, unit)
     WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL GROUP BY 1, 2, 3, 4$q$, v_times);

  -- The documents, built by the workers; the INSERT below copies the rows.
  EXECUTE format($q$
    CREATE UNLOGGED TABLE rebuild_file_period_row AS
    SELECT file_id, period_kind, period_start, organisation_id, times,
           CASE WHEN type_lo = type_hi THEN jsonb_build_object(type_lo::text, times) ELSE %s END AS by_type,
           CASE WHEN fund_lo = fund_hi THEN jsonb_build_object(fund_lo::text, times) ELSE %s END AS by_fund
      FROM rebuild_file_period$q$, v_type_doc, v_fund_doc);
  -- The primary keys are built once after the rows (a sort) instead of row by row.
  ALTER TABLE report_ledger_file_period DROP CONSTRAINT report_ledger_file_period_pkey;
  ALTER TABLE report_ledger_student_period DROP CONSTRAINT report_ledger_student_period_pkey;
  INSERT INTO report_ledger_file_period (file_id, period_kind, period_start, organisation_id, times, by_type, by_fund)
  SELECT file_id, period_kind, period_start, organisation_id, times, by_type, by_fund FROM rebuild_file_period_row;
  INSERT INTO report_ledger_student_period (student_resident_id, period_kind, period_start, organisation_id, times)
  SELECT student_resident_id, period_kind, period_start, organisation_id, times FROM rebuild_student_period;
  ALTER TABLE report_ledger_file_period ADD CONSTRAINT report_ledger_file_period_pkey PRIMARY KEY (file_id, period_kind, period_start, organisation_id);
  ALTER TABLE report_ledger_student_period ADD CONSTRAINT report_ledger_student_period_pkey PRIMARY KEY (student_resident_id, period_kind, period_start, organisation_id);

  EXECUTE format($q$
    CREATE UNLOGGED TABLE rebuild_count AS
    SELECT p.period_kind, p.period_start, p.organisation_id,
           ARRAY[count(*) FILTER (WHERE p.times > 0), %s]::int[] AS households,
           ARRAY[sum(coalesce(f.household_size, 0)) FILTER (WHERE p.times > 0), %s]::bigint[] AS persons
      FROM rebuild_file_period p JOIN household_file f ON f.id = p.file_id GROUP BY 1, 2, 3$q$,
    v_counts, v_sizes);
  INSERT INTO report_ledger_count (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT g.period_kind, g.period_start, g.organisation_id, c.dim, c.key, c.households, c.persons
    FROM rebuild_count g
   CROSS JOIN LATERAL unnest(ARRAY['A'] || array_fill('T'::text, ARRAY[cardinality(types)]) || array_fill('F'::text, ARRAY[cardinality(funds)]),
                             ARRAY[''] || types || funds, g.households, g.persons) AS c(dim, key, households, persons)
   WHERE c.households > 0;
  INSERT INTO report_ledger_count (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT period_kind, period_start, organisation_id, 'S', '', count(*)::int, 0 FROM rebuild_student_period WHERE times > 0 GROUP BY 1, 2, 3;
  CREATE UNLOGGED TABLE rebuild_file AS
  SELECT file_id, min(organisation_id::text)::uuid AS organisation_id, min(organisation_id::text) <> max(organisation_id::text) AS multi
    FROM rebuild_file_period WHERE period_kind = 'Y' GROUP BY 1;
  INSERT INTO report_ledger_file (file_id, organisation_id, multi) SELECT file_id, organisation_id, multi FROM rebuild_file;
  INSERT INTO report_ledger_student (student_resident_id, organisation_id, multi)
  SELECT student_resident_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM rebuild_student_period WHERE period_kind = 'Y' GROUP BY 1;
  DROP TABLE rebuild_file_period, rebuild_file_period_row, rebuild_count, rebuild_file, rebuild_student_period;
  ANALYZE report_ledger_file_period, report_ledger_student_period, report_ledger_count, report_ledger_file, report_ledger_student;
END $$;
REVOKE ALL ON FUNCTION report_ledger_people_rebuild_tables() FROM PUBLIC;
