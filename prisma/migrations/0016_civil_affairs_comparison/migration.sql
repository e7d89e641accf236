-- Civil-affairs comparison (民政比对, issue 10 §4): a roster from the civil-affairs bureau, matched by
-- ID number against the members of open and observation files in the uploader's scope. The run,
-- its workbook, its roster rows and its results are kept (docs/decisions/010-civil-affairs-comparison.md).
CREATE TYPE civil_mismatch_reason AS ENUM (
  'INCOME_ABOVE_THRESHOLD', 'DIBAO_BUT_RELATIVE', 'VEHICLE_OR_PROPERTY', 'DECEASED', 'HOUSEHOLD_SIZE_DIFFERS', 'MISSED_FILING'
);
CREATE TYPE civil_result_status AS ENUM ('OPEN', 'RECHECK_OPENED', 'EXIT_PROPOSED', 'DISMISSED');

CREATE TABLE civil_roster_run (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_by_id    uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  file_name        text NOT NULL,
  size_bytes       integer NOT NULL CHECK (size_bytes > 0),
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  workbook         bytea NOT NULL,
  -- The day whose policy (低保 standard, relative multiplier) the thresholds were taken from.
  policy_date      date NOT NULL,
  row_count        integer NOT NULL CHECK (row_count > 0),
  matched_people   integer NOT NULL DEFAULT 0 CHECK (matched_people >= 0),
  matched_files    integer NOT NULL DEFAULT 0 CHECK (matched_files >= 0),
  result_count     integer NOT NULL DEFAULT 0 CHECK (result_count >= 0)
);
-- The same roster is compared once: a second upload of identical bytes is recognised and refused.
CREATE UNIQUE INDEX civil_roster_run_sha256_key ON civil_roster_run (sha256);
CREATE INDEX civil_roster_run_organisation_id_created_at_idx ON civil_roster_run (organisation_id, created_at);

-- What the roster said about each person, only the columns the comparison reads. Append-only: it is
-- the evidence a result and a filing's civil-affairs check cite.
CREATE TABLE civil_roster_row (
  run_id               uuid NOT NULL REFERENCES civil_roster_run (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  resident_id          text NOT NULL,
  sheet_row            integer NOT NULL,
  name                 text NOT NULL,
  on_dibao             boolean NOT NULL,
  dibao_monthly_fen    integer CHECK (dibao_monthly_fen >= 0),
  household_income_fen bigint CHECK (household_income_fen >= 0),
  household_size       integer CHECK (household_size > 0),
  has_vehicle          boolean NOT NULL,
  has_property         boolean NOT NULL,
  deceased             boolean NOT NULL,
  union_member         boolean NOT NULL,
  workplace            text,
  PRIMARY KEY (run_id, resident_id)
);
CREATE INDEX civil_roster_row_resident_id_idx ON civil_roster_row (resident_id);
CREATE TRIGGER civil_roster_row_append_only BEFORE UPDATE OR DELETE ON civil_roster_row
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER civil_roster_row_no_truncate BEFORE TRUNCATE ON civil_roster_row
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- One mismatch: a file (or, for 漏评 candidates, a roster person in no file) and its reason, with
-- the roster's and the file's values in detail. Handled once: OPEN → RECHECK_OPENED / EXIT_PROPOSED
-- / DISMISSED, with who, when and (for a dismissal) why; version makes two people acting at once
-- one winner.
CREATE TABLE civil_comparison_result (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id             uuid NOT NULL REFERENCES civil_roster_run (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_id            uuid REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  resident_id        text NOT NULL,
  reason             civil_mismatch_reason NOT NULL,
  detail             jsonb NOT NULL,
  status             civil_result_status NOT NULL DEFAULT 'OPEN',
  handled_by_id      uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  handled_at         timestamptz(3),
  note               text,
  change_request_id  uuid REFERENCES change_request (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  version            integer NOT NULL DEFAULT 0,
  CONSTRAINT civil_comparison_result_file CHECK ((reason = 'MISSED_FILING') = (file_id IS NULL)),
  CONSTRAINT civil_comparison_result_handled CHECK ((status = 'OPEN') = (handled_by_id IS NULL AND handled_at IS NULL)),
  CONSTRAINT civil_comparison_result_dismiss_note CHECK (status <> 'DISMISSED' OR length(btrim(note)) > 0),
  CONSTRAINT civil_comparison_result_exit_request CHECK ((status = 'EXIT_PROPOSED') = (change_request_id IS NOT NULL)),
  CONSTRAINT civil_comparison_result_missed_actions CHECK (file_id IS NOT NULL OR status IN ('OPEN', 'DISMISSED'))
);
CREATE UNIQUE INDEX civil_comparison_result_run_id_reason_file_resident_key ON civil_comparison_result (run_id, reason, file_id, resident_id);
CREATE INDEX civil_comparison_result_run_id_reason_idx ON civil_comparison_result (run_id, reason);
CREATE INDEX civil_comparison_result_file_id_idx ON civil_comparison_result (file_id);
CREATE INDEX civil_comparison_result_resident_id_idx ON civil_comparison_result (resident_id);

-- The filing workflow's civil-affairs check may cite the run whose roster covered the household.
ALTER TABLE household_file ADD COLUMN civil_check_run_id uuid REFERENCES civil_roster_run (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE filing_event ADD COLUMN civil_check_run_id uuid REFERENCES civil_roster_run (id) ON DELETE RESTRICT ON UPDATE CASCADE;
