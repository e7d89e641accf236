-- Importing a union's existing approved files (在档迁入): an import batch of mode OPEN waits, once
-- validated, for an official other than the importer to approve it; approval creates every file as
-- OPEN in one transaction (numbers from the gap-free counter), rejection writes no file.
-- See docs/decisions/017-import-open-files.md.
CREATE TYPE household_import_mode AS ENUM ('DRAFT', 'OPEN');
ALTER TYPE household_import_status ADD VALUE 'AWAITING_APPROVAL' AFTER 'READY';
ALTER TYPE household_import_status ADD VALUE 'REJECTED' AFTER 'FAILED';
ALTER TYPE filing_event_kind ADD VALUE 'IMPORTED';

ALTER TABLE household_import
  ADD COLUMN batch_number     serial,
  ADD COLUMN mode             household_import_mode NOT NULL DEFAULT 'DRAFT',
  ADD COLUMN approved_by_id   uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN approved_at      timestamptz(3),
  ADD COLUMN rejected_by_id   uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN rejected_at      timestamptz(3),
  ADD COLUMN rejection_reason text;
CREATE UNIQUE INDEX household_import_batch_number_key ON household_import (batch_number);
-- Maker–checker: whoever uploaded a batch neither approves nor rejects it, whatever roles they hold.
ALTER TABLE household_import ADD CONSTRAINT household_import_approver_not_importer
  CHECK (approved_by_id IS NULL OR approved_by_id <> created_by_id);
ALTER TABLE household_import ADD CONSTRAINT household_import_rejecter_not_importer
  CHECK (rejected_by_id IS NULL OR rejected_by_id <> created_by_id);
-- Only a batch of existing files waits for approval; it is committed only once approved, and a
-- rejection names who and why.
ALTER TABLE household_import ADD CONSTRAINT household_import_approval_mode
  CHECK (mode = 'OPEN' OR (status::text NOT IN ('AWAITING_APPROVAL', 'REJECTED') AND approved_by_id IS NULL AND rejected_by_id IS NULL));
ALTER TABLE household_import ADD CONSTRAINT household_import_open_committed_approved
  CHECK (mode <> 'OPEN' OR status::text NOT IN ('COMMITTING', 'COMMITTED') OR (approved_by_id IS NOT NULL AND approved_at IS NOT NULL));
ALTER TABLE household_import ADD CONSTRAINT household_import_rejected
  CHECK ((status::text = 'REJECTED') = (rejected_by_id IS NOT NULL AND rejected_at IS NOT NULL AND btrim(coalesce(rejection_reason, '')) <> ''));

-- What the workbook said about each existing file (困难类别, 原建档日期, 原档案编号) with the figures
-- its tier suggestion used, and the holder's name-search columns, staged at validation so the
-- commit is one INSERT … SELECT that reads nothing back into the application.
ALTER TABLE household_import_row ADD COLUMN opening jsonb, ADD COLUMN name_search jsonb;

-- A file that arrived by an approved import batch names it, and keeps the number it had before.
ALTER TABLE household_file
  ADD COLUMN import_id            uuid REFERENCES household_import (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN original_file_number text CHECK (original_file_number IS NULL OR btrim(original_file_number) <> '');
CREATE INDEX household_file_import_id_idx ON household_file (import_id);
-- A file moved in was approved (and checked with civil affairs) in the union's earlier system:
-- it carries no civil-affairs check result of this system. Every other open file still must.
ALTER TABLE household_file DROP CONSTRAINT household_file_open;
ALTER TABLE household_file ADD CONSTRAINT household_file_open CHECK (
  status NOT IN ('OPEN', 'OBSERVATION', 'CLOSED') OR (
    file_number IS NOT NULL AND tier IS NOT NULL AND approved_by_id IS NOT NULL AND approved_at IS NOT NULL
    AND (civil_check_result IS NOT NULL OR import_id IS NOT NULL)
  )
) NOT VALID;
ALTER TABLE household_file VALIDATE CONSTRAINT household_file_open;
-- An imported open file's approver is never its importer: the importer is its submitter, and
-- household_file_approver_not_submitter (0002) already refuses approved_by_id = submitted_by_id.

-- The IMPORTED history row is written by the approving official: the importer (the file's
-- submitter) may not record it, as with every other checker's step.
CREATE OR REPLACE FUNCTION filing_event_not_by_submitter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  submitter uuid;
  last_submitter uuid;
BEGIN
  IF NEW.kind::text NOT IN ('REVIEWED', 'PUBLICITY_STARTED', 'CIVIL_CHECK_RECORDED', 'OBJECTION_RESOLVED', 'APPROVED', 'REJECTED', 'IMPORTED') THEN
    RETURN NEW;
  END IF;
  SELECT submitted_by_id INTO submitter FROM household_file WHERE id = NEW.file_id;
  SELECT actor_id INTO last_submitter FROM filing_event
   WHERE file_id = NEW.file_id AND episode = NEW.episode AND kind = 'SUBMITTED' ORDER BY id DESC LIMIT 1;
  IF NEW.actor_id = submitter OR NEW.actor_id = last_submitter THEN
    RAISE EXCEPTION 'maker-checker: the submitter of file % may not record %', NEW.file_id, NEW.kind
      USING ERRCODE = 'check_violation', CONSTRAINT = 'filing_event_not_by_submitter';
  END IF;
  RETURN NEW;
END $$;

SELECT bangfu_apply_grants();
