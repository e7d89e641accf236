-- The report of a range that is not a calendar month, quarter or year (自定义: a 30-day window, a
-- 送温暖 season, a fiscal half) counts its households from the period's entries and needs each
-- one's household size (人数). At a province's 30 days that is about 300,000 files: looked up one by
-- one in household_file (1.7 GB at 1,000,000 files) they took seconds, and far more from a cold
-- cache. This narrow index (about 40 MB there) lets the report merge-join the period's files,
-- sorted, with the sizes in one index-only pass (docs/decisions/031-custom-range-report.md).
-- Built in a few seconds at 1,000,000 files.
CREATE INDEX household_file_size_idx ON household_file (id) INCLUDE (household_size);
