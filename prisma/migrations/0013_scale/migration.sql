-- A province on two cores (issue 12): 1,000,000 files, 10,000,000 ledger entries.
-- Every list below is read in index order and stops after one page; no page costs more than the
-- rows it shows plus the rows its filters skip. Counts come from a tally the database keeps exact,
-- or are bounded (the page says "超过 10,000 条" rather than guessing).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Name search finds any part of a name, its pinyin and its initials (王静: 王, 静, 王静, wangjing,
-- jing, wj). Written by the same domain function that writes holder_name (lib/filing/name-search.ts).
-- holder_name_grams holds 'c:' + each character, 'b:' + each pair of neighbours, 'p:' + each
-- syllable and 'i:' + each run of initials, so one- and two-character searches (which trigrams
-- cannot serve) are one GIN lookup; longer pinyin fragments use the trigram index.
ALTER TABLE household_file
  ADD COLUMN holder_name_pinyin   text,
  ADD COLUMN holder_name_initials text,
  ADD COLUMN holder_name_grams    text[] NOT NULL DEFAULT '{}';
CREATE INDEX household_file_holder_name_grams_idx ON household_file USING gin (holder_name_grams);
CREATE INDEX household_file_holder_name_pinyin_trgm_idx ON household_file USING gin (holder_name_pinyin gin_trgm_ops);
-- Files whose search columns are still to be written (lib/db/backfill-name-search.ts at start-up):
-- normally none, so start-up finds that out without reading the table.
CREATE INDEX household_file_name_search_pending_idx ON household_file (id) WHERE holder_name IS NOT NULL AND holder_name_grams = '{}';
-- Superseded: search is by any part of the name now.
DROP INDEX household_file_holder_name_prefix_idx;

-- The archive in key order (updated_at DESC, id DESC): next, previous and last page are index
-- ranges, and the filters are evaluated on the index tuple (index-only scan), not the 1.3 KB row.
CREATE INDEX household_file_archive_keyset_idx ON household_file (updated_at DESC, id DESC)
  INCLUDE (status, organisation_id, tier, file_level, worker_category, main_cause, secondary_causes);
DROP INDEX household_file_updated_at_idx;

-- The review queue, oldest submission first; only files waiting for an official are in it.
CREATE INDEX household_file_review_queue_idx ON household_file (submitted_at, id) INCLUDE (status, organisation_id)
  WHERE status IN ('SUBMITTED', 'REVIEWED', 'PUBLICITY');

-- Re-checks due, in date order, with the organisation on the index so a city's list and counts
-- need no heap visit for the other cities' files.
CREATE INDEX household_file_recheck_due_idx ON household_file (status, next_check_due, id) INCLUDE (organisation_id);
DROP INDEX household_file_status_next_check_due_idx;

-- Exact archive counts by organisation, status, tier, level, category and main cause, kept by
-- statement triggers (one row per combination; a county union has a few hundred). The archive's
-- count for any combination of those filters within a scope is a sum over at most a few thousand rows.
CREATE TABLE household_file_tally (
  id              bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  status          file_status NOT NULL,
  tier            tier,
  file_level      file_level,
  worker_category worker_category,
  main_cause      hardship_cause,
  files           integer NOT NULL CHECK (files >= 0)
);
CREATE UNIQUE INDEX household_file_tally_key ON household_file_tally
  (organisation_id, status, tier, file_level, worker_category, main_cause) NULLS NOT DISTINCT;

-- One function per event: a transition table exists only for the events that have it.
CREATE FUNCTION household_file_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO household_file_tally AS t (organisation_id, status, tier, file_level, worker_category, main_cause, files)
  SELECT organisation_id, status, tier, file_level, worker_category, main_cause, count(*) FROM new_files GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (organisation_id, status, tier, file_level, worker_category, main_cause) DO UPDATE SET files = t.files + EXCLUDED.files;
  RETURN NULL;
END $$;

-- Net change per combination: an UPDATE that leaves the counted columns alone (a new version, a
-- re-check date) changes nothing and takes no lock on a tally row. Decreases are UPDATEs of rows
-- that must exist (a CHECK is tested on an INSERT's row before ON CONFLICT could merge it).
CREATE FUNCTION household_file_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH delta AS (
    SELECT organisation_id, status, tier, file_level, worker_category, main_cause, sum(d)::int AS n
      FROM (SELECT organisation_id, status, tier, file_level, worker_category, main_cause, 1 AS d FROM new_files
            UNION ALL
            SELECT organisation_id, status, tier, file_level, worker_category, main_cause, -1 FROM old_files) x
     GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d) <> 0
  ), decreased AS (
    UPDATE household_file_tally t SET files = t.files + d.n
      FROM delta d
     WHERE d.n < 0 AND t.organisation_id = d.organisation_id AND t.status = d.status AND t.tier IS NOT DISTINCT FROM d.tier
       AND t.file_level IS NOT DISTINCT FROM d.file_level AND t.worker_category IS NOT DISTINCT FROM d.worker_category
       AND t.main_cause IS NOT DISTINCT FROM d.main_cause
    RETURNING 1
  )
  INSERT INTO household_file_tally AS t (organisation_id, status, tier, file_level, worker_category, main_cause, files)
  SELECT organisation_id, status, tier, file_level, worker_category, main_cause, n FROM delta WHERE n > 0
  ON CONFLICT (organisation_id, status, tier, file_level, worker_category, main_cause) DO UPDATE SET files = t.files + EXCLUDED.files;
  RETURN NULL;
END $$;

CREATE FUNCTION household_file_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE household_file_tally t SET files = t.files - d.n
    FROM (SELECT organisation_id, status, tier, file_level, worker_category, main_cause, count(*)::int AS n FROM old_files GROUP BY 1, 2, 3, 4, 5, 6) d
   WHERE t.organisation_id = d.organisation_id AND t.status = d.status AND t.tier IS NOT DISTINCT FROM d.tier
     AND t.file_level IS NOT DISTINCT FROM d.file_level AND t.worker_category IS NOT DISTINCT FROM d.worker_category
     AND t.main_cause IS NOT DISTINCT FROM d.main_cause;
  RETURN NULL;
END $$;

CREATE TRIGGER household_file_tally_insert AFTER INSERT ON household_file
  REFERENCING NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION household_file_tally_insert();
CREATE TRIGGER household_file_tally_update AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION household_file_tally_update();
CREATE TRIGGER household_file_tally_delete AFTER DELETE ON household_file
  REFERENCING OLD TABLE AS old_files FOR EACH STATEMENT EXECUTE FUNCTION household_file_tally_delete();

INSERT INTO household_file_tally (organisation_id, status, tier, file_level, worker_category, main_cause, files)
  SELECT organisation_id, status, tier, file_level, worker_category, main_cause, count(*) FROM household_file GROUP BY 1, 2, 3, 4, 5, 6;

-- The tally is derived: the application reads it, and only its triggers (running as the owner) write it.
COMMENT ON TABLE household_file_tally IS 'bangfu:derived — kept by household_file_tally_*() from household_file; the application only reads it';
ALTER FUNCTION household_file_tally_insert() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION household_file_tally_update() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION household_file_tally_delete() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION household_file_tally_insert(), household_file_tally_update(), household_file_tally_delete() FROM PUBLIC;
SELECT bangfu_apply_grants();
