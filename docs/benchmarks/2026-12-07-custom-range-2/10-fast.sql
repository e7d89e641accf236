SET search_path = proto_custom, public;
-- The common case without a window over the files' history: every new payment of a file is dated
-- after all its earlier payments, so its previous payment is the latest one of its key (a hash
-- aggregate over the files' payments), or the statement's own previous one. Files with a
-- back-dated entry go through cr_apply's full computation (not repeated here).
CREATE OR REPLACE FUNCTION cr_apply_fast() RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
  moved integer;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS cr_delta (organisation_id uuid, dim "char", key text, prev date, day date, s int, p bigint) ON COMMIT DROP;
  TRUNCATE cr_delta;
  INSERT INTO cr_delta
  WITH n AS MATERIALIZED (
    SELECT n.id, n.organisation_id AS org, n.file_id, v.dim, v.key, n.entry_date AS day
      FROM ne n CROSS JOIN LATERAL (VALUES ('A', ''), ('T', n.aid_type::text), ('F', n.fund_source::text)) v(dim, key)
     WHERE n.reverses_entry_id IS NULL
  ), last AS (
    SELECT l.file_id, l.organisation_id AS org, v.dim, v.key, max(l.entry_date) AS day
      FROM ledger_entry l CROSS JOIN LATERAL (VALUES ('A', ''), ('T', l.aid_type::text), ('F', l.fund_source::text)) v(dim, key)
     WHERE l.file_id = ANY (ARRAY(SELECT DISTINCT file_id FROM ne)) AND l.reverses_entry_id IS NULL
     GROUP BY 1, 2, 3, 4
  ), pts AS (
    SELECT n.org, n.file_id, n.dim, n.key, n.day,
           coalesce(lag(n.day) OVER (PARTITION BY n.file_id, n.org, n.dim, n.key ORDER BY n.day, n.id), l.day) AS prev
      FROM n LEFT JOIN last l ON (l.file_id, l.org, l.dim, l.key) = (n.file_id, n.org, n.dim, n.key)
  )
  SELECT p.org, p.dim::"char", p.key, p.prev, p.day, count(*)::int, sum(coalesce(z.household_size, 0))::bigint
    FROM pts p JOIN (SELECT id, household_size FROM household_file WHERE id = ANY (ARRAY(SELECT DISTINCT file_id FROM ne))) z ON z.id = p.file_id
   GROUP BY 1, 2, 3, 4, 5;
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
