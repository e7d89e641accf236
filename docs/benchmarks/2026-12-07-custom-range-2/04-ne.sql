\timing on
SET search_path = proto_custom, public;
TRUNCATE ne;
-- 10,000 new-looking lines of a batch: distinct files paid in November, each like its latest
-- payment there (organisation, aid type, fund, amount), dated the day after the ledger's last day.
INSERT INTO ne (id, organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, batch_line_id, recorded_by_id, approved_by_id, created_at)
SELECT gen_random_uuid(), organisation_id, file_id, aid_type, fund_source, amount_fen, DATE '2026-12-08', purpose, gen_random_uuid(), recorded_by_id, approved_by_id, now()
  FROM (SELECT DISTINCT ON (file_id) * FROM ledger_entry
         WHERE entry_date BETWEEN '2026-11-01' AND '2026-11-30' AND reverses_entry_id IS NULL
         ORDER BY file_id, entry_date DESC LIMIT 10000) x;
SELECT count(*), count(DISTINCT file_id) FROM ne;
