-- Issue 24 §2: the online application (网上申请). A worker applies from a phone under /public; the
-- application waits in the chosen base union's queue until a caseworker accepts it (受理中) and
-- then turns it into a draft file or declines it with a reason. See docs/decisions/024-public-pages.md.

CREATE TYPE online_application_status AS ENUM ('SUBMITTED', 'ACCEPTED', 'CONVERTED', 'DECLINED');

CREATE TABLE online_application (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- What the applicant is told and types back with the query code; random, so it says nothing of
  -- how many applications there are.
  number              text NOT NULL UNIQUE,
  organisation_id     uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  status              online_application_status NOT NULL DEFAULT 'SUBMITTED',
  version             integer NOT NULL DEFAULT 1,
  -- The filing data as lib/public/application-schemas.ts validated it (the staff draft's shape).
  data                jsonb NOT NULL,
  holder_name         text NOT NULL,
  holder_resident_id  text NOT NULL,
  contact_phone       text NOT NULL,
  -- The query code (查询码): its argon2id hash only, as for the 建档告知书's.
  code_hash           text NOT NULL,
  -- The PIPL notice the applicant consented to: which text, when, from which address.
  consent_version     text NOT NULL,
  consented_at        timestamptz(3) NOT NULL,
  consent_ip          text NOT NULL,
  submitted_at        timestamptz(3) NOT NULL DEFAULT now(),
  accepted_by_id      uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  accepted_at         timestamptz(3),
  decided_by_id       uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  decided_at          timestamptz(3),
  decline_reason      text,
  -- The draft it became. A draft the caseworker later discards leaves the application converted
  -- without a file (SET NULL): what the applicant was told stays true, the draft is gone.
  file_id             uuid UNIQUE REFERENCES household_file (id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT online_application_holder_id_format CHECK (holder_resident_id ~ '^[0-9]{17}[0-9X]$'),
  -- Each state carries exactly what it needs: a declined one its reason, a converted one its file.
  CONSTRAINT online_application_state CHECK (
    CASE status
      WHEN 'SUBMITTED' THEN accepted_at IS NULL AND decided_at IS NULL AND file_id IS NULL AND decline_reason IS NULL
      WHEN 'ACCEPTED'  THEN accepted_at IS NOT NULL AND decided_at IS NULL AND file_id IS NULL AND decline_reason IS NULL
      WHEN 'CONVERTED' THEN accepted_at IS NOT NULL AND decided_at IS NOT NULL AND decline_reason IS NULL
      WHEN 'DECLINED'  THEN decided_at IS NOT NULL AND file_id IS NULL AND length(btrim(decline_reason)) >= 2
    END
  )
);
-- The queue: a union's applications by state, oldest first.
CREATE INDEX online_application_queue_idx ON online_application (organisation_id, status, submitted_at);
CREATE INDEX online_application_holder_idx ON online_application (holder_resident_id);

-- The photos and PDFs sent with an application, checked like evidence (lib/evidence/inspect.ts)
-- and stored beside it on disk; a conversion copies them into the new draft's evidence.
CREATE TABLE online_application_upload (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id uuid NOT NULL REFERENCES online_application (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  kind           evidence_kind NOT NULL,
  original_name  text NOT NULL,
  content_type   text NOT NULL,
  size_bytes     integer NOT NULL CHECK (size_bytes > 0),
  sha256         text NOT NULL,
  storage_key    text NOT NULL UNIQUE,
  uploaded_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX online_application_upload_application_id_idx ON online_application_upload (application_id);
-- What the applicant sent is the record of what they sent.
CREATE TRIGGER online_application_upload_keep BEFORE UPDATE OR DELETE ON online_application_upload FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- New kinds of counted public attempt: an application sent (per address and per ID number), an
-- application's progress queried (failures, like QUERY), a search of the union tree (per address).
ALTER TYPE public_attempt_kind ADD VALUE 'APPLY';
ALTER TYPE public_attempt_kind ADD VALUE 'APPLICATION_QUERY';
ALTER TYPE public_attempt_kind ADD VALUE 'ORG_SEARCH';

SELECT bangfu_apply_grants();
