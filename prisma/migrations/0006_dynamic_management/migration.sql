-- Dynamic management (动态管理): re-checks on a schedule, visits and pairing, the household plan,
-- and change requests (tier change, exit, transfer) decided by an official.

CREATE TYPE recheck_outcome AS ENUM ('CONFIRM', 'PROPOSE_TIER_CHANGE', 'PROPOSE_EXIT');
CREATE TYPE measure_status AS ENUM ('PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED');
CREATE TYPE change_kind AS ENUM ('TIER_CHANGE', 'EXIT', 'TRANSFER');
CREATE TYPE change_status AS ENUM ('PENDING', 'AWAITING_RECEIVER', 'APPROVED', 'REJECTED');
CREATE TYPE exit_reason AS ENUM ('RESOLVED', 'CANCELLED');
CREATE TYPE cancel_reason AS ENUM ('NOT_ELIGIBLE', 'FALSE_INFORMATION', 'DEATH', 'RETIREMENT', 'LEFT_UNION', 'OTHER');
CREATE TYPE tier_source AS ENUM ('FILING', 'CHANGE');

ALTER TABLE household_file
  ADD COLUMN next_check_due       date,
  ADD COLUMN responsible_cadre_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN contact_name         text,
  ADD COLUMN contact_phone        text CHECK (contact_phone ~ '^[0-9+ -]{5,20}$'),
  ADD COLUMN exit_reason          exit_reason,
  ADD COLUMN cancel_reason        cancel_reason,
  ADD COLUMN exited_at            timestamptz(3),
  ADD COLUMN observation_until    date;
ALTER TABLE household_file ADD CONSTRAINT household_file_open_has_check_date
  CHECK (status <> 'OPEN' OR next_check_due IS NOT NULL) NOT VALID;
ALTER TABLE household_file ADD CONSTRAINT household_file_observation
  CHECK (status <> 'OBSERVATION' OR (observation_until IS NOT NULL AND exit_reason = 'RESOLVED'));
-- The open-file CHECK from 0002 also covers files in their observation period.
ALTER TABLE household_file DROP CONSTRAINT household_file_open;
ALTER TABLE household_file ADD CONSTRAINT household_file_open CHECK (
  status NOT IN ('OPEN', 'OBSERVATION', 'CLOSED') OR (
    file_number IS NOT NULL AND tier IS NOT NULL AND approved_by_id IS NOT NULL AND approved_at IS NOT NULL
    AND civil_check_result IS NOT NULL
  )
);
CREATE INDEX household_file_status_next_check_due_idx ON household_file (status, next_check_due);

-- Files opened before this migration get their first re-check one interval after approval.
UPDATE household_file SET next_check_due = ((approved_at AT TIME ZONE 'Asia/Shanghai')::date + interval '3 months')::date
  WHERE status = 'OPEN' AND next_check_due IS NULL;
ALTER TABLE household_file VALIDATE CONSTRAINT household_file_open_has_check_date;

CREATE TABLE recheck (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id                uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  episode                integer NOT NULL,
  check_date             date NOT NULL,
  visitors               text NOT NULL CHECK (btrim(visitors) <> ''),
  recorded_by_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  recorded_at            timestamptz(3) NOT NULL DEFAULT now(),
  figures                jsonb NOT NULL,
  per_capita_monthly_fen integer NOT NULL,
  suggested_tier         tier,
  tier_at_check          tier NOT NULL,
  outcome                recheck_outcome NOT NULL,
  note                   text
);
CREATE INDEX recheck_file_id_check_date_idx ON recheck (file_id, check_date);
CREATE TRIGGER recheck_append_only BEFORE UPDATE OR DELETE ON recheck FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE visit (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id        uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  visit_date     date NOT NULL,
  visitors       text NOT NULL CHECK (btrim(visitors) <> ''),
  findings       text NOT NULL CHECK (btrim(findings) <> ''),
  recorded_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  recorded_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX visit_file_id_visit_date_idx ON visit (file_id, visit_date);

CREATE TABLE plan_measure (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id        uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  need           text NOT NULL CHECK (btrim(need) <> ''),
  measure        text NOT NULL CHECK (btrim(measure) <> ''),
  responsible    text NOT NULL CHECK (btrim(responsible) <> ''),
  due_date       date NOT NULL,
  status         measure_status NOT NULL DEFAULT 'PLANNED',
  outcome        text,
  version        integer NOT NULL DEFAULT 1,
  created_by_id  uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  updated_at     timestamptz(3) NOT NULL DEFAULT now(),
  -- A measure counts as resolved only with its outcome written down.
  CONSTRAINT plan_measure_done_has_outcome CHECK (status <> 'DONE' OR btrim(coalesce(outcome, '')) <> '')
);
CREATE INDEX plan_measure_file_id_idx ON plan_measure (file_id);

CREATE TABLE change_request (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id                uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  organisation_id        uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  kind                   change_kind NOT NULL,
  status                 change_status NOT NULL DEFAULT 'PENDING',
  file_version           integer NOT NULL,
  current_tier           tier NOT NULL,
  suggested_tier         tier,
  proposed_tier          tier,
  exit_reason            exit_reason,
  cancel_reason          cancel_reason,
  target_organisation_id uuid REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  reason                 text NOT NULL CHECK (btrim(reason) <> ''),
  requested_by_id        uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  requested_at           timestamptz(3) NOT NULL DEFAULT now(),
  decided_by_id          uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  decided_at             timestamptz(3),
  decision_comment       text,
  received_by_id         uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  received_at            timestamptz(3),
  version                integer NOT NULL DEFAULT 1,
  CONSTRAINT change_request_shape CHECK (
    (kind = 'TIER_CHANGE' AND proposed_tier IS NOT NULL AND proposed_tier <> current_tier)
    OR (kind = 'EXIT' AND exit_reason IS NOT NULL AND (exit_reason = 'RESOLVED') = (cancel_reason IS NULL))
    OR (kind = 'TRANSFER' AND target_organisation_id IS NOT NULL AND target_organisation_id <> organisation_id)
  ),
  CONSTRAINT change_request_awaiting_receiver CHECK (status <> 'AWAITING_RECEIVER' OR kind = 'TRANSFER'),
  -- Maker–checker: the proposer never decides, and a transfer's receiver is another person again.
  CONSTRAINT change_request_decider_not_requester CHECK (decided_by_id IS NULL OR decided_by_id <> requested_by_id),
  CONSTRAINT change_request_receiver_not_requester CHECK (received_by_id IS NULL OR received_by_id <> requested_by_id)
);
CREATE INDEX change_request_organisation_id_status_idx ON change_request (organisation_id, status);
CREATE INDEX change_request_target_organisation_id_status_idx ON change_request (target_organisation_id, status);
CREATE INDEX change_request_file_id_idx ON change_request (file_id);
-- One open request of a kind per file at a time.
CREATE UNIQUE INDEX change_request_one_open_per_kind ON change_request (file_id, kind)
  WHERE status IN ('PENDING', 'AWAITING_RECEIVER');

-- Who decided which tier when: the approving official at filing, then every approved change.
CREATE TABLE tier_decision (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id           uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  tier              tier NOT NULL,
  source            tier_source NOT NULL,
  change_request_id uuid REFERENCES change_request (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  decided_by_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  decided_at        timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX tier_decision_file_id_idx ON tier_decision (file_id);
CREATE TRIGGER tier_decision_append_only BEFORE UPDATE OR DELETE ON tier_decision FOR EACH ROW EXECUTE FUNCTION forbid_change();
INSERT INTO tier_decision (file_id, tier, source, decided_by_id, decided_at)
  SELECT id, tier, 'FILING', approved_by_id, approved_at FROM household_file WHERE tier IS NOT NULL AND approved_by_id IS NOT NULL;

INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('RECHECK_INTERVAL_MONTHS', 3, '2020-01-01', '动态核查周期（月）'),
  ('RECHECK_DUE_SOON_DAYS', 14, '2020-01-01', '核查到期提醒提前天数'),
  ('OBSERVATION_MONTHS', 12, '2020-01-01', '脱困后渐退期（月）');
