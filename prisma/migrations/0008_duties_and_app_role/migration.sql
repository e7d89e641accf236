-- Promises that hold at the edges (issue 8, sections 1, 2 and 4):
--   A. the application runs as a role that cannot rewrite history (group role bangfu_app);
--   B. separation of duties: whoever submitted or proposed something decides no later step on it;
--   C. rules of the file: observation holds its members, publicity dates, objections resolved
--      before approval.

-- ───── A. The application's database role ─────
-- The server connects as any login role that is a member of the NOLOGIN group role bangfu_app
-- (`GRANT bangfu_app TO <login>`); the migrations run as the owner of every table. The group
-- role's name is the one fixed point, so a server's own login names never appear here.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bangfu_app') THEN
    BEGIN
      CREATE ROLE bangfu_app NOLOGIN;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE EXCEPTION 'role bangfu_app does not exist and % may not create roles', current_user
        USING HINT = 'As a superuser run: CREATE ROLE bangfu_app NOLOGIN; GRANT bangfu_app TO <the login the server uses>; then start again (see README, "Using your own PostgreSQL server").';
    END;
  END IF;
END $$;

-- New tables from later migrations get the ordinary rights at once; bangfu_apply_grants() below,
-- which lib/db/migrate.ts runs after every migration, then narrows append-only and derived tables.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bangfu_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO bangfu_app;

-- THE rule for what the application may do to a table, read from the schema itself:
--   * append-only: the table carries a trigger executing forbid_change() → SELECT, INSERT only;
--   * derived: COMMENT ON TABLE … IS 'bangfu:derived …' (kept by SECURITY DEFINER triggers) → SELECT;
--   * every other table in public → SELECT, INSERT, UPDATE, DELETE (never TRUNCATE);
--   * bangfu_migration → nothing.
-- A new history table is covered by giving it the forbid_change() trigger, nothing else.
CREATE FUNCTION bangfu_apply_grants() RETURNS void LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  t record;
BEGIN
  GRANT USAGE ON SCHEMA public TO bangfu_app;
  FOR t IN
    SELECT c.oid::regclass AS rel,
           EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgfoid = 'forbid_change()'::regprocedure) AS append_only,
           coalesce(obj_description(c.oid, 'pg_class'), '') LIKE 'bangfu:derived%' AS derived
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM bangfu_app, PUBLIC', t.rel);
    IF t.rel = 'bangfu_migration'::regclass THEN
      CONTINUE;
    ELSIF t.derived THEN
      EXECUTE format('GRANT SELECT ON %s TO bangfu_app', t.rel);
    ELSIF t.append_only THEN
      EXECUTE format('GRANT SELECT, INSERT ON %s TO bangfu_app', t.rel);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO bangfu_app', t.rel);
    END IF;
  END LOOP;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO bangfu_app;
END $$;
REVOKE ALL ON FUNCTION bangfu_apply_grants() FROM PUBLIC;

-- History tables that could still be truncated (their rows are removed only by the cascade from a
-- discarded draft, which runs as the owner: the application has no DELETE on them).
CREATE TRIGGER filing_event_no_truncate BEFORE TRUNCATE ON filing_event FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER recheck_no_truncate BEFORE TRUNCATE ON recheck FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER tier_decision_no_truncate BEFORE TRUNCATE ON tier_decision FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
-- A publicity objection is a record of what the public said: never edited. How it was resolved is a
-- row of its own (objection_resolution, below).
CREATE TRIGGER publicity_objection_append_only BEFORE UPDATE OR DELETE ON publicity_objection FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER publicity_objection_no_truncate BEFORE TRUNCATE ON publicity_objection FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- The daily totals are derived from the ledger: the application reads them and only the trigger,
-- running as the owner, writes them.
COMMENT ON TABLE ledger_daily_total IS 'bangfu:derived — kept by ledger_daily_total_add() from ledger_entry; the application only reads it';
ALTER FUNCTION ledger_daily_total_add() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION ledger_daily_total_add() FROM PUBLIC;

-- ───── B. Separation of duties ─────
ALTER TYPE filing_event_kind ADD VALUE 'OBJECTION_RESOLVED';

-- The submitter of the current episode takes no later step on it, whatever roles they hold: not
-- the first review, publicity, the civil-affairs check, an objection's resolution, approval or
-- rejection. The event row carries the actor; the file (and its SUBMITTED event) the submitter.
CREATE FUNCTION filing_event_not_by_submitter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  submitter uuid;
  last_submitter uuid;
BEGIN
  IF NEW.kind::text NOT IN ('REVIEWED', 'PUBLICITY_STARTED', 'CIVIL_CHECK_RECORDED', 'OBJECTION_RESOLVED', 'APPROVED', 'REJECTED') THEN
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
CREATE TRIGGER filing_event_not_by_submitter BEFORE INSERT ON filing_event
  FOR EACH ROW EXECUTE FUNCTION filing_event_not_by_submitter();

-- Batches: whoever drew up or submitted a batch neither rejects, approves nor marks it paid.
-- A rejection keeps the submitter on the row so the database can compare the two people.
ALTER TABLE disbursement_batch ADD COLUMN rejected_by_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE disbursement_batch ADD CONSTRAINT disbursement_batch_rejecter_not_maker CHECK (
  rejected_by_id IS NULL OR (rejected_by_id <> created_by_id AND rejected_by_id IS DISTINCT FROM submitted_by_id)
);
ALTER TABLE disbursement_batch ADD CONSTRAINT disbursement_batch_payer_not_maker CHECK (
  paid_by_id IS NULL OR (paid_by_id <> created_by_id AND paid_by_id IS DISTINCT FROM submitted_by_id)
) NOT VALID;

-- ───── C. Rules of the file ─────
-- 渐退期 holds its members: a household still followed (and possibly paid) in its observation
-- period keeps its people, so none of them can be filed elsewhere meanwhile; relapse reopens the
-- same file (docs/decisions/008-observation-holds-members.md).
CREATE OR REPLACE FUNCTION file_status_holds(s file_status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT s IN ('SUBMITTED', 'REVIEWED', 'PUBLICITY', 'OPEN', 'OBSERVATION')
$$;
-- Files already in observation take their members back, except a person who was filed elsewhere
-- in the meantime (that file keeps them; the conflict shows when this household relapses).
UPDATE file_person fp SET holds = true
  FROM household_file f
 WHERE f.id = fp.file_id AND f.status = 'OBSERVATION' AND NOT fp.holds
   AND NOT EXISTS (SELECT 1 FROM file_person o WHERE o.resident_id = fp.resident_id AND o.holds);

-- Publicity cannot start before the first review was recorded (the notice follows the home visit);
-- publicity_end is the last day of publicity.
ALTER TABLE household_file ADD CONSTRAINT household_file_publicity_after_review CHECK (
  publicity_start IS NULL OR reviewed_at IS NULL OR publicity_start >= (reviewed_at AT TIME ZONE 'Asia/Shanghai')::date
) NOT VALID;
ALTER TABLE household_file DROP CONSTRAINT household_file_publicity;
ALTER TABLE household_file ADD CONSTRAINT household_file_publicity CHECK (
  status <> 'PUBLICITY' OR (publicity_start IS NOT NULL AND publicity_end >= publicity_start)
);

-- How an objection raised during publicity was resolved, recorded by an official. Append-only.
CREATE TABLE objection_resolution (
  objection_id   uuid PRIMARY KEY REFERENCES publicity_objection (id) ON DELETE CASCADE ON UPDATE CASCADE,
  resolution     text NOT NULL CHECK (btrim(resolution) <> ''),
  resolved_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  resolved_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TRIGGER objection_resolution_append_only BEFORE UPDATE OR DELETE ON objection_resolution FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER objection_resolution_no_truncate BEFORE TRUNCATE ON objection_resolution FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
-- Objections recorded before this migration with their handling written down count as resolved.
INSERT INTO objection_resolution (objection_id, resolution, resolved_by_id, resolved_at)
  SELECT id, handling, recorded_by_id, recorded_at FROM publicity_objection WHERE btrim(coalesce(handling, '')) <> '';

-- Approval waits for the end of publicity and for every objection of this episode to be resolved,
-- whatever the code does.
CREATE FUNCTION household_file_approval_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'OPEN' AND OLD.status = 'PUBLICITY' THEN
    IF NEW.publicity_end IS NULL OR NEW.publicity_end >= (now() AT TIME ZONE 'Asia/Shanghai')::date THEN
      RAISE EXCEPTION 'file % cannot be approved before its publicity has ended', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
      SELECT 1 FROM publicity_objection o
       WHERE o.file_id = NEW.id AND o.episode = NEW.episode
         AND NOT EXISTS (SELECT 1 FROM objection_resolution r WHERE r.objection_id = o.id)
    ) THEN
      RAISE EXCEPTION 'file % has an unresolved publicity objection', NEW.id USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER household_file_approval_rules BEFORE UPDATE OF status ON household_file
  FOR EACH ROW EXECUTE FUNCTION household_file_approval_rules();

INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('PUBLICITY_START_MAX_DAYS_AHEAD', 3, '2020-01-01', '公示开始日期最多可晚于今天的天数');

SELECT bangfu_apply_grants();
