\timing on
SET work_mem = '256MB';
SET search_path = proto_custom, public;
DROP TABLE IF EXISTS pt3, cr_pay_d, cr_pay_m, cr_rep_m, cr_rep_first, cr_rep_last;
-- The points (prev day, day) per organisation and grouping, counted, with their persons.
CREATE UNLOGGED TABLE pt3 AS
SELECT org, v.dim, v.key, v.prev, day, count(*)::int AS n, sum(size)::bigint AS persons
  FROM pt CROSS JOIN LATERAL (VALUES ('A', '', prev_a), ('T', aid, prev_t), ('F', fund, prev_f)) v(dim, key, prev)
 GROUP BY 1, 2, 3, 4, 5;
SELECT count(*) AS pt3_rows FROM pt3;
-- Payments per day and per month.
CREATE TABLE cr_pay_d (organisation_id uuid NOT NULL, dim "char" NOT NULL, key text NOT NULL, day date NOT NULL, n int NOT NULL, persons bigint NOT NULL,
  PRIMARY KEY (day, organisation_id, dim, key));
INSERT INTO cr_pay_d SELECT org, dim::"char", key, day, sum(n), sum(persons) FROM pt3 GROUP BY 1, 2, 3, 4;
CREATE TABLE cr_pay_m (organisation_id uuid NOT NULL, dim "char" NOT NULL, key text NOT NULL, month date NOT NULL, n int NOT NULL, persons bigint NOT NULL,
  PRIMARY KEY (month, organisation_id, dim, key));
INSERT INTO cr_pay_m SELECT organisation_id, dim, key, date_trunc('month', day)::date, sum(n), sum(persons) FROM cr_pay_d GROUP BY 1, 2, 3, 4;
-- Repeats (a previous payment exists) by previous payment's month and payment's month.
CREATE TABLE cr_rep_m (organisation_id uuid NOT NULL, dim "char" NOT NULL, key text NOT NULL, pm date NOT NULL, dm date NOT NULL, n int NOT NULL, persons bigint NOT NULL,
  PRIMARY KEY (pm, dm, organisation_id, dim, key));
INSERT INTO cr_rep_m SELECT org, dim::"char", key, date_trunc('month', prev)::date, date_trunc('month', day)::date, sum(n), sum(persons)
  FROM pt3 WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
-- Repeats by previous payment's day and payment's month, cumulative over the payment's day of month.
CREATE TABLE cr_rep_first (organisation_id uuid NOT NULL, dim "char" NOT NULL, key text NOT NULL, prev_day date NOT NULL, dm date NOT NULL,
  n int[] NOT NULL, persons bigint[] NOT NULL, PRIMARY KEY (prev_day, dm, organisation_id, dim, key));
INSERT INTO cr_rep_first
SELECT org, dim::"char", key, prev, dm, ARRAY[coalesce(sum(n) FILTER (WHERE dom <= 1), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 2), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 3), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 4), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 5), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 6), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 7), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 8), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 9), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 10), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 11), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 12), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 13), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 14), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 15), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 16), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 17), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 18), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 19), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 20), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 21), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 22), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 23), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 24), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 25), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 26), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 27), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 28), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 29), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 30), 0)::int, coalesce(sum(n) FILTER (WHERE dom <= 31), 0)::int], ARRAY[coalesce(sum(persons) FILTER (WHERE dom <= 1), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 2), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 3), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 4), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 5), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 6), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 7), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 8), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 9), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 10), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 11), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 12), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 13), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 14), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 15), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 16), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 17), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 18), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 19), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 20), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 21), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 22), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 23), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 24), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 25), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 26), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 27), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 28), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 29), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 30), 0)::bigint, coalesce(sum(persons) FILTER (WHERE dom <= 31), 0)::bigint]
  FROM (SELECT org, dim, key, prev, date_trunc('month', day)::date AS dm, extract(day FROM day)::int AS dom, n, persons FROM pt3 WHERE prev IS NOT NULL) x
 GROUP BY 1, 2, 3, 4, 5;
-- Repeats by previous payment's month and payment's day.
CREATE TABLE cr_rep_last (organisation_id uuid NOT NULL, dim "char" NOT NULL, key text NOT NULL, pm date NOT NULL, day date NOT NULL, n int NOT NULL, persons bigint NOT NULL,
  PRIMARY KEY (day, pm, organisation_id, dim, key));
INSERT INTO cr_rep_last SELECT org, dim::"char", key, date_trunc('month', prev)::date, day, sum(n), sum(persons)
  FROM pt3 WHERE prev IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
ANALYZE cr_pay_d, cr_pay_m, cr_rep_m, cr_rep_first, cr_rep_last;
SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables WHERE schemaname = 'proto_custom' ORDER BY 1;
