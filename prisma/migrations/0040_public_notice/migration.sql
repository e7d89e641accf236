-- Issue 24 §3: the public notice (公示) and objections filed on it by the public. See
-- docs/decisions/024-public-pages.md ("The public notice and objections").

-- Who filed an objection. STAFF: a caseworker or official recorded what was said at the counter or
-- on paper (recorded_by_id). PUBLIC: someone filed it on the public page: nobody signed in, so no
-- recorded_by_id; the client address is kept as public_attempt and audit_event keep it, and the name
-- and contact only if the objector gave them (anonymous is allowed).
CREATE TYPE objection_source AS ENUM ('STAFF', 'PUBLIC');
ALTER TABLE publicity_objection
  ALTER COLUMN recorded_by_id DROP NOT NULL,
  ADD COLUMN source objection_source NOT NULL DEFAULT 'STAFF',
  ADD COLUMN objector_name text,
  ADD COLUMN objector_contact text,
  ADD COLUMN submitted_ip text,
  ADD CONSTRAINT publicity_objection_source_fields CHECK (
    (source = 'STAFF' AND recorded_by_id IS NOT NULL AND submitted_ip IS NULL)
    OR (source = 'PUBLIC' AND recorded_by_id IS NULL AND submitted_ip IS NOT NULL)),
  -- The budgets of the public form (lib/public/schemas.ts), held here too: a stranger's text.
  ADD CONSTRAINT publicity_objection_public_sizes CHECK (
    source = 'STAFF' OR (char_length(content) <= 1000 AND coalesce(char_length(objector_name), 0) <= 30 AND coalesce(char_length(objector_contact), 0) <= 50));

-- A public objection is taken only while the file is in publicity and on or before its last day
-- (Asia/Shanghai), for the current episode: whatever code inserts it, a late one is refused.
CREATE FUNCTION publicity_objection_public_in_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM household_file f
     WHERE f.id = NEW.file_id AND f.status = 'PUBLICITY' AND f.episode = NEW.episode
       AND f.publicity_start <= (now() AT TIME ZONE 'Asia/Shanghai')::date
       AND (now() AT TIME ZONE 'Asia/Shanghai')::date <= f.publicity_end
     -- FOR SHARE: an approval (FOR NO KEY UPDATE on the file) waits for this objection or is
     -- refused, and this one waits for an approval under way and then finds the file OPEN.
     FOR SHARE OF f
  ) THEN
    RAISE EXCEPTION 'file % is not in its publicity period', NEW.file_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER publicity_objection_public_in_time BEFORE INSERT ON publicity_objection
  FOR EACH ROW WHEN (NEW.source = 'PUBLIC') EXECUTE FUNCTION publicity_objection_public_in_time();

-- The public page names a file in publicity by an opaque token, never by its id: a new random one
-- each time the file enters publicity (whatever writes the status: the workflow, an import, a
-- seed), so a token seen in one publicity says nothing once it ends and cannot be enumerated.
ALTER TABLE household_file ADD COLUMN publicity_token uuid;
CREATE UNIQUE INDEX household_file_publicity_token_key ON household_file (publicity_token);
CREATE FUNCTION household_file_new_publicity_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.publicity_token := gen_random_uuid();
  RETURN NEW;
END $$;
CREATE TRIGGER household_file_publicity_token_on_update BEFORE UPDATE OF status ON household_file
  FOR EACH ROW WHEN (NEW.status = 'PUBLICITY' AND OLD.status IS DISTINCT FROM 'PUBLICITY') EXECUTE FUNCTION household_file_new_publicity_token();
CREATE TRIGGER household_file_publicity_token_on_insert BEFORE INSERT ON household_file
  FOR EACH ROW WHEN (NEW.status = 'PUBLICITY') EXECUTE FUNCTION household_file_new_publicity_token();
UPDATE household_file SET publicity_token = gen_random_uuid() WHERE status = 'PUBLICITY';

-- A union's notice lists the files now in publicity under it, newest first: few rows among
-- millions, read from this partial index with the organisation beside them.
CREATE INDEX household_file_publicity_notice_idx ON household_file (publicity_start DESC, id) INCLUDE (organisation_id, publicity_end, publicity_token)
  WHERE status = 'PUBLICITY';

-- Objections filed on the public page count against the address's limit (lib/public/limits.ts).
ALTER TYPE public_attempt_kind ADD VALUE 'OBJECTION';

SELECT bangfu_apply_grants();
