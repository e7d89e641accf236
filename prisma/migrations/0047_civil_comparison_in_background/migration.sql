-- The civil-affairs comparison runs in the background (issue 28): the upload stores the roster and
-- answers at once; the comparison — reading, validating, writing the roster rows and the mismatches —
-- runs after the answer as the user who uploaded, as the household import's validation does
-- (docs/decisions/028-background-work.md), and the run page shows its progress from this row.
--
-- QUEUED → READING (the file read and every row validated) → COMPARING (roster rows written, then
-- the one matching statement) → DONE; or INVALID (a bad roster: its message and problems, nothing
-- else written) or FAILED (a system error, or a job that died: the repair at start, or a run with no
-- progress for ten minutes, may be compared again). The roster rows, the results and DONE are one
-- transaction, so a failed or retried run never leaves half of them.
CREATE TYPE civil_run_status AS ENUM ('QUEUED', 'READING', 'COMPARING', 'DONE', 'INVALID', 'FAILED');

-- Every run before this migration was compared inside its upload: DONE.
ALTER TABLE civil_roster_run
  ADD COLUMN status civil_run_status NOT NULL DEFAULT 'DONE',
  -- Each start of the job takes the next attempt; a job writes only while the row still carries its
  -- attempt, so a job declared dead that wakes up again cannot write beside its retry.
  ADD COLUMN attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  ADD COLUMN progress_done integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  ADD COLUMN progress_total integer NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
  ADD COLUMN message text,
  ADD COLUMN problem_count integer NOT NULL DEFAULT 0 CHECK (problem_count >= 0),
  ADD COLUMN problems jsonb NOT NULL DEFAULT '[]',
  -- The job's heartbeat: every progress step moves it.
  ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now(),
  ADD COLUMN compared_at timestamptz(3);
UPDATE civil_roster_run SET compared_at = created_at, updated_at = created_at;
ALTER TABLE civil_roster_run ALTER COLUMN status SET DEFAULT 'QUEUED';

-- The number of roster rows is known once the file is read: 0 until then, and a compared run has some.
ALTER TABLE civil_roster_run DROP CONSTRAINT civil_roster_run_row_count_check;
ALTER TABLE civil_roster_run ALTER COLUMN row_count SET DEFAULT 0;
ALTER TABLE civil_roster_run ADD CONSTRAINT civil_roster_run_row_count_check CHECK (row_count >= 0);
ALTER TABLE civil_roster_run ADD CONSTRAINT civil_roster_run_done_check
  CHECK ((status = 'DONE') = (compared_at IS NOT NULL) AND (status <> 'DONE' OR row_count > 0));
ALTER TABLE civil_roster_run ADD CONSTRAINT civil_roster_run_refused_check
  CHECK (status NOT IN ('INVALID', 'FAILED') OR message IS NOT NULL);

