-- Filing: household files (一户一档), the people they name, the workflow, evidence, and the policy
-- parameters that suggest a tier.

CREATE TYPE file_status AS ENUM ('DRAFT', 'SUBMITTED', 'REVIEWED', 'PUBLICITY', 'OPEN', 'CLOSED');
CREATE TYPE tier AS ENUM ('DEEP', 'RELATIVE', 'ACCIDENT');
CREATE TYPE file_level AS ENUM ('NATIONAL', 'PROVINCE', 'CITY', 'COUNTY');
CREATE TYPE worker_category AS ENUM ('URBAN', 'MIGRANT');
CREATE TYPE hardship_cause AS ENUM (
  'ILLNESS', 'DISABILITY', 'EDUCATION', 'DISASTER', 'ACCIDENT', 'UNEMPLOYMENT', 'SINGLE_PARENT', 'LOW_INCOME', 'OTHER'
);
CREATE TYPE filing_event_kind AS ENUM (
  'CREATED', 'SUBMITTED', 'REVIEWED', 'PUBLICITY_STARTED', 'OBJECTION_RECORDED', 'CIVIL_CHECK_RECORDED',
  'APPROVED', 'REJECTED', 'REOPENED'
);
CREATE TYPE civil_check_result AS ENUM ('CONSISTENT', 'INCONSISTENT');
CREATE TYPE evidence_kind AS ENUM (
  'APPLICATION', 'AUTHORISATION', 'DIAGNOSIS', 'DISABILITY', 'ADMISSION', 'ACCIDENT', 'INCOME', 'OTHER'
);

CREATE TABLE household_file (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id        uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_number            text UNIQUE,
  status                 file_status NOT NULL DEFAULT 'DRAFT',
  episode                integer NOT NULL DEFAULT 1 CHECK (episode >= 1),
  version                integer NOT NULL DEFAULT 1,
  data                   jsonb NOT NULL,
  holder_name            text,
  holder_resident_id     text CHECK (holder_resident_id ~ '^[0-9]{17}[0-9X]$'),
  household_size         integer CHECK (household_size >= 1),
  file_level             file_level,
  worker_category        worker_category,
  main_cause             hardship_cause,
  secondary_causes       hardship_cause[] NOT NULL DEFAULT '{}',
  per_capita_monthly_fen integer,
  suggested_tier         tier,
  proposed_tier          tier,
  tier                   tier,
  created_by_id          uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  updated_at             timestamptz(3) NOT NULL DEFAULT now(),
  submitted_by_id        uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  submitted_at           timestamptz(3),
  reviewed_by_id         uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  reviewed_at            timestamptz(3),
  home_visit_date        date,
  publicity_start        date,
  publicity_end          date,
  civil_check_date       date,
  civil_check_result     civil_check_result,
  civil_check_note       text,
  approved_by_id         uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  approved_at            timestamptz(3),
  opened_at              timestamptz(3),
  rejection_reason       text,

  -- Causes: at most three secondary ones, none repeating the main cause.
  CONSTRAINT household_file_secondary_causes CHECK (
    cardinality(secondary_causes) <= 3 AND (main_cause IS NULL OR NOT (main_cause = ANY (secondary_causes)))
  ),
  -- Everything past a draft carries the figures it was submitted with.
  CONSTRAINT household_file_submitted_complete CHECK (
    status = 'DRAFT' OR (
      holder_name IS NOT NULL AND holder_resident_id IS NOT NULL AND household_size IS NOT NULL
      AND file_level IS NOT NULL AND worker_category IS NOT NULL AND main_cause IS NOT NULL
      AND submitted_by_id IS NOT NULL AND submitted_at IS NOT NULL AND proposed_tier IS NOT NULL
    )
  ),
  CONSTRAINT household_file_reviewed CHECK (
    status NOT IN ('REVIEWED', 'PUBLICITY') OR (reviewed_by_id IS NOT NULL AND home_visit_date IS NOT NULL)
  ),
  CONSTRAINT household_file_publicity CHECK (
    status <> 'PUBLICITY' OR (publicity_start IS NOT NULL AND publicity_end > publicity_start)
  ),
  -- An open file has been approved, with a number, a tier and the civil-affairs check on record.
  CONSTRAINT household_file_open CHECK (
    status NOT IN ('OPEN', 'CLOSED') OR (
      file_number IS NOT NULL AND tier IS NOT NULL AND approved_by_id IS NOT NULL AND approved_at IS NOT NULL
      AND civil_check_result IS NOT NULL
    )
  ),
  -- Maker–checker: nobody reviews or approves a filing they submitted.
  CONSTRAINT household_file_reviewer_not_submitter CHECK (reviewed_by_id IS NULL OR reviewed_by_id <> submitted_by_id),
  CONSTRAINT household_file_approver_not_submitter CHECK (approved_by_id IS NULL OR approved_by_id <> submitted_by_id)
);
CREATE INDEX household_file_organisation_id_status_idx ON household_file (organisation_id, status);
CREATE INDEX household_file_status_submitted_at_idx ON household_file (status, submitted_at);
CREATE INDEX household_file_holder_resident_id_idx ON household_file (holder_resident_id);
CREATE INDEX household_file_updated_at_idx ON household_file (updated_at);
-- Name search is by prefix (姓 or 姓名开头); text_pattern_ops serves LIKE 'prefix%'.
CREATE INDEX household_file_holder_name_prefix_idx ON household_file (holder_name text_pattern_ops);
-- A household is filed once: after its first submission the file is reopened, never filed again.
CREATE UNIQUE INDEX household_file_one_file_per_holder ON household_file (holder_resident_id)
  WHERE status <> 'DRAFT' OR file_number IS NOT NULL;

CREATE TABLE file_person (
  file_id     uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  resident_id text NOT NULL CHECK (resident_id ~ '^[0-9]{17}[0-9X]$'),
  is_holder   boolean NOT NULL,
  holds       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (file_id, resident_id)
);
CREATE INDEX file_person_resident_id_idx ON file_person (resident_id);
-- 一人一档: a person belongs to at most one file that is submitted, in review, in publicity or open.
-- Two caseworkers submitting the same person at the same moment: the second insert waits for
-- the first transaction and then fails with a unique violation.
CREATE UNIQUE INDEX file_person_one_active_file ON file_person (resident_id) WHERE holds;

-- `holds` follows the file's status; nothing else may set it.
CREATE FUNCTION file_status_holds(s file_status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT s IN ('SUBMITTED', 'REVIEWED', 'PUBLICITY', 'OPEN')
$$;
CREATE FUNCTION file_person_set_holds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT file_status_holds(status) INTO NEW.holds FROM household_file WHERE id = NEW.file_id;
  RETURN NEW;
END $$;
CREATE TRIGGER file_person_set_holds BEFORE INSERT OR UPDATE ON file_person
  FOR EACH ROW EXECUTE FUNCTION file_person_set_holds();
CREATE FUNCTION household_file_sync_holds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF file_status_holds(NEW.status) IS DISTINCT FROM file_status_holds(OLD.status) THEN
    UPDATE file_person SET holds = file_status_holds(NEW.status) WHERE file_id = NEW.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER household_file_sync_holds AFTER UPDATE OF status ON household_file
  FOR EACH ROW EXECUTE FUNCTION household_file_sync_holds();

CREATE TABLE filing_event (
  id          bigserial PRIMARY KEY,
  file_id     uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  episode     integer NOT NULL,
  kind        filing_event_kind NOT NULL,
  from_status file_status,
  to_status   file_status NOT NULL,
  actor_id    uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  at          timestamptz(3) NOT NULL DEFAULT now(),
  note        text
);
CREATE INDEX filing_event_file_id_id_idx ON filing_event (file_id, id);
CREATE TRIGGER filing_event_append_only BEFORE UPDATE ON filing_event
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE publicity_objection (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id        uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  episode        integer NOT NULL,
  received_on    date NOT NULL,
  content        text NOT NULL CHECK (btrim(content) <> ''),
  handling       text,
  recorded_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  recorded_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX publicity_objection_file_id_idx ON publicity_objection (file_id);

CREATE TABLE evidence_file (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id        uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind           evidence_kind NOT NULL,
  original_name  text NOT NULL,
  content_type   text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes     integer NOT NULL CHECK (size_bytes > 0),
  sha256         text NOT NULL,
  storage_key    text NOT NULL UNIQUE,
  uploaded_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  uploaded_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX evidence_file_file_id_idx ON evidence_file (file_id);

CREATE TABLE file_number_counter (
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  year            integer NOT NULL,
  last_value      integer NOT NULL CHECK (last_value >= 0),
  PRIMARY KEY (organisation_id, year)
);

CREATE TABLE dibao_standard (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  region_code    text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  monthly_fen    integer NOT NULL CHECK (monthly_fen > 0),
  effective_from date NOT NULL,
  note           text,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (region_code, effective_from)
);

CREATE TABLE policy_parameter (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key            text NOT NULL CHECK (key ~ '^[A-Z_]+$'),
  region_code    text NOT NULL DEFAULT '' CHECK (region_code = '' OR region_code ~ '^[0-9]{6}$'),
  value          numeric(14, 6) NOT NULL,
  effective_from date NOT NULL,
  note           text,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (key, region_code, effective_from)
);

-- Policy in force when this version ships; administrators add later versions with their own dates.
-- 低保 standards: Gansu's 2024 urban standards for the demo cities (yuan per person per month);
-- the national row is only a fallback so that a region without its own row still gets a figure.
INSERT INTO dibao_standard (region_code, monthly_fen, effective_from, note) VALUES
  ('100000', 57000, '2020-01-01', '缺省值：未设置地方标准的地区使用'),
  ('620000', 66400, '2024-01-01', '甘肃省城市低保指导标准'),
  ('620100', 78000, '2024-07-01', '兰州市城市低保标准'),
  ('620500', 71500, '2024-07-01', '天水市城市低保标准');
INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('TIER_RELATIVE_MULTIPLIER', 2, '2020-01-01', '相对困难：人均月收入低于低保标准的倍数'),
  ('TIER_ACCIDENT_RATIO', 0.8, '2020-01-01', '意外致困：突发事件损失或刚性支出超过家庭年收入的比例'),
  ('PUBLICITY_DAYS', 5, '2020-01-01', '建档公示天数');
