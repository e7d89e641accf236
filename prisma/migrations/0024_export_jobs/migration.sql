-- Background exports (后台导出, the last open item of issue 10): a large export is requested on a
-- page, written by the jobs process into a file under the data directory (EXPORT_DIR), and
-- downloaded from 我的导出 when it is ready. One row per request: who asked, what (kind, the
-- page's URL parameters, full numbers or masked), and how far the writing has come.
CREATE TYPE export_job_kind AS ENUM ('ARCHIVE', 'LEDGER', 'AUDIT_EVENTS', 'AUDIT_SIGNINS', 'BATCH_LINES');
CREATE TYPE export_job_status AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED');

CREATE TABLE export_job (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  requested_by_id  uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  organisation_id  uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  kind             export_job_kind NOT NULL,
  format           text NOT NULL CHECK (format IN ('xlsx', 'csv')),
  -- The page's URL parameters (without format and full), read again by the worker exactly as the
  -- direct export reads them; summary is the filters in words, as the file's note line has them.
  params           jsonb NOT NULL DEFAULT '{}',
  summary          text NOT NULL,
  full_numbers     boolean NOT NULL DEFAULT false,
  status           export_job_status NOT NULL DEFAULT 'QUEUED',
  rows_done        integer NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  rows_total       integer CHECK (rows_total >= 0),
  file_name        text,
  -- The file's name under EXPORT_DIR ("<id>.xlsx"); kept after expiry as a record of what was written.
  file_key         text CHECK (file_key ~ '^[0-9a-f-]{36}\.(xlsx|csv)$'),
  size_bytes       bigint CHECK (size_bytes >= 0),
  error            text,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  started_at       timestamptz(3),
  finished_at      timestamptz(3),
  expires_at       timestamptz(3),
  CONSTRAINT export_job_queued_not_started CHECK (status <> 'QUEUED' OR (started_at IS NULL AND rows_done = 0)),
  CONSTRAINT export_job_running_started CHECK (status NOT IN ('RUNNING', 'SUCCEEDED', 'EXPIRED') OR started_at IS NOT NULL),
  CONSTRAINT export_job_finished CHECK ((status IN ('QUEUED', 'RUNNING')) = (finished_at IS NULL)),
  CONSTRAINT export_job_file CHECK (status NOT IN ('SUCCEEDED', 'EXPIRED') OR (file_name IS NOT NULL AND file_key IS NOT NULL AND size_bytes IS NOT NULL AND expires_at IS NOT NULL AND rows_total = rows_done)),
  CONSTRAINT export_job_failure_reason CHECK ((status = 'FAILED') = (error IS NOT NULL))
);
CREATE INDEX export_job_requested_by_id_created_at_idx ON export_job (requested_by_id, created_at DESC);
CREATE INDEX export_job_organisation_id_idx ON export_job (organisation_id);
-- The worker's sweeps: queued or running jobs, and files past their expiry.
CREATE INDEX export_job_active_idx ON export_job (created_at) WHERE status IN ('QUEUED', 'RUNNING');
CREATE INDEX export_job_expiry_idx ON export_job (expires_at) WHERE status = 'SUCCEEDED';

-- At most three queued or running exports per person (EXPORT_ACTIVE_LIMIT in lib/exports): one
-- person's many clicks must not fill the worker for everyone. Checked here, under a lock per
-- person, so two requests at the same moment cannot both be the third. Each statement of a
-- plpgsql function sees what committed before it ran, so the count after the lock sees the other
-- request's row once that request has committed.
CREATE FUNCTION export_job_limit_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('export_job:' || NEW.requested_by_id::text));
  IF (SELECT count(*) FROM export_job WHERE requested_by_id = NEW.requested_by_id AND status IN ('QUEUED', 'RUNNING')) >= 3 THEN
    RAISE EXCEPTION 'export_job_active_limit' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER export_job_limit_active BEFORE INSERT ON export_job
  FOR EACH ROW EXECUTE FUNCTION export_job_limit_active();

-- Wakes the export worker (lib/exports/export-worker.ts LISTENs) when the request commits; the
-- web server needs no access to the job queue's own schema. A notification missed while no
-- worker listened is found by the worker's sweep of queued jobs.
CREATE FUNCTION export_job_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('export_job_queued', NEW.id::text);
  RETURN NEW;
END $$;
CREATE TRIGGER export_job_notify AFTER INSERT ON export_job
  FOR EACH ROW EXECUTE FUNCTION export_job_notify();
