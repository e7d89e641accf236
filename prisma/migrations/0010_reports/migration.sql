-- Reports (统计报表) and the facts they count.
--
-- Counts "as they were" at a past date and counts of what happened in a period must not scan a
-- province's million files. Two small tables, kept exact by statement triggers on household_file
-- (every change of status, tier, level, category, main cause or organisation goes through an
-- UPDATE of that table), hold the history the reports read:
--   report_open_delta: +1 when a file becomes open (在档) with given attributes in an organisation,
--     -1 when it stops being so; the open files at date D are the sum of deltas up to D.
--   report_file_event: how many files had a given event (new filing, exit by reason, 返困,
--     transfer in/out, reopening during observation) per organisation and day.
-- The day of a change is its updated_at (set by every domain write) in China time.
-- See docs/decisions/004-report-figures.md for what counts toward each figure.

-- organisation_id is copied from household_file / ledger_entry (which hold the foreign keys);
-- organisations are never deleted.
CREATE TABLE report_open_delta (
  id              bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL,
  day             date NOT NULL,
  tier            tier,
  file_level      file_level,
  worker_category worker_category,
  main_cause      hardship_cause,
  delta           integer NOT NULL
);
CREATE UNIQUE INDEX report_open_delta_key ON report_open_delta (organisation_id, day, tier, file_level, worker_category, main_cause) NULLS NOT DISTINCT;

CREATE TABLE report_file_event (
  organisation_id uuid NOT NULL,
  day             date NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('NEW', 'REOPENED', 'EXIT_RESOLVED', 'EXIT_CANCELLED', 'TRANSFER_IN', 'TRANSFER_OUT', 'REOPENED_IN_OBSERVATION')),
  -- The cancel reason (注销 sub-reason) for EXIT_CANCELLED, '' otherwise.
  detail          text NOT NULL DEFAULT '',
  files           integer NOT NULL,
  PRIMARY KEY (organisation_id, day, kind, detail)
);

CREATE FUNCTION report_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;

CREATE FUNCTION report_add_deltas(rows jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_open_delta (organisation_id, day, tier, file_level, worker_category, main_cause, delta)
  SELECT (r->>'organisation_id')::uuid, (r->>'day')::date, (r->>'tier')::tier, (r->>'file_level')::file_level,
         (r->>'worker_category')::worker_category, (r->>'main_cause')::hardship_cause, sum((r->>'delta')::int)::int
    FROM jsonb_array_elements(rows) r GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (organisation_id, day, tier, file_level, worker_category, main_cause)
  DO UPDATE SET delta = report_open_delta.delta + EXCLUDED.delta
$$;

CREATE FUNCTION report_add_events(rows jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_file_event (organisation_id, day, kind, detail, files)
  SELECT (r->>'organisation_id')::uuid, (r->>'day')::date, r->>'kind', coalesce(r->>'detail', ''), count(*)::int
    FROM jsonb_array_elements(rows) r GROUP BY 1, 2, 3, 4
  ON CONFLICT (organisation_id, day, kind, detail) DO UPDATE SET files = report_file_event.files + EXCLUDED.files
$$;

-- A file inserted already approved (imports, the scale seed) counts from the day it opened and,
-- if it has exited since, until the day it exited (the day of the row's last change if a date is missing).
CREATE FUNCTION report_facts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_deltas(coalesce(jsonb_agg(d), '[]'::jsonb)) FROM (
    SELECT organisation_id, report_day(coalesce(opened_at, approved_at, updated_at)) AS day, tier, file_level, worker_category, main_cause, 1 AS delta
      FROM new_files WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
    UNION ALL
    SELECT organisation_id, report_day(coalesce(exited_at, updated_at)), tier, file_level, worker_category, main_cause, -1
      FROM new_files WHERE status IN ('OBSERVATION', 'CLOSED')
  ) d;
  PERFORM report_add_events(coalesce(jsonb_agg(e), '[]'::jsonb)) FROM (
    SELECT organisation_id, report_day(coalesce(opened_at, approved_at, updated_at)) AS day, 'NEW' AS kind, '' AS detail
      FROM new_files WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
    UNION ALL
    SELECT organisation_id, report_day(coalesce(exited_at, updated_at)), CASE exit_reason WHEN 'RESOLVED' THEN 'EXIT_RESOLVED' ELSE 'EXIT_CANCELLED' END,
           CASE WHEN exit_reason = 'CANCELLED' THEN coalesce(cancel_reason::text, 'OTHER') ELSE '' END
      FROM new_files WHERE exit_reason IS NOT NULL AND status IN ('OBSERVATION', 'CLOSED')
  ) e;
  RETURN NULL;
END $$;

CREATE FUNCTION report_facts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_deltas(coalesce(jsonb_agg(d), '[]'::jsonb)) FROM (
    SELECT o.organisation_id, report_day(n.updated_at) AS day, o.tier, o.file_level, o.worker_category, o.main_cause, -1 AS delta
      FROM old_files o JOIN new_files n USING (id)
     WHERE o.status = 'OPEN' AND (n.status <> 'OPEN' OR (o.organisation_id, o.tier, o.file_level, o.worker_category, o.main_cause)
                                   IS DISTINCT FROM (n.organisation_id, n.tier, n.file_level, n.worker_category, n.main_cause))
    UNION ALL
    SELECT n.organisation_id, report_day(n.updated_at), n.tier, n.file_level, n.worker_category, n.main_cause, 1
      FROM old_files o JOIN new_files n USING (id)
     WHERE n.status = 'OPEN' AND (o.status <> 'OPEN' OR (o.organisation_id, o.tier, o.file_level, o.worker_category, o.main_cause)
                                   IS DISTINCT FROM (n.organisation_id, n.tier, n.file_level, n.worker_category, n.main_cause))
  ) d;
  PERFORM report_add_events(coalesce(jsonb_agg(e), '[]'::jsonb)) FROM (
    SELECT n.organisation_id, report_day(n.updated_at) AS day, 'NEW' AS kind, '' AS detail
      FROM old_files o JOIN new_files n USING (id) WHERE o.status <> 'OPEN' AND n.status = 'OPEN' AND n.episode = 1
    UNION ALL
    SELECT n.organisation_id, report_day(n.updated_at), 'REOPENED', ''
      FROM old_files o JOIN new_files n USING (id) WHERE n.episode > o.episode
    UNION ALL
    SELECT n.organisation_id, report_day(n.updated_at), 'REOPENED_IN_OBSERVATION', ''
      FROM old_files o JOIN new_files n USING (id) WHERE n.episode > o.episode AND o.status = 'OBSERVATION'
    UNION ALL
    SELECT n.organisation_id, report_day(n.updated_at), CASE n.exit_reason WHEN 'RESOLVED' THEN 'EXIT_RESOLVED' ELSE 'EXIT_CANCELLED' END,
           CASE WHEN n.exit_reason = 'CANCELLED' THEN coalesce(n.cancel_reason::text, 'OTHER') ELSE '' END
      FROM old_files o JOIN new_files n USING (id) WHERE o.status = 'OPEN' AND n.status IN ('OBSERVATION', 'CLOSED') AND n.exit_reason IS NOT NULL
    UNION ALL
    SELECT o.organisation_id, report_day(n.updated_at), 'TRANSFER_OUT', ''
      FROM old_files o JOIN new_files n USING (id) WHERE o.organisation_id <> n.organisation_id AND o.status = 'OPEN'
    UNION ALL
    SELECT n.organisation_id, report_day(n.updated_at), 'TRANSFER_IN', ''
      FROM old_files o JOIN new_files n USING (id) WHERE o.organisation_id <> n.organisation_id AND o.status = 'OPEN'
  ) e;
  RETURN NULL;
END $$;

CREATE TRIGGER household_file_report_insert AFTER INSERT ON household_file
  REFERENCING NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_facts_insert();
CREATE TRIGGER household_file_report_update AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_facts_update();

-- Files that already exist: open from the day they opened to the day they exited, with the
-- attributes they have now (history before this migration kept no attribute changes).
INSERT INTO report_open_delta (organisation_id, day, tier, file_level, worker_category, main_cause, delta)
  SELECT organisation_id, day, tier, file_level, worker_category, main_cause, sum(delta)::int FROM (
    SELECT organisation_id, report_day(coalesce(opened_at, approved_at, updated_at)) AS day, tier, file_level, worker_category, main_cause, 1 AS delta
      FROM household_file WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
    UNION ALL
    SELECT organisation_id, report_day(coalesce(exited_at, updated_at)), tier, file_level, worker_category, main_cause, -1
      FROM household_file WHERE status IN ('OBSERVATION', 'CLOSED')
  ) d GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO report_file_event (organisation_id, day, kind, detail, files)
  SELECT organisation_id, day, kind, detail, count(*)::int FROM (
    SELECT organisation_id, report_day(coalesce(opened_at, approved_at, updated_at)) AS day, 'NEW' AS kind, '' AS detail
      FROM household_file WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
    UNION ALL
    SELECT organisation_id, report_day(coalesce(exited_at, updated_at)), CASE exit_reason WHEN 'RESOLVED' THEN 'EXIT_RESOLVED' ELSE 'EXIT_CANCELLED' END,
           CASE WHEN exit_reason = 'CANCELLED' THEN coalesce(cancel_reason::text, 'OTHER') ELSE '' END
      FROM household_file WHERE exit_reason IS NOT NULL AND status IN ('OBSERVATION', 'CLOSED')
  ) e GROUP BY 1, 2, 3, 4;

-- Today's open files per organisation and attributes, with how many have a pairing cadre: the
-- pairing coverage reads it, and open files at a recent date are today's count minus the deltas
-- after that date (fewer rows than all the deltas up to it). Kept by the same kind of trigger.
CREATE TABLE report_open_now (
  id              bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL,
  tier            tier,
  file_level      file_level,
  worker_category worker_category,
  main_cause      hardship_cause,
  paired          boolean NOT NULL,
  files           integer NOT NULL
);
CREATE UNIQUE INDEX report_open_now_key ON report_open_now (organisation_id, tier, file_level, worker_category, main_cause, paired) NULLS NOT DISTINCT;

CREATE FUNCTION report_add_now(rows jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_open_now (organisation_id, tier, file_level, worker_category, main_cause, paired, files)
  SELECT (r->>'organisation_id')::uuid, (r->>'tier')::tier, (r->>'file_level')::file_level,
         (r->>'worker_category')::worker_category, (r->>'main_cause')::hardship_cause, (r->>'paired')::boolean, sum((r->>'delta')::int)::int
    FROM jsonb_array_elements(rows) r GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (organisation_id, tier, file_level, worker_category, main_cause, paired)
  DO UPDATE SET files = report_open_now.files + EXCLUDED.files
$$;

CREATE FUNCTION report_now_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_now(coalesce(jsonb_agg(d), '[]'::jsonb)) FROM (
    SELECT organisation_id, tier, file_level, worker_category, main_cause, responsible_cadre_id IS NOT NULL AS paired, 1 AS delta
      FROM new_files WHERE status = 'OPEN'
  ) d;
  RETURN NULL;
END $$;

CREATE FUNCTION report_now_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_now(coalesce(jsonb_agg(d), '[]'::jsonb)) FROM (
    SELECT o.organisation_id, o.tier, o.file_level, o.worker_category, o.main_cause, o.responsible_cadre_id IS NOT NULL AS paired, -1 AS delta
      FROM old_files o JOIN new_files n USING (id)
     WHERE o.status = 'OPEN' AND (n.status <> 'OPEN' OR (o.organisation_id, o.tier, o.file_level, o.worker_category, o.main_cause, o.responsible_cadre_id IS NOT NULL)
                                   IS DISTINCT FROM (n.organisation_id, n.tier, n.file_level, n.worker_category, n.main_cause, n.responsible_cadre_id IS NOT NULL))
    UNION ALL
    SELECT n.organisation_id, n.tier, n.file_level, n.worker_category, n.main_cause, n.responsible_cadre_id IS NOT NULL, 1
      FROM old_files o JOIN new_files n USING (id)
     WHERE n.status = 'OPEN' AND (o.status <> 'OPEN' OR (o.organisation_id, o.tier, o.file_level, o.worker_category, o.main_cause, o.responsible_cadre_id IS NOT NULL)
                                   IS DISTINCT FROM (n.organisation_id, n.tier, n.file_level, n.worker_category, n.main_cause, n.responsible_cadre_id IS NOT NULL))
  ) d;
  RETURN NULL;
END $$;

CREATE TRIGGER household_file_report_now_insert AFTER INSERT ON household_file
  REFERENCING NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_now_insert();
CREATE TRIGGER household_file_report_now_update AFTER UPDATE ON household_file
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files FOR EACH STATEMENT EXECUTE FUNCTION report_now_update();
-- A DELETE removes only drafts (deleteDraft), which are never open: nothing to subtract.

INSERT INTO report_open_now (organisation_id, tier, file_level, worker_category, main_cause, paired, files)
  SELECT organisation_id, tier, file_level, worker_category, main_cause, responsible_cadre_id IS NOT NULL, count(*)::int
    FROM household_file WHERE status = 'OPEN' GROUP BY 1, 2, 3, 4, 5, 6;

-- The deltas after a date are read by day first.
CREATE INDEX report_open_delta_day_idx ON report_open_delta (day);

-- What a re-check found (the fact behind 错评 and 漏退) and the date it was due (on time or late).
CREATE TYPE recheck_finding AS ENUM ('ACCURATE', 'WRONGLY_FILED', 'MISSED_EXIT', 'WRONG_TIER');
ALTER TABLE recheck ADD COLUMN finding recheck_finding NOT NULL DEFAULT 'ACCURATE';
ALTER TABLE recheck ADD COLUMN due_date date;
CREATE INDEX recheck_check_date_idx ON recheck (check_date);

-- The household's money per organisation and day with the counts a report needs beyond sums:
-- payments (not reversals) and reversals, so 户次 = payments − reversals. Kept by the same kind of
-- statement trigger as ledger_daily_total (the ledger is append-only).
CREATE TABLE report_ledger_daily (
  organisation_id uuid NOT NULL,
  entry_date      date NOT NULL,
  aid_type        aid_type NOT NULL,
  fund_source     fund_source NOT NULL,
  payments        integer NOT NULL,
  reversals       integer NOT NULL,
  total_fen       bigint NOT NULL,
  PRIMARY KEY (organisation_id, entry_date, aid_type, fund_source)
);
CREATE FUNCTION report_ledger_daily_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_ledger_daily (organisation_id, entry_date, aid_type, fund_source, payments, reversals, total_fen)
    SELECT organisation_id, entry_date, aid_type, fund_source, count(*) FILTER (WHERE reverses_entry_id IS NULL),
           count(*) FILTER (WHERE reverses_entry_id IS NOT NULL), sum(amount_fen)
      FROM new_entries GROUP BY 1, 2, 3, 4
  ON CONFLICT (organisation_id, entry_date, aid_type, fund_source) DO UPDATE
    SET payments = report_ledger_daily.payments + EXCLUDED.payments,
        reversals = report_ledger_daily.reversals + EXCLUDED.reversals,
        total_fen = report_ledger_daily.total_fen + EXCLUDED.total_fen;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entry_report_daily AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION report_ledger_daily_add();
INSERT INTO report_ledger_daily (organisation_id, entry_date, aid_type, fund_source, payments, reversals, total_fen)
  SELECT organisation_id, entry_date, aid_type, fund_source, count(*) FILTER (WHERE reverses_entry_id IS NULL),
         count(*) FILTER (WHERE reverses_entry_id IS NOT NULL), sum(amount_fen)
    FROM ledger_entry GROUP BY 1, 2, 3, 4;

-- Distinct households and students in a period need the entries themselves: this index makes
-- that an index-only scan of the period's entries.
CREATE INDEX ledger_entry_report_idx ON ledger_entry (entry_date, organisation_id) INCLUDE (file_id, aid_type, fund_source, amount_fen, reverses_entry_id, student_resident_id);

INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('VISIT_INTERVAL_DAYS', 90, '2020-01-01', '走访间隔（天）：超过即列入待走访'),
  ('LARGE_PAYMENT_FEN', 500000, '2020-01-01', '审计工作台列出的大额单笔发放（分）');

-- Period reads of the work figures and the caseworker's own households on the workbench.
CREATE INDEX plan_measure_created_at_idx ON plan_measure (created_at);
CREATE INDEX filing_event_kind_at_idx ON filing_event (kind, at);
CREATE INDEX household_file_responsible_cadre_id_idx ON household_file (responsible_cadre_id);

-- The report tables are derived (see 0008's rule): the application reads them, and only the
-- triggers, running as the owner, write them.
COMMENT ON TABLE report_open_delta IS 'bangfu:derived — kept by report_facts_insert/update() from household_file; the application only reads it';
COMMENT ON TABLE report_open_now IS 'bangfu:derived — kept by report_now_insert/update() from household_file; the application only reads it';
COMMENT ON TABLE report_file_event IS 'bangfu:derived — kept by report_facts_insert/update() from household_file; the application only reads it';
COMMENT ON TABLE report_ledger_daily IS 'bangfu:derived — kept by report_ledger_daily_add() from ledger_entry; the application only reads it';
ALTER FUNCTION report_facts_insert() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_facts_update() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_now_insert() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_now_update() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION report_ledger_daily_add() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION report_facts_insert(), report_facts_update(), report_now_insert(), report_now_update(), report_ledger_daily_add() FROM PUBLIC;
