-- Issue 23 §1: allocations (资金下拨与额度). docs/decisions/023-allocations.md says why this shape.
--
-- Each year a union receives money per fund source and passes parts of it down to the unions below
-- (下拨); it may spend and pass down no more than it holds. The rows are history (append-only, like
-- the ledger): a mistake is corrected by an ADJUSTMENT row naming the row it corrects. What a union
-- still holds per fund and year is one row of allocation_balance, kept by triggers on allocation
-- and on ledger_entry, with CHECK (balance_fen >= 0): every approval that writes ledger entries
-- takes that row's lock, so two officials approving at once are served one after the other and
-- exactly what fits is approved. A reversal (a correction, a bank return, uncollected cash) is a
-- negative entry and so gives its amount back.
--
-- The year is the calendar year of the row's date: of an allocation's entry_date, of a ledger
-- entry's entry_date (a reversal's own date, so a period report and the balance agree).

CREATE TYPE allocation_kind AS ENUM ('RECEIVED', 'PASS_DOWN', 'ADJUSTMENT', 'OPENING');

CREATE TABLE allocation (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The form's key: a repeated submission finds the first row instead of allocating twice.
  idempotency_key uuid UNIQUE,
  -- The union the row is entered for: the receiver of RECEIVED / OPENING money, the giver of a PASS_DOWN.
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  -- The union below that a PASS_DOWN (or an adjustment of one) gives to.
  recipient_id    uuid REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  kind            allocation_kind NOT NULL,
  fund_source     fund_source NOT NULL,
  -- Signed only for an ADJUSTMENT (a negative one takes back part of the adjusted row).
  amount_fen      bigint NOT NULL,
  entry_date      date NOT NULL,
  -- Where RECEIVED money came from (省财政厅, 全国总工会 …).
  source          text,
  -- 文号或说明; for an ADJUSTMENT, why.
  note            text NOT NULL,
  adjusts_id      uuid REFERENCES allocation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  -- Null only on the OPENING rows this migration writes for data from before allocations.
  recorded_by_id  uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT allocation_shape CHECK (
    (kind IN ('RECEIVED', 'OPENING') AND recipient_id IS NULL AND adjusts_id IS NULL AND amount_fen > 0)
    OR (kind = 'PASS_DOWN' AND recipient_id IS NOT NULL AND recipient_id <> organisation_id AND adjusts_id IS NULL AND amount_fen > 0)
    OR (kind = 'ADJUSTMENT' AND adjusts_id IS NOT NULL AND amount_fen <> 0)
  ),
  CONSTRAINT allocation_recorded_by CHECK (kind = 'OPENING' OR recorded_by_id IS NOT NULL),
  CONSTRAINT allocation_note CHECK (btrim(note) <> ''),
  CONSTRAINT allocation_amount_range CHECK (abs(amount_fen) <= 100000000000000)
);
CREATE INDEX allocation_organisation_id_entry_date_idx ON allocation (organisation_id, entry_date);
CREATE INDEX allocation_recipient_id_entry_date_idx ON allocation (recipient_id, entry_date);
CREATE INDEX allocation_adjusts_id_idx ON allocation (adjusts_id);

CREATE TRIGGER allocation_append_only BEFORE UPDATE OR DELETE ON allocation FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER allocation_no_truncate BEFORE TRUNCATE ON allocation FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- What each union holds now, per fund and year. Derived: only the triggers below write it.
CREATE TABLE allocation_balance (
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  fund_source     fund_source NOT NULL,
  year            integer NOT NULL,
  balance_fen     bigint NOT NULL,
  PRIMARY KEY (organisation_id, fund_source, year),
  CONSTRAINT allocation_balance_not_negative CHECK (balance_fen >= 0)
);
COMMENT ON TABLE allocation_balance IS 'bangfu:derived — kept by allocation_apply() and ledger_entry_spend() from allocation and ledger_entry; the application only reads it';

-- Moves `delta` into (or, negative, out of) one union's balance. Taking money out of a balance that
-- does not hold it raises 'allocation_exceeded' with the balance before, so the application can say
-- how much is left; the CHECK above stays as the last word.
CREATE FUNCTION allocation_move(p_org uuid, p_fund fund_source, p_year integer, p_delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  before bigint;
BEGIN
  INSERT INTO allocation_balance (organisation_id, fund_source, year, balance_fen) VALUES (p_org, p_fund, p_year, 0)
    ON CONFLICT DO NOTHING;
  SELECT balance_fen INTO before FROM allocation_balance
   WHERE organisation_id = p_org AND fund_source = p_fund AND year = p_year FOR UPDATE;
  IF before + p_delta < 0 THEN
    RAISE EXCEPTION 'allocation_exceeded org=% fund=% year=% balance=% needed=%', p_org, p_fund, p_year, before, -p_delta
      USING ERRCODE = 'check_violation';
  END IF;
  UPDATE allocation_balance SET balance_fen = balance_fen + p_delta
   WHERE organisation_id = p_org AND fund_source = p_fund AND year = p_year;
END $$;

-- An adjustment copies who and which fund from the row it corrects (an adjustment of an adjustment
-- corrects the original), stays in its year, and never takes the row below zero in total. A
-- PASS_DOWN goes to a direct child of the giver.
CREATE FUNCTION allocation_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original allocation%ROWTYPE;
  net bigint;
BEGIN
  IF NEW.kind = 'PASS_DOWN' AND NOT EXISTS (SELECT 1 FROM organisation WHERE id = NEW.recipient_id AND parent_id = NEW.organisation_id) THEN
    RAISE EXCEPTION 'allocation_not_child: money is passed down to a union directly below' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.kind <> 'ADJUSTMENT' THEN
    RETURN NEW;
  END IF;
  SELECT * INTO original FROM allocation WHERE id = NEW.adjusts_id FOR UPDATE;
  IF original.kind = 'ADJUSTMENT' THEN
    SELECT * INTO original FROM allocation WHERE id = original.adjusts_id FOR UPDATE;
  END IF;
  NEW.adjusts_id := original.id;
  NEW.organisation_id := original.organisation_id;
  NEW.recipient_id := original.recipient_id;
  NEW.fund_source := original.fund_source;
  IF extract(year FROM NEW.entry_date) <> extract(year FROM original.entry_date) THEN
    RAISE EXCEPTION 'allocation_adjust_year: an adjustment stays in the year of the row it corrects' USING ERRCODE = 'check_violation';
  END IF;
  SELECT original.amount_fen + COALESCE(sum(amount_fen), 0) + NEW.amount_fen INTO net FROM allocation WHERE adjusts_id = original.id;
  IF net < 0 THEN
    RAISE EXCEPTION 'allocation_adjust_below_zero net=%', net USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER allocation_check BEFORE INSERT ON allocation FOR EACH ROW EXECUTE FUNCTION allocation_check();

-- The row's effect on the balances. Both balances of a PASS_DOWN are locked in organisation order
-- first, so a pass-down and a negative adjustment of another one never wait for each other in turn.
CREATE FUNCTION allocation_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  base allocation_kind := NEW.kind;
  yr integer := extract(year FROM NEW.entry_date)::integer;
BEGIN
  IF NEW.kind = 'ADJUSTMENT' THEN
    SELECT kind INTO base FROM allocation WHERE id = NEW.adjusts_id;
  END IF;
  IF base = 'PASS_DOWN' THEN
    INSERT INTO allocation_balance (organisation_id, fund_source, year, balance_fen)
      SELECT o, NEW.fund_source, yr, 0 FROM unnest(ARRAY[NEW.organisation_id, NEW.recipient_id]) o ORDER BY o
      ON CONFLICT DO NOTHING;
    PERFORM 1 FROM allocation_balance
      WHERE organisation_id IN (NEW.organisation_id, NEW.recipient_id) AND fund_source = NEW.fund_source AND year = yr
      ORDER BY organisation_id FOR UPDATE;
    IF NEW.amount_fen > 0 THEN
      PERFORM allocation_move(NEW.organisation_id, NEW.fund_source, yr, -NEW.amount_fen);
      PERFORM allocation_move(NEW.recipient_id, NEW.fund_source, yr, NEW.amount_fen);
    ELSE
      PERFORM allocation_move(NEW.recipient_id, NEW.fund_source, yr, NEW.amount_fen);
      PERFORM allocation_move(NEW.organisation_id, NEW.fund_source, yr, -NEW.amount_fen);
    END IF;
  ELSE
    PERFORM allocation_move(NEW.organisation_id, NEW.fund_source, yr, NEW.amount_fen);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER allocation_apply AFTER INSERT ON allocation FOR EACH ROW EXECUTE FUNCTION allocation_apply();

-- ───── The paying union of a ledger entry ─────
-- The union whose allocation an entry spends is the union of the official who approved it — for a
-- batch as for a single disbursement: the money sits with the union whose officials decide on it
-- (a county's or grassroots union's files are paid by the city that approves them). A reversal
-- (a correction, a bank return, uncollected cash) gives back to the union the reversed entry
-- spent. Derived on insert, never taken from the caller.
ALTER TABLE ledger_entry ADD COLUMN paying_organisation_id uuid REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE FUNCTION ledger_entry_paying_organisation(e ledger_entry) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT o.paying_organisation_id FROM ledger_entry o WHERE o.id = e.reverses_entry_id),
    (SELECT u.organisation_id FROM app_user u WHERE u.id = e.approved_by_id))
$$;

-- Existing entries, originals first so their reversals can follow them (the ledger is append-only;
-- only this migration, as the owner, writes the new column of old rows).
ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only;
UPDATE ledger_entry e SET paying_organisation_id = ledger_entry_paying_organisation(e) WHERE e.reverses_entry_id IS NULL;
UPDATE ledger_entry e SET paying_organisation_id = ledger_entry_paying_organisation(e) WHERE e.reverses_entry_id IS NOT NULL;
ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only;
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_paying_organisation_set CHECK (paying_organisation_id IS NOT NULL);
CREATE INDEX ledger_entry_paying_organisation_id_entry_date_idx ON ledger_entry (paying_organisation_id, entry_date)
  INCLUDE (fund_source, amount_fen, reversal_kind);

CREATE FUNCTION ledger_entry_set_paying_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.paying_organisation_id := ledger_entry_paying_organisation(NEW);
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entry_set_paying_organisation BEFORE INSERT ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_set_paying_organisation();

-- Spending: one move per paying union, fund and year of the statement (a batch's 10,000 entries
-- are one move), in a fixed order.
CREATE FUNCTION ledger_entry_spend() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT paying_organisation_id AS org, fund_source, extract(year FROM entry_date)::integer AS yr, sum(amount_fen) AS spent
             FROM new_entries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LOOP
    PERFORM allocation_move(r.org, r.fund_source, r.yr, -r.spent);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entry_spend AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_spend();

-- The balances recomputed from the rows they are derived from: what a bulk load calls once after
-- its last row instead of running ledger_entry_spend per statement (scripts/seed-ledger.ts).
CREATE FUNCTION allocation_balance_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM allocation_balance;
  INSERT INTO allocation_balance (organisation_id, fund_source, year, balance_fen)
  SELECT org, fund_source, yr, sum(delta) FROM (
    SELECT a.organisation_id AS org, a.fund_source,
           extract(year FROM a.entry_date)::integer AS yr, CASE WHEN b.kind = 'PASS_DOWN' THEN -a.amount_fen ELSE a.amount_fen END AS delta
      FROM allocation a JOIN allocation b ON b.id = COALESCE(a.adjusts_id, a.id)
    UNION ALL
    SELECT a.recipient_id, a.fund_source, extract(year FROM a.entry_date)::integer, a.amount_fen
      FROM allocation a JOIN allocation b ON b.id = COALESCE(a.adjusts_id, a.id) WHERE b.kind = 'PASS_DOWN'
    UNION ALL
    SELECT paying_organisation_id, fund_source, extract(year FROM entry_date)::integer, -amount_fen FROM ledger_entry
  ) moves GROUP BY 1, 2, 3;
END $$;
COMMENT ON TRIGGER ledger_entry_spend ON ledger_entry IS
  'bangfu:rebuild allocation_balance_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';

-- ───── Existing data ─────
-- A database from before allocations has paid without them. Each union gets, per fund and year in
-- which it spent, an OPENING row equal to what it spent (net), so its balance starts at zero and
-- the history stays consistent: from now on it pays only what it is given.
INSERT INTO allocation (organisation_id, kind, fund_source, amount_fen, entry_date, note)
SELECT paying_organisation_id, 'OPENING', fund_source, sum(amount_fen), make_date(extract(year FROM entry_date)::integer, 1, 1),
       '期初额度：启用额度管理前已支出的金额'
  FROM ledger_entry GROUP BY paying_organisation_id, fund_source, extract(year FROM entry_date)
HAVING sum(amount_fen) > 0;
-- The OPENING rows put what was spent into the balances; what was spent takes it out again (zero),
-- and a year whose reversals outweigh its payments starts with what was given back. (An update, then
-- an insert: INSERT … ON CONFLICT checks the CHECK on the proposed row, which would be negative.)
CREATE TEMP TABLE spent_before ON COMMIT DROP AS
SELECT paying_organisation_id AS org, fund_source, extract(year FROM entry_date)::integer AS yr, sum(amount_fen) AS spent
  FROM ledger_entry GROUP BY 1, 2, 3;
UPDATE allocation_balance b SET balance_fen = b.balance_fen - s.spent
  FROM spent_before s WHERE b.organisation_id = s.org AND b.fund_source = s.fund_source AND b.year = s.yr;
INSERT INTO allocation_balance (organisation_id, fund_source, year, balance_fen)
SELECT s.org, s.fund_source, s.yr, -s.spent FROM spent_before s
 WHERE s.spent < 0 AND NOT EXISTS (SELECT 1 FROM allocation_balance b WHERE b.organisation_id = s.org AND b.fund_source = s.fund_source AND b.year = s.yr);

ALTER FUNCTION allocation_move(uuid, fund_source, integer, bigint) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION allocation_apply() SECURITY DEFINER SET search_path = public, pg_temp;
-- It locks the corrected row (FOR UPDATE, so two corrections of one row are checked one after the
-- other), which the application, with SELECT and INSERT only on allocation, may not do itself.
ALTER FUNCTION allocation_check() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION ledger_entry_spend() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION allocation_move(uuid, fund_source, integer, bigint), allocation_apply(), allocation_check(), ledger_entry_spend(), allocation_balance_rebuild() FROM PUBLIC;
SELECT bangfu_apply_grants();
