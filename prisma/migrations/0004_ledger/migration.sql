-- Assistance and the disbursement ledger (帮扶救助, 实名制, 专款专用).
--
-- Requests (`disbursement`, `disbursement_batch` + `batch_line`) are mutable while they wait for
-- an official; `ledger_entry` is written only when an official other than the recorder approves,
-- and is append-only: a mistake is corrected by a reversing entry, never by an edit.

CREATE TYPE aid_type AS ENUM ('LIVING', 'MEDICAL', 'EDUCATION', 'WARMTH', 'EMERGENCY', 'EMPLOYMENT');
CREATE TYPE fund_source AS ENUM ('CENTRAL_SPECIAL', 'UNION_FUNDS', 'WARMTH_FUND', 'DONATION');
CREATE TYPE aid_cap_per AS ENUM ('HOUSEHOLD', 'STUDENT');
CREATE TYPE disbursement_status AS ENUM ('PENDING', 'APPROVED', 'REJECTED');
CREATE TYPE batch_status AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'PAID');

-- ───── Policy: standards and annual caps per aid type and file level, by effective date ─────
CREATE TABLE aid_policy (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  aid_type               aid_type NOT NULL,
  -- NULL: every level without a row of its own.
  file_level             file_level,
  standard_amount_fen    integer CHECK (standard_amount_fen >= 0),
  annual_cap_fen         integer CHECK (annual_cap_fen >= 0),
  cap_per                aid_cap_per NOT NULL DEFAULT 'HOUSEHOLD',
  allowed_in_observation boolean NOT NULL DEFAULT false,
  -- false: the type is a service (就业帮扶) and may carry no cash.
  cash                   boolean NOT NULL DEFAULT true,
  effective_from         date NOT NULL,
  note                   text,
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (aid_type, file_level, effective_from)
);

INSERT INTO aid_policy (aid_type, file_level, standard_amount_fen, annual_cap_fen, cap_per, allowed_in_observation, cash, effective_from, note) VALUES
  ('EDUCATION', 'NATIONAL', 630000, 630000, 'STUDENT', true, true, '2020-01-01', '金秋助学：全国级档案每生每年 6,300 元'),
  ('EDUCATION', 'PROVINCE', 630000, 630000, 'STUDENT', true, true, '2020-01-01', '金秋助学：省级档案每生每年 6,300 元'),
  ('EDUCATION', 'CITY',     600000, 600000, 'STUDENT', true, true, '2020-01-01', '金秋助学：市级档案每生每年 6,000 元'),
  ('EDUCATION', 'COUNTY',   500000, 500000, 'STUDENT', true, true, '2020-01-01', '金秋助学：县级档案每生每年 5,000 元'),
  ('LIVING',    NULL,       NULL,   600000, 'HOUSEHOLD', false, true, '2020-01-01', '生活救助：每户每年不超过 6,000 元（示例值）'),
  ('MEDICAL',   NULL,       NULL,  1000000, 'HOUSEHOLD', true, true, '2020-01-01', '医疗救助：每户每年不超过 10,000 元（示例值）'),
  ('WARMTH',    NULL,       50000,  100000, 'HOUSEHOLD', true, true, '2020-01-01', '送温暖：标准 500 元，每户每年不超过 1,000 元（示例值）'),
  ('EMERGENCY', NULL,       NULL,   300000, 'HOUSEHOLD', true, true, '2020-01-01', '临时救助：每户每年不超过 3,000 元（示例值）'),
  ('EMPLOYMENT', NULL,      NULL,   NULL,   'HOUSEHOLD', true, false, '2020-01-01', '就业帮扶：培训、岗位推荐等服务，可不发放现金');

-- THE place where a file status is eligible for aid (mirrored by isStatusEligibleForAid in
-- lib/ledger/aid-policy.ts): open files, and files in their observation period (渐退期) where the
-- aid type allows it. OBSERVATION is compared as text: the enum value is added by a later migration.
CREATE FUNCTION aid_status_eligible(status file_status, allowed_in_observation boolean) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT status = 'OPEN' OR (status::text = 'OBSERVATION' AND allowed_in_observation) $$;

-- ───── Real name: the file holder's own bank account ─────
CREATE TABLE bank_account (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id         uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  bank_name       text NOT NULL CHECK (btrim(bank_name) <> ''),
  account_number  text NOT NULL CHECK (account_number ~ '^[0-9]{12,30}$'),
  account_holder  text NOT NULL CHECK (btrim(account_holder) <> ''),
  created_by_id   uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  -- A changed card supersedes the old row, which stays: ledger entries name the account they paid.
  superseded_at   timestamptz(3)
);
CREATE INDEX bank_account_file_id_idx ON bank_account (file_id);
CREATE UNIQUE INDEX bank_account_one_current_per_file ON bank_account (file_id) WHERE superseded_at IS NULL;

-- ───── Single disbursements and reversals: requests waiting for an official ─────
CREATE TABLE disbursement (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- One submission, one request: a double click, a retry or a second tab sends the same key.
  idempotency_key      uuid NOT NULL UNIQUE,
  file_id              uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  organisation_id      uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  aid_type             aid_type NOT NULL,
  fund_source          fund_source NOT NULL,
  amount_fen           integer NOT NULL,
  entry_date           date NOT NULL,
  purpose              text NOT NULL CHECK (btrim(purpose) <> ''),
  evidence             text,
  student_resident_id  text CHECK (student_resident_id ~ '^[0-9]{17}[0-9X]$'),
  bank_account_id      uuid REFERENCES bank_account (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  reverses_entry_id    uuid,
  status               disbursement_status NOT NULL DEFAULT 'PENDING',
  over_cap_note        text,
  cap_override_reason  text,
  recorded_by_id       uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  recorded_at          timestamptz(3) NOT NULL DEFAULT now(),
  decided_by_id        uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  decided_at           timestamptz(3),
  rejection_reason     text,
  CONSTRAINT disbursement_sign CHECK (
    (reverses_entry_id IS NULL AND amount_fen >= 0) OR (reverses_entry_id IS NOT NULL AND amount_fen <= 0)
  ),
  CONSTRAINT disbursement_maker_checker CHECK (decided_by_id IS NULL OR decided_by_id <> recorded_by_id),
  CONSTRAINT disbursement_decided CHECK ((status = 'PENDING') = (decided_by_id IS NULL)),
  CONSTRAINT disbursement_rejected CHECK (status <> 'REJECTED' OR btrim(rejection_reason) <> '')
);
CREATE INDEX disbursement_organisation_id_status_idx ON disbursement (organisation_id, status);
CREATE INDEX disbursement_file_id_idx ON disbursement (file_id);

-- ───── Batches (批量发放) ─────
CREATE TABLE disbursement_batch (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key     uuid NOT NULL UNIQUE,
  organisation_id     uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  name                text NOT NULL CHECK (btrim(name) <> ''),
  aid_type            aid_type NOT NULL,
  fund_source         fund_source NOT NULL,
  -- NULL: each line takes the policy standard for its file level.
  standard_amount_fen integer CHECK (standard_amount_fen >= 0),
  entry_date          date NOT NULL,
  purpose             text NOT NULL CHECK (btrim(purpose) <> ''),
  tiers               tier[] NOT NULL DEFAULT '{}',
  file_levels         file_level[] NOT NULL DEFAULT '{}',
  status              batch_status NOT NULL DEFAULT 'DRAFT',
  version             integer NOT NULL DEFAULT 1,
  created_by_id       uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  submitted_by_id     uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  submitted_at        timestamptz(3),
  approved_by_id      uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  approved_at         timestamptz(3),
  paid_by_id          uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  paid_at             timestamptz(3),
  rejection_reason    text,
  CONSTRAINT disbursement_batch_maker_checker CHECK (
    approved_by_id IS NULL OR (approved_by_id <> created_by_id AND approved_by_id <> submitted_by_id)
  ),
  CONSTRAINT disbursement_batch_submitted CHECK (status = 'DRAFT' OR submitted_by_id IS NOT NULL),
  CONSTRAINT disbursement_batch_approved CHECK (status NOT IN ('APPROVED', 'PAID') OR approved_by_id IS NOT NULL),
  CONSTRAINT disbursement_batch_paid CHECK (status <> 'PAID' OR paid_by_id IS NOT NULL)
);
CREATE INDEX disbursement_batch_organisation_id_status_idx ON disbursement_batch (organisation_id, status);

CREATE TABLE batch_line (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id            uuid NOT NULL REFERENCES disbursement_batch (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_id             uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  organisation_id     uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  student_resident_id text CHECK (student_resident_id ~ '^[0-9]{17}[0-9X]$'),
  bank_account_id     uuid REFERENCES bank_account (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  amount_fen          integer NOT NULL CHECK (amount_fen >= 0),
  adjusted_amount_fen integer CHECK (adjusted_amount_fen >= 0),
  adjust_reason       text,
  removed             boolean NOT NULL DEFAULT false,
  removed_reason      text,
  CONSTRAINT batch_line_adjusted_with_reason CHECK (adjusted_amount_fen IS NULL OR btrim(adjust_reason) <> ''),
  CONSTRAINT batch_line_removed_with_reason CHECK (NOT removed OR btrim(removed_reason) <> '')
);
CREATE INDEX batch_line_batch_id_organisation_id_idx ON batch_line (batch_id, organisation_id);
CREATE INDEX batch_line_file_id_idx ON batch_line (file_id);
-- A household (or, for 助学, a student) is listed once per batch.
CREATE UNIQUE INDEX batch_line_one_per_beneficiary ON batch_line (batch_id, file_id, student_resident_id) NULLS NOT DISTINCT;

-- ───── The ledger (台账): append-only ─────
CREATE TABLE ledger_entry (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id     uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_id             uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  aid_type            aid_type NOT NULL,
  fund_source         fund_source NOT NULL,
  amount_fen          integer NOT NULL,
  entry_date          date NOT NULL,
  purpose             text NOT NULL,
  student_resident_id text,
  bank_account_id     uuid REFERENCES bank_account (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  -- Where it came from: an approved single request (or reversal), or a line of an approved batch.
  disbursement_id     uuid UNIQUE REFERENCES disbursement (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  batch_line_id       uuid UNIQUE REFERENCES batch_line (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  -- UNIQUE: an entry is reversed at most once.
  reverses_entry_id   uuid UNIQUE REFERENCES ledger_entry (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  reason              text,
  cap_override_reason text,
  recorded_by_id      uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  approved_by_id      uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT ledger_entry_one_source CHECK (num_nonnulls(disbursement_id, batch_line_id) = 1),
  CONSTRAINT ledger_entry_maker_checker CHECK (approved_by_id <> recorded_by_id),
  CONSTRAINT ledger_entry_sign CHECK (
    (reverses_entry_id IS NULL AND amount_fen >= 0)
    OR (reverses_entry_id IS NOT NULL AND amount_fen <= 0 AND btrim(reason) <> '')
  )
);
-- The organisation's ledger pages by (entry_date, id) descending: per organisation, and across a
-- subtree (a city sees many organisations, where the planner walks the date index instead).
CREATE INDEX ledger_entry_organisation_id_entry_date_id_idx ON ledger_entry (organisation_id, entry_date DESC, id DESC);
CREATE INDEX ledger_entry_entry_date_id_idx ON ledger_entry (entry_date DESC, id DESC);
-- The household's ledger and the annual-cap sums.
CREATE INDEX ledger_entry_file_id_aid_type_entry_date_idx ON ledger_entry (file_id, aid_type, entry_date);

-- A reversal is exactly the negative of an original entry that is not itself a reversal: so every
-- balance, which is the sum of entries, nets to zero for a reversed entry whatever the code does.
CREATE FUNCTION ledger_entry_check_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original ledger_entry%ROWTYPE;
BEGIN
  IF NEW.reverses_entry_id IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT * INTO original FROM ledger_entry WHERE id = NEW.reverses_entry_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'reversed ledger entry % does not exist', NEW.reverses_entry_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF original.reverses_entry_id IS NOT NULL THEN
    RAISE EXCEPTION 'a reversing entry cannot itself be reversed' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.amount_fen <> -original.amount_fen OR NEW.file_id <> original.file_id OR NEW.aid_type <> original.aid_type
     OR NEW.fund_source <> original.fund_source OR NEW.organisation_id <> original.organisation_id THEN
    RAISE EXCEPTION 'a reversal must negate its original entry exactly' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entry_check_reversal BEFORE INSERT ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_check_reversal();

CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
-- Where the application connects as a role other than the owner, it gets no UPDATE, DELETE or
-- TRUNCATE on the ledger at all (see README "Using your own PostgreSQL server"); PUBLIC never does.
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entry FROM PUBLIC;

-- The disbursement a reversal request names must exist; a pending or approved reversal blocks a second one.
ALTER TABLE disbursement ADD CONSTRAINT disbursement_reverses_entry_id_fkey
  FOREIGN KEY (reverses_entry_id) REFERENCES ledger_entry (id) ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX disbursement_one_open_reversal ON disbursement (reverses_entry_id)
  WHERE reverses_entry_id IS NOT NULL AND status <> 'REJECTED';
