-- Issue 28: a custom range's report reads apart the files with a reversal in the range (decision
-- 035, migration 0053): each such file's entries in the range, per organisation, aid type and fund.
-- Found through ledger_entry_report_idx that meant reading every entry of the range and joining it
-- to those files: 1.9 million index entries for the province's half year at 1,000,000 files
-- (~700 ms) to keep 23,000. The file's index (file_id, aid_type, entry_date) now also carries the
-- organisation, the fund and the reversal mark, so each file is one index-only probe of its ~10
-- entries (~110 ms for the same 6,016 files; docs/benchmarks/2026-12-07-custom-range-3.md).
-- Same keys and name: the annual-cap sum (0052) and every other reader are served as before.
--
-- Built once at upgrade: ~8 s on an Intel Xeon at 10,000,000 entries (writes to the ledger wait).

CREATE INDEX ledger_entry_file_cover_tmp ON ledger_entry (file_id, aid_type, entry_date)
  INCLUDE (amount_fen, student_resident_id, organisation_id, fund_source, reverses_entry_id);
DROP INDEX ledger_entry_file_id_aid_type_entry_date_idx;
ALTER INDEX ledger_entry_file_cover_tmp RENAME TO ledger_entry_file_id_aid_type_entry_date_idx;
