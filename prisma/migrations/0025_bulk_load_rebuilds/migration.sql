-- Derived tables a bulk load rebuilds instead of keeping statement by statement (scripts/seed-ledger.ts).
--
-- A trigger commented `bangfu:rebuild f()` keeps a derived table that f() recomputes set-based
-- from its sources, to the same rows (tests/integration/derived-rebuild.test.ts calls every such
-- f() on a ledger the triggers kept and compares every derived table). A bulk load leaves such a
-- trigger off for its transaction and calls f() once after its last row; every other AFTER
-- trigger of the loaded tables runs for the load as for any insert.
--
-- At 10,000,000 entries the per-month statement triggers cost more than the rows themselves
-- (0018's upsert alone two thirds of the load); one pass over the finished ledger costs a
-- fraction of that.

CREATE FUNCTION ledger_daily_total_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE ledger_daily_total;
  INSERT INTO ledger_daily_total (organisation_id, entry_date, aid_type, fund_source, entries, total_fen)
  SELECT organisation_id, entry_date, aid_type, fund_source, count(*), sum(amount_fen) FROM ledger_entry GROUP BY 1, 2, 3, 4;
  ANALYZE ledger_daily_total;
END $$;

CREATE FUNCTION report_ledger_daily_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_ledger_daily;
  INSERT INTO report_ledger_daily (organisation_id, entry_date, aid_type, fund_source, payments, reversals, total_fen)
  SELECT organisation_id, entry_date, aid_type, fund_source, count(*) FILTER (WHERE reverses_entry_id IS NULL),
         count(*) FILTER (WHERE reverses_entry_id IS NOT NULL), sum(amount_fen)
    FROM ledger_entry GROUP BY 1, 2, 3, 4;
  ANALYZE report_ledger_daily;
END $$;

-- The entries paid by an organisation other than the file's holder now (what the insert and the
-- rehome triggers keep between them).
CREATE FUNCTION ledger_entry_elsewhere_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE ledger_entry_elsewhere;
  INSERT INTO ledger_entry_elsewhere (entry_id, file_id, holder_organisation_id, organisation_id, aid_type, fund_source, entry_date, amount_fen)
  SELECT e.id, e.file_id, f.organisation_id, e.organisation_id, e.aid_type, e.fund_source, e.entry_date, e.amount_fen
    FROM ledger_entry e JOIN household_file f ON f.id = e.file_id
   WHERE e.organisation_id <> f.organisation_id;
  ANALYZE ledger_entry_elsewhere;
END $$;

REVOKE ALL ON FUNCTION ledger_daily_total_rebuild(), report_ledger_daily_rebuild(), ledger_entry_elsewhere_rebuild() FROM PUBLIC;

COMMENT ON TRIGGER ledger_entry_daily_total ON ledger_entry IS
  'bangfu:rebuild ledger_daily_total_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_report_daily ON ledger_entry IS
  'bangfu:rebuild report_ledger_daily_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_elsewhere_insert ON ledger_entry IS
  'bangfu:rebuild ledger_entry_elsewhere_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_report_people ON ledger_entry IS
  'bangfu:rebuild report_ledger_people_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
