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
