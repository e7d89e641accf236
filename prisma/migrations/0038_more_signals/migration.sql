-- Issue 25 §2: the other three auditor signals (疑似重复与冒领), beside SHARED_ACCOUNT (0035). Each is
-- read through an index by the daily run — never a cross join of files. Rules and what counts:
-- docs/decisions/025-warnings-and-signals.md.
ALTER TYPE signal_kind ADD VALUE 'SAME_NAME_BIRTH';
ALTER TYPE signal_kind ADD VALUE 'SHARED_PHONE';
ALTER TYPE signal_kind ADD VALUE 'PAID_AFTER_DEATH';

-- Same name and birth date under two ID numbers: a person's name sits beside the ID number it was
-- filed with. Written by the database from the file's members (whatever inserts the row: the form,
-- an import, a seed), so no writer can forget it; save-filing rewrites the rows on every save.
ALTER TABLE file_person ADD COLUMN name text;
CREATE FUNCTION file_person_set_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT nullif(btrim(m ->> 'name'), '') INTO NEW.name
    FROM household_file f, jsonb_array_elements(f.data -> 'members') m
   WHERE f.id = NEW.file_id AND m ->> 'residentId' = NEW.resident_id
   LIMIT 1;
  RETURN NEW;
END $$;
CREATE TRIGGER file_person_set_name BEFORE INSERT ON file_person FOR EACH ROW EXECUTE FUNCTION file_person_set_name();
-- Existing rows: one pass over the files' members joined to the people (a hash join, not a lookup
-- per person); a file names an ID number once (the form's consistency rule).
UPDATE file_person p SET name = m.name
  FROM (SELECT DISTINCT ON (f.id, e ->> 'residentId') f.id AS file_id, e ->> 'residentId' AS resident_id, nullif(btrim(e ->> 'name'), '') AS name
          FROM household_file f, jsonb_array_elements(f.data -> 'members') e
         WHERE e ? 'residentId' AND nullif(btrim(e ->> 'name'), '') IS NOT NULL
         ORDER BY f.id, e ->> 'residentId') m
 WHERE p.file_id = m.file_id AND p.resident_id = m.resident_id;
-- The birth date is digits 7–14 of the resident ID. One ordered pass over the people of active files
-- (holds), grouped on the index's leading keys.
CREATE INDEX file_person_name_birth_idx ON file_person (name, substring(resident_id, 7, 8), resident_id) WHERE holds AND name IS NOT NULL;

-- Same phone on two open files of different unions: the contact phone compared as its digits (a
-- mobile's +86 dropped). Bangfu records no address, so the phone is the only contact compared.
CREATE FUNCTION normalise_phone(phone text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT nullif(regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^86(1[0-9]{10})$', '\1'), '')
$$;
CREATE INDEX household_file_open_phone_idx ON household_file (normalise_phone(contact_phone), organisation_id, id) WHERE status = 'OPEN' AND contact_phone IS NOT NULL;

-- Payments after a recorded death: the few files with a death on record, each a probe.
CREATE INDEX change_request_death_idx ON change_request (file_id) WHERE kind = 'EXIT' AND status = 'APPROVED' AND cancel_reason = 'DEATH';
CREATE INDEX civil_roster_row_deceased_idx ON civil_roster_row (resident_id) WHERE deceased;
