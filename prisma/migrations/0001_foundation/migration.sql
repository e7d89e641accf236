-- Foundation: the union tree, users and their sessions, sign-in attempts and the audit trail.

CREATE TYPE org_level AS ENUM ('NATIONAL', 'PROVINCE', 'CITY', 'COUNTY', 'GRASSROOTS');
CREATE TYPE role AS ENUM ('CASEWORKER', 'OFFICIAL', 'AUDITOR', 'ADMIN');
CREATE TYPE sign_in_outcome AS ENUM (
  'SUCCESS', 'BAD_PASSWORD', 'UNKNOWN_USER', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED', 'IP_LIMITED'
);

CREATE TABLE organisation (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_id   uuid REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  name        text NOT NULL CHECK (btrim(name) <> ''),
  code        text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Z-]{2,32}$'),
  level       org_level NOT NULL,
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  path        text NOT NULL UNIQUE,
  depth       integer NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX organisation_parent_id_idx ON organisation (parent_id);
-- path is compared with LIKE 'prefix%' to find a subtree; text_pattern_ops makes that an index range scan.
CREATE INDEX organisation_path_prefix_idx ON organisation (path text_pattern_ops);

-- The path and depth are derived from the parent, never supplied by callers: whatever inserts an
-- organisation (seed, admin screen, raw SQL) gets a correct scope. Moving a union is not allowed
-- because every descendant's path would change under the users who are scoped by it.
CREATE FUNCTION organisation_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_path text;
  parent_depth integer;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.id <> OLD.id THEN
      RAISE EXCEPTION 'an organisation cannot be moved in the union tree' USING ERRCODE = 'check_violation';
    END IF;
    NEW.path := OLD.path;
    NEW.depth := OLD.depth;
    RETURN NEW;
  END IF;
  IF NEW.parent_id IS NULL THEN
    NEW.path := NEW.id::text || '/';
    NEW.depth := 0;
  ELSE
    SELECT path, depth INTO parent_path, parent_depth FROM organisation WHERE id = NEW.parent_id;
    IF parent_path IS NULL THEN
      RAISE EXCEPTION 'parent organisation % does not exist', NEW.parent_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    NEW.path := parent_path || NEW.id::text || '/';
    NEW.depth := parent_depth + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER organisation_set_path BEFORE INSERT OR UPDATE ON organisation
  FOR EACH ROW EXECUTE FUNCTION organisation_set_path();

CREATE TABLE app_user (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
  name            text NOT NULL CHECK (btrim(name) <> ''),
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  roles           role[] NOT NULL CHECK (cardinality(roles) > 0),
  password_hash   text NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  session_version integer NOT NULL DEFAULT 1,
  locked_until    timestamptz(3),
  last_sign_in_at timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX app_user_organisation_id_idx ON app_user (organisation_id);

CREATE TABLE user_session (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE ON UPDATE CASCADE,
  session_version integer NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at    timestamptz(3) NOT NULL DEFAULT now(),
  ended_at        timestamptz(3),
  ip              text,
  user_agent      text
);
CREATE INDEX user_session_user_id_idx ON user_session (user_id);

CREATE TABLE sign_in_attempt (
  id         bigserial PRIMARY KEY,
  at         timestamptz(3) NOT NULL DEFAULT now(),
  username   text NOT NULL,
  user_id    uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ip         text NOT NULL,
  user_agent text,
  outcome    sign_in_outcome NOT NULL
);
CREATE INDEX sign_in_attempt_user_id_at_idx ON sign_in_attempt (user_id, at);
CREATE INDEX sign_in_attempt_ip_at_idx ON sign_in_attempt (ip, at);
CREATE INDEX sign_in_attempt_at_idx ON sign_in_attempt (at);

CREATE TABLE audit_event (
  id              bigserial PRIMARY KEY,
  at              timestamptz(3) NOT NULL DEFAULT now(),
  actor_id        uuid,
  action          text NOT NULL,
  entity_type     text NOT NULL,
  entity_id       text,
  organisation_id uuid REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ip              text,
  detail          jsonb
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_entity_type_entity_id_idx ON audit_event (entity_type, entity_id);
CREATE INDEX audit_event_organisation_id_at_idx ON audit_event (organisation_id, at);

-- Audit records are evidence: once written they are never changed or removed, whatever the code does.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER sign_in_attempt_append_only BEFORE UPDATE OR DELETE ON sign_in_attempt
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER sign_in_attempt_no_truncate BEFORE TRUNCATE ON sign_in_attempt
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
