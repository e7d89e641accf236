-- Backups (数据备份): one row per finished run of `npm run db:backup` or the daily job, shown to
-- administrators. A run is recorded when it ends (success or failure), so a backup never contains
-- a row claiming it is still running; a run killed midway leaves a `.partial` file, which the
-- start-up repair step removes and records here as interrupted.
CREATE TYPE backup_trigger AS ENUM ('SCHEDULED', 'MANUAL');
CREATE TYPE backup_status AS ENUM ('SUCCEEDED', 'FAILED', 'INTERRUPTED');

CREATE TABLE backup_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger backup_trigger NOT NULL,
  status backup_status NOT NULL,
  started_at timestamptz(3) NOT NULL,
  finished_at timestamptz(3) NOT NULL,
  file_name text,
  size_bytes bigint,
  table_rows bigint,
  evidence_files integer,
  warnings text[] NOT NULL DEFAULT '{}',
  error text,
  pruned_at timestamptz(3),
  CONSTRAINT backup_run_finished_after_start CHECK (finished_at >= started_at),
  CONSTRAINT backup_run_success_has_file CHECK (status <> 'SUCCEEDED' OR (file_name IS NOT NULL AND size_bytes IS NOT NULL AND error IS NULL)),
  CONSTRAINT backup_run_failure_has_reason CHECK (status = 'SUCCEEDED' OR error IS NOT NULL)
);
CREATE INDEX backup_run_started_at_idx ON backup_run (started_at DESC);
