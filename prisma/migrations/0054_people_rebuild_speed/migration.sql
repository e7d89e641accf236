-- Issue 28: `npm run seed` at 1,000,000 households within 20 minutes. report_ledger_people_rebuild()
-- (0025's body, wrapped by 0046) took 284 s of the quiet 1M seed; half of it went on building two
-- jsonb documents (by_type, by_fund) for each of ~20M file-periods, each from ten columns
-- (jsonb_build_object of all six types and four funds, then jsonb_strip_nulls to drop the ones the
-- file had no entry of) — docs/benchmarks/2026-12-07-seed-2.md, section 2.
--
-- Most file-periods hold entries of one aid type paid from one fund: a month nearly always, and
-- then its document is {type: times} (every entry of the period is of that type, so the type's net
-- is the period's net). The rebuild now carries, per period, the lowest and highest aid type and
-- fund among its entries; where they are equal it builds that one-key document directly, and only
-- the others take 0025's full build. Same rows as before, to the key: the one-key document is what
-- the full build strips down to. The counts are still one grouped pass over the per-column nets.
--
-- Also: quarters are summed from the months and years from the quarters (fewer rows in, the same
-- sums), in one statement each.
CREATE OR REPLACE FUNCTION report_ledger_people_rebuild_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  types constant text[] := ARRAY(SELECT unnest(enum_range(NULL::aid_type))::text);
  funds constant text[] := ARRAY(SELECT unnest(enum_range(NULL::fund_source))::text);
  v_times constant text := 'sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END)';
  n int := cardinality(types) + cardinality(funds);
  v_nets text;     -- n1 … the net per type, then per fund, of a file's month
  v_sums text;     -- the same summed over a shorter period's rows
  v_counts text;   -- files with a positive net, and their sizes, per column
  v_sizes text;
  v_type_doc text; -- by_type and by_fund, from the columns (0025's build)
  v_fund_doc text;
  kind text;
BEGIN
  SELECT string_agg(format('(%s FILTER (WHERE %s = %L))::int AS n%s', v_times, CASE WHEN i <= cardinality(types) THEN 'aid_type' ELSE 'fund_source' END,
                           (types || funds)[i], i), ', '),
         string_agg(format('sum(n%s)::int AS n%s', i, i), ', '),
         string_agg(format('count(*) FILTER (WHERE p.n%s > 0)', i), ', '),
         string_agg(format('sum(coalesce(f.household_size, 0)) FILTER (WHERE p.n%s > 0)', i), ', ')
    INTO v_nets, v_sums, v_counts, v_sizes
    FROM generate_series(1, n) i;
  SELECT format('jsonb_strip_nulls(jsonb_build_object(%s))', string_agg(format('%L, n%s', types[i], i), ', ')) INTO v_type_doc
    FROM generate_series(1, cardinality(types)) i;
  SELECT format('jsonb_strip_nulls(jsonb_build_object(%s))', string_agg(format('%L, n%s', funds[i], cardinality(types) + i), ', ')) INTO v_fund_doc
    FROM generate_series(1, cardinality(funds)) i;

  DROP TABLE IF EXISTS rebuild_file_period, rebuild_student_period;
  EXECUTE format($q$
    CREATE TEMP TABLE rebuild_file_period ON COMMIT DROP AS
    SELECT file_id, 'M'::text AS period_kind, date_trunc('month', entry_date::timestamp)::date AS period_start, organisation_id,
           %s::int AS times, %s, min(aid_type) AS type_lo, max(aid_type) AS type_hi, min(fund_source) AS fund_lo, max(fund_source) AS fund_hi
      FROM ledger_entry GROUP BY file_id, 3, organisation_id$q$, v_times, v_nets);
  -- Quarters from the months, then years from the quarters: a quarter's rows are already summed.
  FOREACH kind IN ARRAY ARRAY['Q', 'Y'] LOOP
    EXECUTE format($q$
      INSERT INTO rebuild_file_period
      SELECT file_id, %L, date_trunc(%L, period_start::timestamp)::date, organisation_id, sum(times)::int, %s,
             min(type_lo), max(type_hi), min(fund_lo), max(fund_hi)
        FROM rebuild_file_period WHERE period_kind = %L GROUP BY file_id, 3, organisation_id$q$,
      kind, CASE kind WHEN 'Q' THEN 'quarter' ELSE 'year' END, v_sums, CASE kind WHEN 'Q' THEN 'M' ELSE 'Q' END);
  END LOOP;
  EXECUTE format($q$
    CREATE TEMP TABLE rebuild_student_period ON COMMIT DROP AS
    SELECT student_resident_id, k.kind AS period_kind, date_trunc(k.unit, entry_date::timestamp)::date AS period_start, organisation_id, %s::int AS times
      FROM ledger_entry CROSS JOIN (VALUES ('M', 'month'), ('Q', 'quarter'), ('Y', 'year')) k(kind, unit)
     WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL GROUP BY 1, 2, 3, 4$q$, v_times);

  TRUNCATE report_ledger_file_period, report_ledger_student_period, report_ledger_count, report_ledger_file, report_ledger_student;
  -- The primary keys are built once after the rows (a sort) instead of row by row.
  ALTER TABLE report_ledger_file_period DROP CONSTRAINT report_ledger_file_period_pkey;
  ALTER TABLE report_ledger_student_period DROP CONSTRAINT report_ledger_student_period_pkey;
  EXECUTE format($q$
    INSERT INTO report_ledger_file_period (file_id, period_kind, period_start, organisation_id, times, by_type, by_fund)
    SELECT file_id, period_kind, period_start, organisation_id, times,
           CASE WHEN type_lo = type_hi THEN jsonb_build_object(type_lo::text, times) ELSE %s END,
           CASE WHEN fund_lo = fund_hi THEN jsonb_build_object(fund_lo::text, times) ELSE %s END
      FROM rebuild_file_period$q$, v_type_doc, v_fund_doc);
  INSERT INTO report_ledger_student_period (student_resident_id, period_kind, period_start, organisation_id, times)
  SELECT student_resident_id, period_kind, period_start, organisation_id, times FROM rebuild_student_period;
  ALTER TABLE report_ledger_file_period ADD CONSTRAINT report_ledger_file_period_pkey PRIMARY KEY (file_id, period_kind, period_start, organisation_id);
  ALTER TABLE report_ledger_student_period ADD CONSTRAINT report_ledger_student_period_pkey PRIMARY KEY (student_resident_id, period_kind, period_start, organisation_id);

  EXECUTE format($q$
    INSERT INTO report_ledger_count (period_kind, period_start, organisation_id, dim, key, households, persons)
    SELECT g.period_kind, g.period_start, g.organisation_id, c.dim, c.key, c.households, c.persons
      FROM (SELECT p.period_kind, p.period_start, p.organisation_id,
                   ARRAY[count(*) FILTER (WHERE p.times > 0), %s]::int[] AS households,
                   ARRAY[sum(coalesce(f.household_size, 0)) FILTER (WHERE p.times > 0), %s]::bigint[] AS persons
              FROM rebuild_file_period p JOIN household_file f ON f.id = p.file_id GROUP BY 1, 2, 3) g
     CROSS JOIN LATERAL unnest(%L::text[], %L::text[], g.households, g.persons) AS c(dim, key, households, persons)
     WHERE c.households > 0$q$,
    v_counts, v_sizes,
    ARRAY['A'] || array_fill('T'::text, ARRAY[cardinality(types)]) || array_fill('F'::text, ARRAY[cardinality(funds)]),
    ARRAY[''] || types || funds);
  INSERT INTO report_ledger_count (period_kind, period_start, organisation_id, dim, key, households, persons)
  SELECT period_kind, period_start, organisation_id, 'S', '', count(*)::int, 0 FROM rebuild_student_period WHERE times > 0 GROUP BY 1, 2, 3;
  INSERT INTO report_ledger_file (file_id, organisation_id, multi)
  SELECT file_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM rebuild_file_period WHERE period_kind = 'Y' GROUP BY 1;
  INSERT INTO report_ledger_student (student_resident_id, organisation_id, multi)
  SELECT student_resident_id, min(organisation_id::text)::uuid, count(DISTINCT organisation_id) > 1 FROM rebuild_student_period WHERE period_kind = 'Y' GROUP BY 1;
  DROP TABLE rebuild_file_period, rebuild_student_period;
  ANALYZE report_ledger_file_period, report_ledger_student_period, report_ledger_count, report_ledger_file, report_ledger_student;
END $$;
REVOKE ALL ON FUNCTION report_ledger_people_rebuild_tables() FROM PUBLIC;
