-- The official's workbench (issue 9): how many filings wait at each step and since when, for a
-- province at a million files in under 100 ms. The counts come from household_file_tally; the
-- oldest date of each step and the files whose publicity has ended are index-only ranges of these
-- partial indexes (a few thousand entries at most), where a scan of every waiting file with its
-- organisation took 100–200 ms.
CREATE INDEX household_file_reviewed_wait_idx ON household_file (reviewed_at) INCLUDE (organisation_id) WHERE status = 'REVIEWED';
CREATE INDEX household_file_publicity_wait_idx ON household_file (publicity_end) INCLUDE (organisation_id, publicity_start) WHERE status = 'PUBLICITY';
