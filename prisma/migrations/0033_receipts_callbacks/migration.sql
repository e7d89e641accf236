-- ───── Signed receipts and call-backs (issue 23 §4–§5) ─────
-- Cash and goods (现金 / 实物) are handed over against a signature on a printed 签收表; the signed
-- scan is kept with the batch, each line is marked 已签收 or 未领取, and a line not signed within
-- the policy's days (UNCLAIMED_DAYS) is reversed in the ledger (reversal_kind 'UNCLAIMED'). When a
-- batch is paid, a reproducible sample of its lines (CALLBACK_SHARE, at least one per base union)
-- is called back (回访核实) by someone who did not make, submit, approve or pay it; a household that
-- says it got nothing, or not the amount, opens an item for the auditor (CALLBACK_PROBLEM).

CREATE TYPE callback_outcome AS ENUM ('RECEIVED', 'NOT_RECEIVED', 'AMOUNT_MISMATCH', 'UNREACHABLE');
ALTER TYPE work_item_kind ADD VALUE 'CALLBACK_PROBLEM';

-- A reversal that follows from the payment's outcome has no source of its own: 0032 already
-- allows it (ledger_entry_one_source).

-- The signed 签收表 scans of a batch: the bytes on disk like evidence (lib/evidence/storage), the
-- row a record that is never edited or removed (append-only).
CREATE TABLE batch_receipt_scan (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id       uuid NOT NULL REFERENCES disbursement_batch (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  original_name  text NOT NULL,
  content_type   text NOT NULL,
  size_bytes     integer NOT NULL CHECK (size_bytes > 0),
  sha256         text NOT NULL,
  storage_key    text NOT NULL UNIQUE,
  uploaded_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  uploaded_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX batch_receipt_scan_batch_id_idx ON batch_receipt_scan (batch_id);
CREATE TRIGGER batch_receipt_scan_append_only BEFORE UPDATE OR DELETE ON batch_receipt_scan
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER batch_receipt_scan_no_truncate BEFORE TRUNCATE ON batch_receipt_scan
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- How a batch's call-back sample was drawn: enough to draw it again (lib/payments/callback-sample.ts).
CREATE TABLE callback_sample (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id    uuid NOT NULL UNIQUE REFERENCES disbursement_batch (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  seed        bigint NOT NULL,
  share       numeric(6, 4) NOT NULL CHECK (share > 0 AND share <= 1),
  population  integer NOT NULL CHECK (population >= 0),
  sampled     integer NOT NULL CHECK (sampled >= 0 AND sampled <= population),
  -- Per base union: [{organisationId, name, population, sampled}], as shown on the batch page.
  per_union   jsonb NOT NULL,
  drawn_at    timestamptz(3) NOT NULL DEFAULT now()
);

-- One sampled line to call; the outcome is written once, by someone not involved in the batch.
CREATE TABLE callback_call (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sample_id       uuid NOT NULL REFERENCES callback_sample (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  batch_id        uuid NOT NULL REFERENCES disbursement_batch (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  batch_line_id   uuid NOT NULL UNIQUE REFERENCES batch_line (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_id         uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  -- The base union of the line (where it was paid), for coverage per union.
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  outcome         callback_outcome,
  note            text,
  called_by_id    uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  called_at       timestamptz(3),
  CONSTRAINT callback_call_recorded CHECK (num_nulls(outcome, called_by_id, called_at) IN (0, 3)),
  CONSTRAINT callback_call_problem_note CHECK (outcome IS NULL OR outcome IN ('RECEIVED', 'UNREACHABLE') OR btrim(coalesce(note, '')) <> '')
);
CREATE INDEX callback_call_sample_id_idx ON callback_call (sample_id);
CREATE INDEX callback_call_organisation_id_idx ON callback_call (organisation_id, outcome);
CREATE INDEX callback_call_file_id_idx ON callback_call (file_id);

-- Separation of duties, held here even if code is wrong: whoever made, submitted, approved or paid
-- the batch cannot record its call-backs; and a recorded call is never rewritten.
CREATE FUNCTION callback_call_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  b disbursement_batch%ROWTYPE;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.outcome IS NOT NULL THEN
    RAISE EXCEPTION 'callback_call_once: a recorded call-back is not changed' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.called_by_id IS NOT NULL THEN
    SELECT * INTO b FROM disbursement_batch WHERE id = NEW.batch_id;
    IF NEW.called_by_id IN (b.created_by_id, b.submitted_by_id, b.approved_by_id, b.paid_by_id) THEN
      RAISE EXCEPTION 'callback_call_not_involved: the caller made, submitted, approved or paid the batch' USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER callback_call_check BEFORE INSERT OR UPDATE ON callback_call
  FOR EACH ROW EXECUTE FUNCTION callback_call_check();

-- The policy numbers (dated data, overridable per region by an administrator).
INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('UNCLAIMED_DAYS', 30, '2020-01-01', '现金、实物发放审批后未签收的天数，逾期冲回台账'),
  ('CALLBACK_SHARE', 0.1, '2020-01-01', '发放完成后回访核实的抽样比例（每个基层工会至少 1 户）')
ON CONFLICT DO NOTHING;
