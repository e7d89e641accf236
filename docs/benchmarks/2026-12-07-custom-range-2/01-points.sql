\timing on
SET work_mem = '256MB';
SET max_parallel_workers_per_gather = 2;
CREATE SCHEMA IF NOT EXISTS proto_custom;
DROP TABLE IF EXISTS proto_custom.pt;
-- One row per payment: its previous payment's day in the same file and organisation, overall (A),
-- in the same aid type (T) and in the same fund (F).
CREATE UNLOGGED TABLE proto_custom.pt AS
SELECT l.organisation_id AS org, l.file_id, l.aid_type::text AS aid, l.fund_source::text AS fund, l.entry_date AS day,
       lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id ORDER BY l.entry_date, l.id) AS prev_a,
       lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id, l.aid_type ORDER BY l.entry_date, l.id) AS prev_t,
       lag(l.entry_date) OVER (PARTITION BY l.file_id, l.organisation_id, l.fund_source ORDER BY l.entry_date, l.id) AS prev_f,
       coalesce(z.household_size, 0) AS size
  FROM public.ledger_entry l JOIN public.household_file z ON z.id = l.file_id
 WHERE l.reverses_entry_id IS NULL;
SELECT count(*), pg_size_pretty(pg_total_relation_size('proto_custom.pt')) FROM proto_custom.pt;
