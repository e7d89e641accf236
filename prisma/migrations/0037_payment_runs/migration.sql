-- ───── Payment runs: bank payment files for approved single disbursements (issue 23 §2–§3: 代发汇总) ─────
-- A batch has its own payment file; an approved single disbursement (单笔发放) has none. A payment
-- run (代发汇总) groups a paying union's approved single cash disbursements of one fund, not yet in
-- a run, so that they go to the bank in one payment file and come back in one return file — the
-- same layouts, references, matching and all-or-nothing apply as a batch (lib/payments/run-*.ts).
CREATE TABLE payment_run (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The paying union: every disbursement of the run has its ledger entry paid by it.
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  fund_source     fund_source NOT NULL,
  name            text NOT NULL CHECK (btrim(name) <> ''),
  created_by_id   uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at      timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX payment_run_organisation_id_created_at_idx ON payment_run (organisation_id, created_at);

-- One applied return file of a run, as payment_return is of a batch. Append-only.
CREATE TABLE payment_run_return (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id           uuid NOT NULL REFERENCES payment_run (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  layout_id        uuid NOT NULL REFERENCES bank_layout (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_name        text NOT NULL,
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  paid_lines       integer NOT NULL CHECK (paid_lines >= 0),
  paid_fen         bigint NOT NULL CHECK (paid_fen >= 0),
  returned_lines   integer NOT NULL CHECK (returned_lines >= 0),
  returned_fen     bigint NOT NULL CHECK (returned_fen >= 0),
  stated_total_fen bigint,
  applied_by_id    uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  applied_at       timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT payment_run_return_not_empty CHECK (paid_lines + returned_lines > 0),
  CONSTRAINT payment_run_return_total CHECK (stated_total_fen IS NULL OR stated_total_fen = paid_fen + returned_fen)
);
CREATE INDEX payment_run_return_run_id_idx ON payment_run_return (run_id);
-- The same file cannot be applied twice to a run.
CREATE UNIQUE INDEX payment_run_return_run_id_sha256_key ON payment_run_return (run_id, sha256);
CREATE TRIGGER payment_run_return_append_only BEFORE UPDATE OR DELETE ON payment_run_return FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- A disbursement's outcome at the bank, mirroring batch_line's (0029): null until it joins a run,
-- then WAITING 待回盘 → PAID 已到账 | RETURNED 退回 (its ledger entry reversed, 银行退回) → CLOSED.
ALTER TABLE disbursement
  ADD COLUMN payment_run_id uuid REFERENCES payment_run (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN payment_status payment_status,
  ADD COLUMN payment_reason text,
  ADD COLUMN payment_updated_at timestamptz(3),
  ADD COLUMN payment_run_return_id uuid REFERENCES payment_run_return (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  -- In a run exactly when it has an outcome; a run pays approved payments only, never a reversal,
  -- and a single payment is never signed for or re-issued in place (a new request is made instead).
  ADD CONSTRAINT disbursement_payment_run CHECK (
    (payment_run_id IS NULL) = (payment_status IS NULL)
    AND (payment_run_id IS NULL OR (status = 'APPROVED' AND reverses_entry_id IS NULL AND amount_fen > 0))
    AND (payment_status IS NULL OR payment_status IN ('WAITING', 'PAID', 'RETURNED', 'CLOSED'))
  );
CREATE INDEX disbursement_payment_run_id_idx ON disbursement (payment_run_id);
CREATE INDEX disbursement_payment_run_return_id_idx ON disbursement (payment_run_return_id);
