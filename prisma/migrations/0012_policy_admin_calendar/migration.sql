-- Policy administration (政策参数管理) and the rules that run on a calendar (定时任务与档案合规).
--
-- Policy rows now carry a period [effective_from, effective_to): an administrator adds a row from
-- today or a later date, the row in force is cut at that date, and nothing that was in force on a
-- past day can change. Exclusion constraints make overlapping periods impossible.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Today's date where the union works. Policy periods are cut no earlier than this.
CREATE FUNCTION shanghai_today() RETURNS date LANGUAGE sql STABLE AS $$ SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date $$;

-- ───── Periods on the existing policy tables ─────
ALTER TABLE dibao_standard ADD COLUMN effective_to date;
UPDATE dibao_standard d SET effective_to = n.next_from
  FROM (SELECT id, lead(effective_from) OVER (PARTITION BY region_code ORDER BY effective_from) AS next_from FROM dibao_standard) n
 WHERE n.id = d.id AND n.next_from IS NOT NULL;
ALTER TABLE dibao_standard
  ADD CONSTRAINT dibao_standard_period CHECK (effective_to IS NULL OR effective_to > effective_from),
  ADD CONSTRAINT dibao_standard_no_overlap EXCLUDE USING gist (region_code WITH =, daterange(effective_from, effective_to) WITH &&);

ALTER TABLE policy_parameter ADD COLUMN effective_to date;
UPDATE policy_parameter p SET effective_to = n.next_from
  FROM (SELECT id, lead(effective_from) OVER (PARTITION BY key, region_code ORDER BY effective_from) AS next_from FROM policy_parameter) n
 WHERE n.id = p.id AND n.next_from IS NOT NULL;
ALTER TABLE policy_parameter
  ADD CONSTRAINT policy_parameter_period CHECK (effective_to IS NULL OR effective_to > effective_from),
  ADD CONSTRAINT policy_parameter_no_overlap EXCLUDE USING gist (key WITH =, region_code WITH =, daterange(effective_from, effective_to) WITH &&);

-- Aid standards by region too ('' = national), falling back region → city → province → national.
ALTER TABLE aid_policy
  ADD COLUMN region_code text NOT NULL DEFAULT '' CHECK (region_code = '' OR region_code ~ '^[0-9]{6}$'),
  ADD COLUMN effective_to date;
-- The level as text ('' = any level), so that the exclusion constraint compares a NULL level too.
-- Declared IMMUTABLE: the enum's labels are never renamed.
CREATE FUNCTION aid_level_key(level file_level) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT COALESCE(level::text, '') $$;
ALTER TABLE aid_policy DROP CONSTRAINT aid_policy_aid_type_file_level_effective_from_key;
UPDATE aid_policy a SET effective_to = n.next_from
  FROM (SELECT id, lead(effective_from) OVER (PARTITION BY aid_type, file_level, region_code ORDER BY effective_from) AS next_from FROM aid_policy) n
 WHERE n.id = a.id AND n.next_from IS NOT NULL;
ALTER TABLE aid_policy
  ADD CONSTRAINT aid_policy_aid_type_file_level_region_code_effective_from_key UNIQUE (aid_type, file_level, region_code, effective_from),
  ADD CONSTRAINT aid_policy_period CHECK (effective_to IS NULL OR effective_to > effective_from),
  ADD CONSTRAINT aid_policy_no_overlap EXCLUDE USING gist (aid_type WITH =, aid_level_key(file_level) WITH =, region_code WITH =, daterange(effective_from, effective_to) WITH &&);

-- ───── 专款专用: which aid types a fund source may pay ─────
-- No row in force for a fund: it may pay every type. A row lists the only types it may pay; a
-- region's row wins over its city's, province's and the national ('') one.
CREATE TABLE fund_aid_rule (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  fund_source    fund_source NOT NULL,
  region_code    text NOT NULL DEFAULT '' CHECK (region_code = '' OR region_code ~ '^[0-9]{6}$'),
  aid_types      aid_type[] NOT NULL CHECK (cardinality(aid_types) > 0),
  effective_from date NOT NULL,
  effective_to   date,
  note           text,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT fund_aid_rule_period CHECK (effective_to IS NULL OR effective_to > effective_from),
  CONSTRAINT fund_aid_rule_no_overlap EXCLUDE USING gist (fund_source WITH =, region_code WITH =, daterange(effective_from, effective_to) WITH &&)
);
INSERT INTO fund_aid_rule (fund_source, aid_types, effective_from, note) VALUES
  ('WARMTH_FUND', '{WARMTH}', '2020-01-01', '送温暖资金专用于元旦春节送温暖');

CREATE FUNCTION region_chain(region text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY[region, substr(region, 1, 4) || '00', substr(region, 1, 2) || '0000', '']
$$;

CREATE FUNCTION fund_may_pay(fund fund_source, kind aid_type, organisation uuid, on_date date) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT kind = ANY (r.aid_types) FROM fund_aid_rule r, organisation o
                    WHERE o.id = organisation AND r.fund_source = fund AND r.region_code = ANY (region_chain(o.region_code))
                      AND daterange(r.effective_from, r.effective_to) @> on_date
                    ORDER BY array_position(region_chain(o.region_code), r.region_code) LIMIT 1), true)
$$;

-- The last word on 专款专用: no request, batch or ledger entry pays a type its fund may not pay.
-- Reversals (amount <= 0) undo what was paid under the rule of their day and are always allowed.
CREATE FUNCTION enforce_fund_aid_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A batch has no amount of its own (its lines are priced later): always checked.
  IF COALESCE((to_jsonb(NEW) ->> 'amount_fen')::integer, 1) > 0
     AND NOT fund_may_pay(NEW.fund_source, NEW.aid_type, NEW.organisation_id, NEW.entry_date) THEN
    RAISE EXCEPTION 'fund % may not pay aid type % on %', NEW.fund_source, NEW.aid_type, NEW.entry_date
      USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_aid_rule_violated';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER disbursement_fund_aid_rule BEFORE INSERT OR UPDATE OF fund_source, aid_type, entry_date ON disbursement
  FOR EACH ROW EXECUTE FUNCTION enforce_fund_aid_rule();
CREATE TRIGGER disbursement_batch_fund_aid_rule BEFORE INSERT OR UPDATE OF fund_source, aid_type, entry_date ON disbursement_batch
  FOR EACH ROW EXECUTE FUNCTION enforce_fund_aid_rule();
CREATE TRIGGER ledger_entry_fund_aid_rule BEFORE INSERT ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION enforce_fund_aid_rule();

-- ───── Evidence each cause of hardship requires, checked at submission ─────
CREATE TABLE cause_evidence_rule (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cause          hardship_cause NOT NULL,
  region_code    text NOT NULL DEFAULT '' CHECK (region_code = '' OR region_code ~ '^[0-9]{6}$'),
  -- Every listed kind is required; an empty list: nothing beyond the application and authorisation.
  evidence_kinds evidence_kind[] NOT NULL,
  effective_from date NOT NULL,
  effective_to   date,
  note           text,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT cause_evidence_rule_period CHECK (effective_to IS NULL OR effective_to > effective_from),
  CONSTRAINT cause_evidence_rule_no_overlap EXCLUDE USING gist (cause WITH =, region_code WITH =, daterange(effective_from, effective_to) WITH &&)
);
INSERT INTO cause_evidence_rule (cause, evidence_kinds, effective_from, note) VALUES
  ('ILLNESS', '{DIAGNOSIS}', '2020-01-01', '因病：诊断证明或医疗票据'),
  ('DISABILITY', '{DISABILITY}', '2020-01-01', '因残：残疾证'),
  ('EDUCATION', '{ADMISSION}', '2020-01-01', '因学：录取通知书及学费票据'),
  ('DISASTER', '{ACCIDENT}', '2020-01-01', '因灾：灾害证明'),
  ('ACCIDENT', '{ACCIDENT}', '2020-01-01', '意外事故：事故证明');

-- ───── Policy rows are never edited: only the open end of a period may be cut, from today on ─────
CREATE FUNCTION policy_row_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '% rows are never deleted: add a row with a new effective date', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END IF;
  IF (to_jsonb(NEW) - 'effective_to') IS DISTINCT FROM (to_jsonb(OLD) - 'effective_to') THEN
    RAISE EXCEPTION '% rows are never edited: add a row with a new effective date', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.effective_to IS DISTINCT FROM OLD.effective_to AND (
       NEW.effective_to IS NULL OR NEW.effective_to < shanghai_today()
       OR (OLD.effective_to IS NOT NULL AND NEW.effective_to > OLD.effective_to)) THEN
    RAISE EXCEPTION 'a policy period may only be cut short, from today on' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER dibao_standard_guard BEFORE UPDATE OR DELETE ON dibao_standard FOR EACH ROW EXECUTE FUNCTION policy_row_guard();
CREATE TRIGGER policy_parameter_guard BEFORE UPDATE OR DELETE ON policy_parameter FOR EACH ROW EXECUTE FUNCTION policy_row_guard();
CREATE TRIGGER aid_policy_guard BEFORE UPDATE OR DELETE ON aid_policy FOR EACH ROW EXECUTE FUNCTION policy_row_guard();
CREATE TRIGGER fund_aid_rule_guard BEFORE UPDATE OR DELETE ON fund_aid_rule FOR EACH ROW EXECUTE FUNCTION policy_row_guard();
CREATE TRIGGER cause_evidence_rule_guard BEFORE UPDATE OR DELETE ON cause_evidence_rule FOR EACH ROW EXECUTE FUNCTION policy_row_guard();

INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('RESOLVED_MONTHS', 6, '2020-01-01', '脱困认定：人均收入连续高于困难标准的月数'),
  ('SPOT_CHECK_SHARE', 0.3, '2020-01-01', '年度抽查比例'),
  ('PAPER_SYNC_WORKING_DAYS', 30, '2020-01-01', '纸质档案同步期限（工作日）'),
  ('RETENTION_YEARS', 10, '2020-01-01', '退档后档案保存年限');

-- A number from policy_parameter for a region on a date, region → city → province → national ('').
CREATE FUNCTION policy_number(param text, region text, on_date date) RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT p.value FROM policy_parameter p
   WHERE p.key = param AND daterange(p.effective_from, p.effective_to) @> on_date AND p.region_code = ANY (region_chain(region))
   ORDER BY array_position(region_chain(region), p.region_code)
   LIMIT 1
$$;

-- ───── The figures a decision used ─────
-- Written once by the deciding function: a later policy row never changes what was decided.
ALTER TABLE household_file ADD COLUMN policy_figures jsonb, ADD COLUMN disposed_at timestamptz(3);
ALTER TABLE recheck ADD COLUMN policy_figures jsonb;

-- ───── Working-day calendar (法定节假日与调休), loaded from the chinese-days package ─────
CREATE TABLE calendar_day (
  day     date PRIMARY KEY,
  working boolean NOT NULL,
  name    text
);

-- The date `n` working days after `start`. A day the calendar does not list is a working day
-- exactly when it is Monday to Friday.
CREATE FUNCTION add_working_days(start date, n integer) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
  d date := start;
  left_ integer := n;
  w boolean;
BEGIN
  WHILE left_ > 0 LOOP
    d := d + 1;
    SELECT working INTO w FROM calendar_day WHERE day = d;
    IF NOT FOUND THEN w := extract(isodow FROM d) < 6; END IF;
    IF w THEN left_ := left_ - 1; END IF;
  END LOOP;
  RETURN d;
END $$;

-- ───── Work items (待办事项) ─────
CREATE TYPE work_item_kind AS ENUM (
  'RECHECK_DUE', 'OBSERVATION_ENDED', 'PUBLICITY_ENDED', 'EXIT_SUGGESTED', 'PAPER_SYNC', 'RETENTION_ENDED'
);
CREATE TYPE work_item_status AS ENUM ('OPEN', 'DONE', 'OBSOLETE');
CREATE TABLE work_item (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind            work_item_kind NOT NULL,
  file_id         uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  -- What the item is about, so a job run twice creates it once: the due date it was made for, or
  -- the file version whose change it follows.
  source_key      text NOT NULL,
  due_date        date NOT NULL,
  status          work_item_status NOT NULL DEFAULT 'OPEN',
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  completed_at    timestamptz(3),
  completed_by_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  note            text,
  CONSTRAINT work_item_done CHECK ((status = 'DONE') = (completed_by_id IS NOT NULL)),
  UNIQUE (kind, file_id, source_key)
);
CREATE INDEX work_item_status_kind_due_date_idx ON work_item (status, kind, due_date);
CREATE INDEX work_item_file_id_idx ON work_item (file_id);
-- One open "sync the paper file" item per file: later changes are brought in step with it.
CREATE UNIQUE INDEX work_item_one_open_paper_sync ON work_item (file_id) WHERE kind = 'PAPER_SYNC' AND status = 'OPEN';

-- Paper and electronic in step (纸质档案与电子档案同步): every change to the content of a file that
-- has a paper file (approved or later) opens an item due PAPER_SYNC_WORKING_DAYS working days later.
CREATE FUNCTION household_file_paper_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  region text;
  days integer;
BEGIN
  IF NEW.status::text IN ('OPEN', 'OBSERVATION', 'CLOSED') AND NEW.disposed_at IS NULL AND (
       OLD.data IS DISTINCT FROM NEW.data OR OLD.status IS DISTINCT FROM NEW.status OR OLD.tier IS DISTINCT FROM NEW.tier
       OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id OR OLD.responsible_cadre_id IS DISTINCT FROM NEW.responsible_cadre_id) THEN
    SELECT o.region_code INTO region FROM organisation o WHERE o.id = NEW.organisation_id;
    days := COALESCE(policy_number('PAPER_SYNC_WORKING_DAYS', region, shanghai_today()), 30)::integer;
    INSERT INTO work_item (kind, file_id, source_key, due_date)
    VALUES ('PAPER_SYNC', NEW.id, 'v' || NEW.version, add_working_days(shanghai_today(), days))
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER household_file_paper_sync AFTER UPDATE ON household_file FOR EACH ROW EXECUTE FUNCTION household_file_paper_sync();

-- ───── Job runs, as administrators see them ─────
CREATE TYPE job_run_status AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');
CREATE TABLE job_run (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job         text NOT NULL,
  -- The day the run is for ("today" passed in): a rerun for the same day does nothing twice.
  for_date    date NOT NULL,
  status      job_run_status NOT NULL DEFAULT 'RUNNING',
  started_at  timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3),
  summary     jsonb,
  error       text
);
CREATE INDEX job_run_started_at_idx ON job_run (started_at);

-- ───── Annual spot check (年度抽查) ─────
CREATE TYPE spot_check_finding AS ENUM ('ACCURATE', 'WRONGLY_FILED', 'WRONGLY_EXITED', 'MISSED_EXIT', 'CORRECTION_NEEDED');
CREATE TABLE spot_check (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  year            integer NOT NULL,
  share           numeric(6, 4) NOT NULL CHECK (share > 0 AND share <= 1),
  -- The sample is drawn from the open files sorted by id with this seed: anyone can redraw it.
  seed            bigint NOT NULL,
  population      integer NOT NULL CHECK (population >= 0),
  started_by_id   uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  started_at      timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, year)
);
CREATE TABLE spot_check_record (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  spot_check_id uuid NOT NULL REFERENCES spot_check (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_id       uuid NOT NULL REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  finding       spot_check_finding,
  note          text,
  recorded_by_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  recorded_at   timestamptz(3),
  CONSTRAINT spot_check_record_recorded CHECK ((finding IS NULL) = (recorded_by_id IS NULL)),
  CONSTRAINT spot_check_record_note CHECK (finding IS NULL OR finding = 'ACCURATE' OR btrim(note) <> ''),
  UNIQUE (spot_check_id, file_id)
);

-- ───── Retention (保管期限): disposal after the period, with a tombstone ─────
CREATE TABLE file_disposal (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id        uuid NOT NULL UNIQUE REFERENCES household_file (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_number    text,
  exited_at      timestamptz(3) NOT NULL,
  retained_until date NOT NULL,
  evidence_count integer NOT NULL,
  approved_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  disposed_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TRIGGER file_disposal_append_only BEFORE UPDATE OR DELETE ON file_disposal FOR EACH ROW EXECUTE FUNCTION forbid_change();
