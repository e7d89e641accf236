-- Issue 24: the worker's own door (本人查询). See docs/decisions/024-public-pages.md.

-- The number a household rings, printed on the 建档告知书 and the 公示. Null: the nearest union
-- above that has one is printed instead (lib/notice/find-filing-notice.ts).
ALTER TABLE organisation
  ADD COLUMN service_phone text,
  ADD CONSTRAINT organisation_service_phone_format CHECK (service_phone IS NULL OR service_phone ~ '^[0-9][0-9-]{4,19}$');

-- A query code (查询码) printed once on the 建档告知书. Only its argon2id hash is kept; issuing a
-- new one ends the live one in the same transaction, and the partial unique index below makes a
-- second live code for a file impossible even if two caseworkers print at once.
CREATE TABLE file_query_code (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id      uuid NOT NULL REFERENCES household_file (id) ON DELETE CASCADE ON UPDATE CASCADE,
  code_hash    text NOT NULL,
  issued_by_id uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  issued_at    timestamptz(3) NOT NULL DEFAULT now(),
  ended_at     timestamptz(3),
  CONSTRAINT file_query_code_ended_after_issue CHECK (ended_at IS NULL OR ended_at >= issued_at)
);
CREATE INDEX file_query_code_file_id_idx ON file_query_code (file_id);
CREATE UNIQUE INDEX file_query_code_one_live ON file_query_code (file_id) WHERE ended_at IS NULL;

-- Every attempt at a public form that checks a secret, kept to count against the limits per
-- client address and per ID number (lib/public/rate-limit.ts). The ID number is never stored:
-- subject_key is its HMAC under the server's secret, enough to count, useless to read.
CREATE TYPE public_attempt_kind AS ENUM ('QUERY');
CREATE TABLE public_attempt (
  id          bigserial PRIMARY KEY,
  at          timestamptz(3) NOT NULL DEFAULT now(),
  kind        public_attempt_kind NOT NULL,
  ip          text NOT NULL,
  subject_key text NOT NULL,
  succeeded   boolean NOT NULL
);
CREATE INDEX public_attempt_ip_at_idx ON public_attempt (ip, at);
CREATE INDEX public_attempt_subject_key_at_idx ON public_attempt (subject_key, at);
-- Append-only, like sign_in_attempt: a limit that could be reset by deleting rows is no limit.
CREATE TRIGGER public_attempt_append_only BEFORE UPDATE OR DELETE ON public_attempt FOR EACH ROW EXECUTE FUNCTION forbid_change();

SELECT bangfu_apply_grants();
