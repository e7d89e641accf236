-- Page speed at 1,000,000 files (issue 12).
--
-- The archive's keyset index also carries the name-search columns, so a search is the same
-- index-only walk in (updated_at, id) order as every other archive page: a common name (王, wj)
-- finds its page within the first few thousand index tuples and never reads and sorts every
-- matching row from the 1.3 KB table rows; a rare name is still one GIN lookup
-- (household_file_holder_name_grams_idx), whichever the planner finds cheaper.
CREATE INDEX household_file_archive_keyset_v2_idx ON household_file (updated_at DESC, id DESC)
  INCLUDE (status, organisation_id, tier, file_level, worker_category, main_cause, secondary_causes,
           holder_name, holder_name_pinyin, holder_name_grams);
DROP INDEX household_file_archive_keyset_idx;
ALTER INDEX household_file_archive_keyset_v2_idx RENAME TO household_file_archive_keyset_idx;

-- An organisation's ledger holds the entries its subtree paid and the entries of the files it
-- holds now, whoever paid them. The second kind is found here: every entry whose paying
-- organisation is not the file's current holder (a file transferred in, a higher union paying for
-- a county's file) — normally a sliver of the ledger, so the ledger's page and totals never look
-- at every file of a subtree or every entry of the ledger to find them. An entry paid by its
-- file's holder is in the holder's subtree on both counts and never needs this table.
CREATE TABLE ledger_entry_elsewhere (
  entry_id               uuid PRIMARY KEY,
  file_id                uuid NOT NULL,
  holder_organisation_id uuid NOT NULL,
  organisation_id        uuid NOT NULL,
  aid_type               aid_type NOT NULL,
  fund_source            fund_source NOT NULL,
  entry_date             date NOT NULL,
  amount_fen             integer NOT NULL
);
CREATE INDEX ledger_entry_elsewhere_holder_idx ON ledger_entry_elsewhere (holder_organisation_id, entry_date);
CREATE INDEX ledger_entry_elsewhere_file_idx ON ledger_entry_elsewhere (file_id);

-- New entries (append-only: never updated or deleted).
CREATE FUNCTION ledger_entry_elsewhere_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_entry_elsewhere (entry_id, file_id, holder_organisation_id, organisation_id, aid_type, fund_source, entry_date, amount_fen)
  SELECT e.id, e.file_id, f.organisation_id, e.organisation_id, e.aid_type, e.fund_source, e.entry_date, e.amount_fen
    FROM new_entries e JOIN household_file f ON f.id = e.file_id
   WHERE e.organisation_id <> f.organisation_id;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entry_elsewhere_insert AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_elsewhere_insert();

-- A file that changes holder (a transfer): its few entries are sorted again against the new holder.
CREATE FUNCTION ledger_entry_elsewhere_rehome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ledger_entry_elsewhere x USING new_files n, old_files o
   WHERE n.id = o.id AND n.organisation_id IS DISTINCT FROM o.organisation_id AND x.file_id = n.id;
  INSERT INTO ledger_entry_elsewhere (entry_id, file_id, holder_organisation_id, organisation_id, aid_type, fund_source, entry_date, amount_fen)
  SELECT e.id, e.file_id, n.organisation_id, e.organisation_id, e.aid_type, e.fund_source, e.entry_date, e.amount_fen
    FROM new_files n JOIN old_files o ON o.id = n.id AND n.organisation_id IS DISTINCT FROM o.organisation_id
    JOIN ledger_entry e ON e.file_id = n.id
   WHERE e.organisation_id <> n.organisation_id;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entry_elsewhere_rehome AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_elsewhere_rehome();

INSERT INTO ledger_entry_elsewhere (entry_id, file_id, holder_organisation_id, organisation_id, aid_type, fund_source, entry_date, amount_fen)
SELECT e.id, e.file_id, f.organisation_id, e.organisation_id, e.aid_type, e.fund_source, e.entry_date, e.amount_fen
  FROM ledger_entry e JOIN household_file f ON f.id = e.file_id
 WHERE e.organisation_id <> f.organisation_id;

COMMENT ON TABLE ledger_entry_elsewhere IS 'bangfu:derived — kept by ledger_entry_elsewhere_*() from ledger_entry and household_file; the application only reads it';
ALTER FUNCTION ledger_entry_elsewhere_insert() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION ledger_entry_elsewhere_rehome() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION ledger_entry_elsewhere_insert(), ledger_entry_elsewhere_rehome() FROM PUBLIC;
SELECT bangfu_apply_grants();

-- The ledger's totals without an amount filter sum a subtree's daily totals: read from the index
-- alone (the sums are on it), not from the table rows the trigger keeps rewriting.
CREATE INDEX ledger_daily_total_cover_idx ON ledger_daily_total (organisation_id, entry_date)
  INCLUDE (aid_type, fund_source, entries, total_fen);
