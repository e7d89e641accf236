-- Issue 28: a 10,000-line batch approval in ≤ 3 s at 1,000,000 files
-- (docs/benchmarks/2026-12-07-approval-2.md).
--
-- After 0046 the approval's time is its two writes and their triggers. Three of the per-row
-- triggers on ledger_entry did work once per entry that the same rule needs once per statement or
-- not at all; every rule is kept, in the database, with the same error:
--
-- 1. 专款专用 (0012): enforce_fund_aid_rule ran for each entry — to_jsonb of the whole row and
--    one fund_may_pay lookup per entry, although a batch's 10,000 entries share one fund, aid
--    type, organisation and date. On ledger_entry it is now a statement trigger over the
--    transition table (as 0010 and 0018 do): each distinct (fund, aid type, organisation, date)
--    of the statement's positive entries is checked once, and a forbidden one fails the whole
--    statement with the same message, SQLSTATE 23514 and constraint name fund_aid_rule_violated.
--    It fires before ledger_entry_spend (triggers of an event fire in name order), so a statement
--    breaking both rules still reports this one. disbursement and disbursement_batch keep their
--    row triggers (one row per statement there).
-- 2. ledger_entry_check_reversal (0004) was called for every entry only to return at once when the
--    entry reverses nothing: the trigger now has WHEN (NEW.reverses_entry_id IS NOT NULL), so a
--    batch's entries never call it. A reversal is checked exactly as before.
-- 3. ledger_entry_set_paying_organisation (0031) called ledger_entry_paying_organisation(NEW), a
--    SQL function with two sub-selects, for each entry. An entry that reverses nothing is paid
--    by its approver's union: that is one primary-key read of app_user, now done in the trigger
--    itself; a reversal still takes its original's payer through the function. Same result (the
--    function's COALESCE falls back to the approver's union when there is no original).

CREATE FUNCTION ledger_entry_fund_aid_rule_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  -- Reversals (amount <= 0) undo what was paid under the rule of their day and are always allowed.
  SELECT d.fund_source, d.aid_type, d.entry_date INTO bad
    FROM (SELECT DISTINCT fund_source, aid_type, organisation_id, entry_date FROM new_entries WHERE amount_fen > 0) d
   WHERE NOT fund_may_pay(d.fund_source, d.aid_type, d.organisation_id, d.entry_date)
   ORDER BY d.entry_date, d.fund_source, d.aid_type
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'fund % may not pay aid type % on %', bad.fund_source, bad.aid_type, bad.entry_date
      USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_aid_rule_violated';
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER ledger_entry_fund_aid_rule ON ledger_entry;
CREATE TRIGGER ledger_entry_fund_aid_rule AFTER INSERT ON ledger_entry REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_fund_aid_rule_check();

DROP TRIGGER ledger_entry_check_reversal ON ledger_entry;
CREATE TRIGGER ledger_entry_check_reversal BEFORE INSERT ON ledger_entry
  FOR EACH ROW WHEN (NEW.reverses_entry_id IS NOT NULL) EXECUTE FUNCTION ledger_entry_check_reversal();

CREATE OR REPLACE FUNCTION ledger_entry_set_paying_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reverses_entry_id IS NULL THEN
    NEW.paying_organisation_id := (SELECT u.organisation_id FROM app_user u WHERE u.id = NEW.approved_by_id);
  ELSE
    NEW.paying_organisation_id := ledger_entry_paying_organisation(NEW);
  END IF;
  RETURN NEW;
END $$;
