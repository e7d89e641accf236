-- Household import from Excel (台账导入): an uploaded workbook, validated in full before anything
-- is written, then committed in one transaction from the staged rows.
CREATE TYPE household_import_status AS ENUM ('VALIDATING', 'INVALID', 'READY', 'COMMITTING', 'COMMITTED', 'FAILED');

CREATE TABLE household_import (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_by_id    uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  file_name        text NOT NULL,
  size_bytes       integer NOT NULL CHECK (size_bytes > 0),
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  workbook         bytea NOT NULL,
  status           household_import_status NOT NULL DEFAULT 'VALIDATING',
  households       integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  members          integer NOT NULL DEFAULT 0 CHECK (members >= 0),
  problem_count    integer NOT NULL DEFAULT 0 CHECK (problem_count >= 0),
  problems         jsonb NOT NULL DEFAULT '[]',
  progress_done    integer NOT NULL DEFAULT 0,
  progress_total   integer NOT NULL DEFAULT 0,
  message          text,
  committed_at     timestamptz(3),
  CONSTRAINT household_import_committed CHECK ((status = 'COMMITTED') = (committed_at IS NOT NULL)),
  CONSTRAINT household_import_ready_clean CHECK (status NOT IN ('READY', 'COMMITTING', 'COMMITTED') OR problem_count = 0)
);
-- The same workbook is imported once: a second upload of identical bytes is recognised and refused.
CREATE UNIQUE INDEX household_import_sha256_key ON household_import (sha256);
CREATE INDEX household_import_organisation_id_created_at_idx ON household_import (organisation_id, created_at);

-- The validated households, staged until the commit copies them into household_file in one
-- INSERT … SELECT. file_id is chosen here so file_person and filing_event can follow in bulk.
CREATE TABLE household_import_row (
  import_id        uuid NOT NULL REFERENCES household_import (id) ON DELETE CASCADE ON UPDATE CASCADE,
  seq              integer NOT NULL,
  file_id          uuid NOT NULL DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  sheet_row        integer NOT NULL,
  data             jsonb NOT NULL,
  PRIMARY KEY (import_id, seq)
);
