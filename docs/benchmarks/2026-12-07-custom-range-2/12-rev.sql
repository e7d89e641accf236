\timing on
SET search_path = proto_custom, public;
SET work_mem = '64MB';
DROP TABLE IF EXISTS rev_entry;
-- Every entry of every file that has ever had a reversal, by day.
CREATE TABLE rev_entry AS
SELECT l.entry_date, l.file_id, l.id, l.organisation_id, l.aid_type::text AS aid, l.fund_source::text AS fund, l.reverses_entry_id IS NOT NULL AS reversal
  FROM ledger_entry l
 WHERE l.file_id = ANY (ARRAY(SELECT DISTINCT file_id FROM ledger_entry WHERE reverses_entry_id IS NOT NULL AND entry_date >= '2000-01-01'))
 ORDER BY 1, 2, 3;
ALTER TABLE rev_entry ADD PRIMARY KEY (entry_date, file_id, id);
VACUUM ANALYZE rev_entry;
SELECT count(*), count(DISTINCT file_id), pg_size_pretty(pg_total_relation_size('rev_entry')) FROM rev_entry;
