-- Issue 28: a 10,000-line batch approval in ≤ 3 s at 1,000,000 files
-- (docs/benchmarks/2026-12-07-approval-3.md).
--
-- Two reads the approval makes for each of its 10,000 files went to the table rows for one or two
-- columns, on random pages of 2 GB and 1.8 GB tables that do not stay in the buffer cache:
--
-- 1. The annual-cap check (lib/ledger/caps.ts usageRowsSql, also used when a batch is built and
--    when a single request is recorded) sums this year's entries of the file's aid type: it found
--    them through ledger_entry_file_id_aid_type_entry_date_idx and then fetched each entry's row
--    for amount_fen and student_resident_id (31,803 rows, ~20,000 page reads at 1M). The index now
--    carries both, so the sum is an index-only scan. Same keys and name, so every other reader of
--    the index (a file's payments, the public query page, the report's fold) is served as before.
-- 2. Every raw statement of the approval restricts itself to the actor's files with
--    $fileInScope: `file_id IN (SELECT scope_f.id FROM household_file scope_f JOIN organisation …)`,
--    one probe of household_file per line for its organisation_id (10,000 heap pages per
--    statement), and the trigger ledger_entry_elsewhere_insert joins the new entries to
--    household_file for the same column. household_file_size_idx ((id) INCLUDE household_size,
--    0045) now also includes organisation_id, so those probes read the narrow index only — no
--    new index on household_file, and the custom-range merge join keeps its index-only pass.
--
-- Built once at upgrade: about 1–2 min for the ledger index and a few seconds for the file index
-- at 1M files / 10M entries (the tables are locked against writes meanwhile).

CREATE INDEX ledger_entry_cap_usage_tmp ON ledger_entry (file_id, aid_type, entry_date) INCLUDE (amount_fen, student_resident_id);
DROP INDEX ledger_entry_file_id_aid_type_entry_date_idx;
ALTER INDEX ledger_entry_cap_usage_tmp RENAME TO ledger_entry_file_id_aid_type_entry_date_idx;

CREATE INDEX household_file_size_tmp ON household_file (id) INCLUDE (household_size, organisation_id);
DROP INDEX household_file_size_idx;
ALTER INDEX household_file_size_tmp RENAME TO household_file_size_idx;
