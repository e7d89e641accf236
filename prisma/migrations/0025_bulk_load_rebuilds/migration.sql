-- Derived tables a bulk load rebuilds instead of keeping statement by statement (scripts/seed-ledger.ts).
--
-- A trigger commented `bangfu:rebuild f()` keeps a derived table that f() recomputes set-based
-- from its sources, to the same rows (tests/integration/derived-rebuild.test.ts calls every such
-- f() on a ledger the triggers kept and compares every derived table). A bulk load leaves such a
-- trigger off for its transaction and calls f() once after its last row; every other AFTER
-- trigger of the loaded tables runs for the load as for any insert.
--
-- At 10,000,000 entries the per-month statement triggers cost more than the rows themselves
-- (0018's upsert alone two thirds of the load); one pass over the finished ledger costs a
-- fraction of that.

CREATE FUNCTION ledger_daily_total_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE ledger_daily_total;
  INSERT INTO ledger_daily_total (organisation_id, entry_date, aid_type, fund_source, entries, total_fen)
  SELECT organisation_id, entry_date, aid_type, fund_source, count(*), sum(amount_fen) FROM ledger_entry GROUP BY 1, 2, 3, 4;
  ANALYZE ledger_daily_total;
END $$;

CREATE FUNCTION report_ledger_daily_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_ledger_daily;
  INSERT INTO report_ledger_daily (organisation_id, entry_date, aid_type, fund_source, payments, reversals, total_fen)
  SELECT organisation_id, entry_date, aid_type, fund_source, count(*) FILTER (WHERE reverses_entry_id IS NULL),
         count(*) FILTER (WHERE reverses_entry_id IS NOT NULL), sum(amount_fen)
    FROM ledger_entry GROUP BY 1, 2, 3, 4;
  ANALYZE report_ledger_daily;
END $$;

-- The entries paid by an organisation other than the file's holder now (what the insert and the
-- rehome triggers keep between them).
CREATE FUNCTION ledger_entry_elsewhere_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE ledger_entry_elsewhere;
  INSERT INTO ledger_entry_elsewhere (entry_id, file_id, holder_organisation_id, organisation_id, aid_type, fund_source, entry_date, amount_fen)
  SELECT e.id, e.file_id, f.organisation_id, e.organisation_id, e.aid_type, e.fund_source, e.entry_date, e.amount_fen
    FROM ledger_entry e JOIN household_file f ON f.id = e.file_id
   WHERE e.organisation_id <> f.organisation_id;
  ANALYZE ledger_entry_elsewhere;
END $$;

REVOKE ALL ON FUNCTION ledger_daily_total_rebuild(), report_ledger_daily_rebuild(), ledger_entry_elsewhere_rebuild() FROM PUBLIC;

COMMENT ON TRIGGER ledger_entry_daily_total ON ledger_entry IS
  'bangfu:rebuild ledger_daily_total_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_report_daily ON ledger_entry IS
  'bangfu:rebuild report_ledger_daily_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_elsewhere_insert ON ledger_entry IS
  'bangfu:rebuild ledger_entry_elsewhere_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_report_people ON ledger_entry IS
  'bangfu:rebuild report_ledger_people_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';

-- 0018's rebuild, faster at 10,000,000 entries (260 s → 189 s on these machines): the ledger is read
-- once into per-file monthly nets with one integer column per aid type and per fund; quarters and
-- years are summed from those months; the jsonb documents are built from the columns; and the
-- counts are one grouped pass over the columns (FILTERed counts per dim and key, unpivoted per
-- group) instead of expanding every row's jsonb again. Same rows as before: a key only where the
-- file had such entries (a sum over none is NULL and is stripped), counts only where positive.
CREATE OR REPLACE FUNCTION report_ledger_people_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  types constant text[] := ARRAY(SELECT unnest(enum_range(NULL::aid_type))::text);
  funds constant text[] := ARRAY(SELECT unnest(enum_range(NULL::fund_source))::text);
  v_times constant text := 'sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END)';
  n int := cardinality(types) + cardinality(funds);
  v_nets text;     -- n1 … the net per type, then per fund, of a file's month
  v_sums text;     -- the same summed over months
  v_doc text;      -- by_type, by_fund built from the columns
  v_counts text;   -- files with a positive net, and their sizes, per column
  v_sizes text;
BEGIN
  SELECT string_agg(format('(%s FILTER (WHERE %s = %L))::int AS n%s', v_times, CASE WHEN i <= cardinality(types) THEN 'aid_type' ELSE 'fund_source' END,
                           (types || funds)[i], i), ', '),
         string_agg(format('sum(n%s)::int AS n%s', i, i), ', '),
         string_agg(format('count(*) FILTER (WHERE p.n%s > 0)', i), ', '),
         string_agg(format('sum(coalesce(f.household_size, 0)) FILTER (WHERE p.n%s > 0)', i), ', ')
    INTO v_nets, v_sums, v_counts, v_sizes
    FROM generate_series(1, n) i;
  SELECT format('jsonb_strip_nulls(jsonb_build_object(%s)), jsonb_strip_nulls(jsonb_build_object(%s))',
                (SELECT string_agg(format('%L, n%s', types[i], i), ', ') FROM generate_series(1, cardinality(types)) i),
                (SELECT string_agg(format('%L, n%s', funds[i], cardinality(types) + i), ', ') FROM generate_series(1, cardinality(funds)) i))
    INTO v_doc;

  DROP TABLE IF EXISTS rebuild_file_period, rebuild_student_period;
  EXECUTE format($q$
    CREATE TEMP TABLE rebuild_file_period ON COMMIT DROP AS
    SELECT file_id, 'M'::text AS period_kind, date_trunc('month', entry_date::timestamp)::date AS period_start, organisation_id,
           %s::int AS times, %s
      FROM ledger_entry GROUP BY file_id, 3, organisation_id$q$, v_times, v_nets);
  EXECUTE format($q$
    INSERT INTO rebuild_file_period
    SELECT file_id, k.kind, date_trunc(k.unit, period_start::timestamp)::date, organisation_id, sum(times)::int, %s
      FROM rebuild_file_period CROSS JOIN (VALUES ('Q', 'quarter'), ('Y', 'year')) k(kind, unit)
     WHERE period_kind = 'M' GROUP BY file_id, k.kind, 3, organisation_id$q$, v_sums);
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
    SELECT file_id, period_kind, period_start, organisation_id, times, %s FROM rebuild_file_period$q$, v_doc);
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
REVOKE ALL ON FUNCTION report_ledger_people_rebuild() FROM PUBLIC;
