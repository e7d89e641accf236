SET search_path = proto_custom, public;
-- A household-size change: every point of the changed files re-adds (new − old) × its count to persons.
-- The changed files come as (file_id, old size, new size) (the transition tables in the trigger).
DROP TABLE IF EXISTS sz;
CREATE TABLE sz (file_id uuid PRIMARY KEY, old_size int, new_size int);
CREATE OR REPLACE FUNCTION cr_size() RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
  moved integer;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS cr_sdelta (organisation_id uuid, dim "char", key text, prev date, day date, p bigint) ON COMMIT DROP;
  TRUNCATE cr_sdelta;
  INSERT INTO cr_sdelta
  SELECT org, dim::"char", key, prev, day, sum(p)::bigint FROM (
    SELECT l.organisation_id AS org, v.dim, v.key, l.entry_date AS day, c.new_size - c.old_size AS p,
           lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id, v.dim, v.key ORDER BY l.entry_date, l.id) AS prev
      FROM ledger_entry l JOIN sz c ON c.file_id = l.file_id
     CROSS JOIN LATERAL (VALUES ('A', ''), ('T', l.aid_type::text), ('F', l.fund_source::text)) v(dim, key)
     WHERE l.file_id = ANY (ARRAY(SELECT file_id FROM sz WHERE new_size IS DISTINCT FROM old_size)) AND l.reverses_entry_id IS NULL) x
   GROUP BY 1, 2, 3, 4, 5 HAVING sum(p) <> 0;
  GET DIAGNOSTICS moved = ROW_COUNT;
  UPDATE cr_pay_d t SET persons = t.persons + d.p FROM (SELECT organisation_id, dim, key, day, sum(p) p FROM cr_sdelta GROUP BY 1, 2, 3, 4) d
   WHERE (t.day, t.organisation_id, t.dim, t.key) = (d.day, d.organisation_id, d.dim, d.key);
  UPDATE cr_pay_m t SET persons = t.persons + d.p FROM (SELECT organisation_id, dim, key, date_trunc('month', day)::date m, sum(p) p FROM cr_sdelta GROUP BY 1, 2, 3, 4) d
   WHERE (t.month, t.organisation_id, t.dim, t.key) = (d.m, d.organisation_id, d.dim, d.key);
  UPDATE cr_rep_m t SET persons = t.persons + d.p
    FROM (SELECT organisation_id, dim, key, date_trunc('month', prev)::date pm, date_trunc('month', day)::date dm, sum(p) p FROM cr_sdelta WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5) d
   WHERE (t.pm, t.dm, t.organisation_id, t.dim, t.key) = (d.pm, d.dm, d.organisation_id, d.dim, d.key);
  UPDATE cr_rep_first t SET persons = cr_add(t.persons, d.p)
    FROM (SELECT organisation_id, dim, key, prev, dm, ARRAY[coalesce(sum(p) FILTER (WHERE dom <= 1), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 2), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 3), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 4), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 5), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 6), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 7), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 8), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 9), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 10), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 11), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 12), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 13), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 14), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 15), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 16), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 17), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 18), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 19), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 20), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 21), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 22), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 23), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 24), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 25), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 26), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 27), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 28), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 29), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 30), 0)::bigint, coalesce(sum(p) FILTER (WHERE dom <= 31), 0)::bigint] p
            FROM (SELECT organisation_id, dim, key, prev, date_trunc('month', day)::date dm, extract(day FROM day)::int dom, p FROM cr_sdelta WHERE prev IS NOT NULL) x
           GROUP BY 1, 2, 3, 4, 5) d
   WHERE (t.prev_day, t.dm, t.organisation_id, t.dim, t.key) = (d.prev, d.dm, d.organisation_id, d.dim, d.key);
  UPDATE cr_rep_last t SET persons = t.persons + d.p
    FROM (SELECT organisation_id, dim, key, date_trunc('month', prev)::date pm, day, sum(p) p FROM cr_sdelta WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5) d
   WHERE (t.day, t.pm, t.organisation_id, t.dim, t.key) = (d.day, d.pm, d.organisation_id, d.dim, d.key);
  RETURN moved;
END $f$;
