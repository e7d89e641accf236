SET search_path = proto_custom, public;
-- Elementwise sum of two arrays of the same length.
CREATE OR REPLACE FUNCTION cr_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY u(x, y, i) $$;
CREATE OR REPLACE FUNCTION cr_add(a bigint[], b bigint[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY u(x, y, i) $$;

-- The new entries of a statement (the transition table in the real trigger).
DROP TABLE IF EXISTS ne;
CREATE TABLE ne (LIKE public.ledger_entry);

-- The upkeep for the entries in ne: for every (file, organisation, grouping) they touch, the points
-- (previous payment day, day) from the first new day on, after minus before, added to the tables.
-- In the AFTER trigger ledger_entry already holds the new rows (here they are added by the UNION).
CREATE OR REPLACE FUNCTION cr_apply() RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
  moved integer;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS cr_delta (organisation_id uuid, dim "char", key text, prev date, day date, s int, p bigint) ON COMMIT DROP;
  TRUNCATE cr_delta;
  INSERT INTO cr_delta
  WITH n AS (SELECT * FROM ne WHERE reverses_entry_id IS NULL),
  allp AS (
    SELECT l.id, l.organisation_id AS org, l.file_id, l.aid_type::text AS aid, l.fund_source::text AS fund, l.entry_date AS day, false AS is_new
      FROM ledger_entry l WHERE l.file_id = ANY (ARRAY(SELECT DISTINCT file_id FROM n)) AND l.reverses_entry_id IS NULL
    UNION ALL
    SELECT id, organisation_id, file_id, aid_type::text, fund_source::text, entry_date, true FROM n
  ), x AS (
    SELECT a.id, a.org, a.file_id, a.day, a.is_new, v.dim, v.key FROM allp a CROSS JOIN LATERAL (VALUES ('A', ''), ('T', a.aid), ('F', a.fund)) v(dim, key)
  ), w AS MATERIALIZED (
    SELECT x.*, lag(day) OVER k AS prev_after,
           min(day) FILTER (WHERE is_new) OVER (PARTITION BY file_id, org, dim, key) AS d0
      FROM x WINDOW k AS (PARTITION BY file_id, org, dim, key ORDER BY day, id)
  ), wo AS (
    SELECT w.*, lag(day) OVER (PARTITION BY file_id, org, dim, key ORDER BY day, id) AS prev_before FROM w WHERE NOT is_new AND d0 IS NOT NULL
  ), d AS (
    SELECT file_id, org, dim, key, prev_after AS prev, day, 1 AS s FROM w WHERE d0 IS NOT NULL AND day >= d0
    UNION ALL
    SELECT file_id, org, dim, key, prev_before, day, -1 FROM wo WHERE day >= d0
  )
  SELECT d.org, d.dim::"char", d.key, d.prev, d.day, sum(d.s)::int, sum(d.s * coalesce(z.household_size, 0))::bigint
    FROM d JOIN (SELECT id, household_size FROM household_file WHERE id = ANY (ARRAY(SELECT DISTINCT file_id FROM ne))) z ON z.id = d.file_id
   GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.s) <> 0;
  GET DIAGNOSTICS moved = ROW_COUNT;

  INSERT INTO cr_pay_d AS t SELECT organisation_id, dim, key, day, sum(s), sum(p) FROM cr_delta GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2, 3
  ON CONFLICT (day, organisation_id, dim, key) DO UPDATE SET n = t.n + EXCLUDED.n, persons = t.persons + EXCLUDED.persons;
  INSERT INTO cr_pay_m AS t SELECT organisation_id, dim, key, date_trunc('month', day)::date, sum(s), sum(p) FROM cr_delta GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2, 3
  ON CONFLICT (month, organisation_id, dim, key) DO UPDATE SET n = t.n + EXCLUDED.n, persons = t.persons + EXCLUDED.persons;
  INSERT INTO cr_rep_m AS t SELECT organisation_id, dim, key, date_trunc('month', prev)::date, date_trunc('month', day)::date, sum(s), sum(p)
    FROM cr_delta WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 4, 5, 1, 2, 3
  ON CONFLICT (pm, dm, organisation_id, dim, key) DO UPDATE SET n = t.n + EXCLUDED.n, persons = t.persons + EXCLUDED.persons;
  INSERT INTO cr_rep_first AS t
  SELECT organisation_id, dim, key, prev, dm, ARRAY[coalesce(sum(s) FILTER (WHERE dom <= 1), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 2), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 3), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 4), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 5), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 6), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 7), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 8), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 9), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 10), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 11), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 12), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 13), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 14), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 15), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 16), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 17), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 18), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 19), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 20), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 21), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 22), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 23), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 24), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 25), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 26), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 27), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 28), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 29), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 30), 0)::int, coalesce(sum(s) FILTER (WHERE dom <= 31), 0)::int], ARRAY[coalesce(sum(p) FILTER (WHERE dom <= 1), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 2), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 3), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 4), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 5), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 6), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 7), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 8), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 9), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 10), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 11), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 12), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 13), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 14), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 15), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 16), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 17), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 18), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 19), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 20), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 21), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 22), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 23), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 24), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 25), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 26), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 27), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 28), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 29), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 30), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 31), 0)::bigint]
    FROM (SELECT organisation_id, dim, key, prev, date_trunc('month', day)::date AS dm, extract(day FROM day)::int AS dom, s, p FROM cr_delta WHERE prev IS NOT NULL) x
   GROUP BY 1, 2, 3, 4, 5 ORDER BY 4, 5, 1, 2, 3
  ON CONFLICT (prev_day, dm, organisation_id, dim, key) DO UPDATE SET n = cr_add(t.n, EXCLUDED.n), persons = cr_add(t.persons, EXCLUDED.persons);
  INSERT INTO cr_rep_last AS t SELECT organisation_id, dim, key, date_trunc('month', prev)::date, day, sum(s), sum(p)
    FROM cr_delta WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 5, 4, 1, 2, 3
  ON CONFLICT (day, pm, organisation_id, dim, key) DO UPDATE SET n = t.n + EXCLUDED.n, persons = t.persons + EXCLUDED.persons;
  RETURN moved;
END $f$;
