-- Issue 25: what the recorded facts already say about a household after (or near) exit.
--   * 返困预警 (hardship_warning): raised by the daily calendar job from visits, re-checks,
--     civil-affairs rosters, medical aid and missing visits; each stays until a person acts on it.
--   * 脱困后回访 (CHECKIN_DUE work items): follow-ups every N months for M months after a 脱困 exit.
--   * 部门转介 (referral) from a file's plan, and the main path of a 脱困 exit (exit_path).
-- The rules and what counts toward the rates: docs/decisions/025-warnings-and-signals.md.

-- ───── What a visit found, in a form the rules can read ─────
-- The free-text findings stay; a visit may also name events and the per-capita income heard then.
CREATE TYPE visit_event AS ENUM ('SERIOUS_ILLNESS', 'DISABILITY', 'JOB_LOSS', 'EARNER_DEATH');
ALTER TABLE visit
  ADD COLUMN events visit_event[] NOT NULL DEFAULT '{}',
  ADD COLUMN per_capita_monthly_fen integer CHECK (per_capita_monthly_fen >= 0);
-- The warning run reads what was recorded since its watermark.
CREATE INDEX visit_recorded_at_idx ON visit (recorded_at);
CREATE INDEX recheck_recorded_at_idx ON recheck (recorded_at);
CREATE INDEX ledger_entry_medical_created_idx ON ledger_entry (created_at) WHERE aid_type = 'MEDICAL';
CREATE INDEX civil_roster_run_created_at_idx ON civil_roster_run (created_at);
-- Files the rules watch: in observation, exited as 脱困, open 相对困难.
CREATE INDEX household_file_watched_idx ON household_file (status, exited_at) WHERE status IN ('OBSERVATION', 'CLOSED') AND exit_reason = 'RESOLVED';

-- ───── Warnings ─────
CREATE TYPE warning_rule AS ENUM ('LOW_INCOME', 'LIFE_EVENT', 'CIVIL_LISTING', 'MEDICAL_AID', 'NO_VISIT');
CREATE TYPE warning_status AS ENUM ('OPEN', 'RECHECK_OPENED', 'REOPENED', 'DISMISSED');

-- One warning per file, rule and fact (source_key names the visit, re-check, roster, payment or date
-- it came from): a rerun of the job, or a dismissed warning, never raises the same fact twice.
CREATE TABLE hardship_warning (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id     uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  rule        warning_rule NOT NULL,
  source_key  text NOT NULL,
  reason      text NOT NULL CHECK (btrim(reason) <> ''),
  facts       jsonb NOT NULL,
  raised_on   date NOT NULL,
  raised_at   timestamptz(3) NOT NULL DEFAULT now(),
  status      warning_status NOT NULL DEFAULT 'OPEN',
  acted_by_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  acted_at    timestamptz(3),
  note        text,
  version     integer NOT NULL DEFAULT 1,
  CONSTRAINT hardship_warning_acted CHECK ((status = 'OPEN') = (acted_by_id IS NULL) AND (acted_by_id IS NULL) = (acted_at IS NULL)),
  CONSTRAINT hardship_warning_dismiss_reason CHECK (status <> 'DISMISSED' OR btrim(coalesce(note, '')) <> '')
);
CREATE UNIQUE INDEX hardship_warning_fact_key ON hardship_warning (file_id, rule, source_key);
CREATE INDEX hardship_warning_status_raised_idx ON hardship_warning (status, raised_on);
CREATE INDEX hardship_warning_raised_on_idx ON hardship_warning (raised_on);

-- A warning never disappears: no DELETE, and once acted on it is history (who, when, why).
CREATE FUNCTION hardship_warning_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'hardship_warning rows are never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status <> 'OPEN' OR NEW.file_id <> OLD.file_id OR NEW.rule <> OLD.rule OR NEW.source_key <> OLD.source_key
     OR NEW.reason <> OLD.reason OR NEW.facts <> OLD.facts OR NEW.raised_on <> OLD.raised_on THEN
    RAISE EXCEPTION 'a hardship warning is changed only by acting on it once' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER hardship_warning_keep BEFORE UPDATE OR DELETE ON hardship_warning FOR EACH ROW EXECUTE FUNCTION hardship_warning_keep();

-- How far the warning run has read (recorded_at / created_at of the facts). Each run reads from a
-- little before the mark (WARNING_OVERLAP in lib/warnings/run-warnings.ts) so a transaction that
-- committed late is not missed; the unique fact key makes the overlap harmless.
CREATE TABLE warning_watermark (
  name       text PRIMARY KEY,
  seen_until timestamptz(3) NOT NULL
);

-- The 低保 standard in force for a region on a date: region → city → province → national '100000'.
CREATE FUNCTION dibao_fen(region text, on_date date) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT d.monthly_fen FROM dibao_standard d
   WHERE daterange(d.effective_from, d.effective_to) @> on_date
     AND d.region_code = ANY (array_remove(region_chain(region), '') || '100000'::text)
   ORDER BY array_position(array_remove(region_chain(region), '') || '100000'::text, d.region_code)
   LIMIT 1
$$;

INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('WARNING_EXIT_MONTHS', 24, '2020-01-01', '返困预警：脱困退档后继续监测的月数'),
  ('WARNING_INCOME_MULTIPLIER_EXITED', 2, '2020-01-01', '返困预警：渐退期或已脱困家庭人均月收入低于低保标准的此倍数'),
  ('WARNING_INCOME_MULTIPLIER_OPEN', 1, '2020-01-01', '返困预警：在档相对困难家庭人均月收入低于低保标准的此倍数'),
  ('WARNING_LIFE_EVENT', 1, '2020-01-01', '返困预警：走访记录新发重病、残疾、失业或主要劳动力死亡（1 启用，0 停用）'),
  ('WARNING_CIVIL_LISTING', 1, '2020-01-01', '返困预警：民政名单新列入低保（1 启用，0 停用）'),
  ('WARNING_MEDICAL_AID_YUAN', 10000, '2020-01-01', '返困预警：近 12 个月医疗救助合计超过此金额（元）'),
  ('WARNING_NO_VISIT_MONTHS', 3, '2020-01-01', '返困预警：渐退期家庭超过此月数未走访'),
  ('CHECKIN_INTERVAL_MONTHS', 6, '2020-01-01', '脱困后回访：每隔此月数回访一次'),
  ('CHECKIN_MONTHS', 24, '2020-01-01', '脱困后回访：退档后回访的总月数');

-- ───── Post-exit check-ins: work items of the daily calendar job ─────
ALTER TYPE work_item_kind ADD VALUE 'CHECKIN_DUE';

-- ───── Referrals to other departments (部门转介) ─────
CREATE TYPE referral_department AS ENUM ('CIVIL_AFFAIRS', 'HUMAN_RESOURCES', 'MEDICAL_INSURANCE', 'EDUCATION', 'HOUSING', 'OTHER');
CREATE TYPE referral_outcome AS ENUM ('GRANTED', 'NOT_ELIGIBLE', 'UNRESOLVED');

CREATE TABLE referral (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id         uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  measure_id      uuid REFERENCES plan_measure (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  department      referral_department NOT NULL,
  item            text NOT NULL CHECK (btrim(item) <> ''),
  referred_on     date NOT NULL,
  contact         text NOT NULL CHECK (btrim(contact) <> ''),
  due_date        date NOT NULL,
  created_by_id   uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  outcome         referral_outcome,
  outcome_note    text,
  outcome_on      date,
  closed_by_id    uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  closed_at       timestamptz(3),
  version         integer NOT NULL DEFAULT 1,
  CONSTRAINT referral_due_after_referred CHECK (due_date >= referred_on),
  CONSTRAINT referral_closed CHECK ((outcome IS NULL) = (closed_by_id IS NULL) AND (outcome IS NULL) = (outcome_on IS NULL) AND (outcome IS NULL) = (closed_at IS NULL)),
  CONSTRAINT referral_granted_says_what CHECK (outcome IS DISTINCT FROM 'GRANTED' OR btrim(coalesce(outcome_note, '')) <> '')
);
CREATE INDEX referral_file_id_idx ON referral (file_id);
CREATE INDEX referral_open_due_idx ON referral (due_date) WHERE outcome IS NULL;
CREATE INDEX referral_referred_on_idx ON referral (referred_on);

-- ───── The main path of a 脱困 exit (the province's "几个一批") ─────
CREATE TYPE exit_path AS ENUM ('EMPLOYMENT', 'SOCIAL_SECURITY', 'MEDICAL', 'EDUCATION', 'HOUSING', 'OTHER');
ALTER TABLE change_request
  ADD COLUMN exit_path exit_path,
  ADD CONSTRAINT change_request_exit_path_resolved CHECK (exit_path IS NULL OR exit_reason = 'RESOLVED');
ALTER TABLE household_file
  ADD COLUMN exit_path exit_path,
  ADD CONSTRAINT household_file_exit_path_resolved CHECK (exit_path IS NULL OR exit_reason = 'RESOLVED');

-- Fen as yuan with two decimals, for the reason a warning states.
CREATE FUNCTION fen_text(fen bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(fen / 100.0, 'FM999999999990.00') $$;

-- ───── Suspected duplicates and misuse (疑似重复与冒领): signals for auditors ─────
-- Built here: one bank account held by payees of two or more households (SHARED_ACCOUNT). A signal
-- is about a fact set (fingerprint: the account and the sorted files that hold it); resolved, it
-- does not come back unless that set changes, which makes a new signal.
CREATE TYPE signal_kind AS ENUM ('SHARED_ACCOUNT');
CREATE TYPE signal_status AS ENUM ('OPEN', 'REASONABLE', 'CORRECTED');
CREATE TABLE suspect_signal (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind           signal_kind NOT NULL,
  subject        text NOT NULL,
  fingerprint    text NOT NULL,
  reason         text NOT NULL CHECK (btrim(reason) <> ''),
  raised_on      date NOT NULL,
  raised_at      timestamptz(3) NOT NULL DEFAULT now(),
  status         signal_status NOT NULL DEFAULT 'OPEN',
  resolved_by_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  resolved_at    timestamptz(3),
  note           text,
  version        integer NOT NULL DEFAULT 1,
  CONSTRAINT suspect_signal_resolved CHECK ((status = 'OPEN') = (resolved_by_id IS NULL) AND (resolved_by_id IS NULL) = (resolved_at IS NULL)),
  CONSTRAINT suspect_signal_note CHECK (status = 'OPEN' OR btrim(coalesce(note, '')) <> '')
);
CREATE UNIQUE INDEX suspect_signal_fact_key ON suspect_signal (kind, subject, fingerprint);
CREATE INDEX suspect_signal_status_raised_idx ON suspect_signal (status, raised_on);
-- The rows behind a signal: each file it names (scope: an auditor sees a signal that names a file of their unions).
CREATE TABLE suspect_signal_file (
  signal_id uuid NOT NULL REFERENCES suspect_signal (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_id   uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  detail    jsonb NOT NULL,
  PRIMARY KEY (signal_id, file_id)
);
CREATE INDEX suspect_signal_file_file_id_idx ON suspect_signal_file (file_id);
-- The shared-account check is an index probe per account number, never a cross join.
CREATE INDEX bank_account_current_number_idx ON bank_account (account_number) WHERE superseded_at IS NULL;
CREATE INDEX bank_account_created_at_idx ON bank_account (created_at);

CREATE FUNCTION suspect_signal_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'suspect_signal rows are never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status <> 'OPEN' OR NEW.kind <> OLD.kind OR NEW.subject <> OLD.subject OR NEW.fingerprint <> OLD.fingerprint OR NEW.reason <> OLD.reason THEN
    RAISE EXCEPTION 'a signal is changed only by resolving it once' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER suspect_signal_keep BEFORE UPDATE OR DELETE ON suspect_signal FOR EACH ROW EXECUTE FUNCTION suspect_signal_keep();
