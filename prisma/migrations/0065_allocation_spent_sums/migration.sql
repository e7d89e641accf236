-- Issue 28: 资金额度使用情况 (/allocations/report) from kept sums, not from the ledger's entries.
--
-- The report's 实际支出, 银行退回 and 未领取退回 summed the period's ledger entries by paying union
-- and fund: a year is 1.1 million entries for Lanzhou and 3.4 million for the province at
-- 1,000,000 files, index-only, 460–600 ms of SQL (docs/benchmarks/2026-12-07-http-9.md). The same
-- sums are kept here per paying union, fund and day, and per paying union, fund and calendar month:
-- a report reads its whole months from the monthly rows and only the days of a partial first or
-- last month from the daily ones, as 资金发放 does with report_ledger_monthly (0049). Daily rows
-- alone would be ~219,000 rows for a province year of 150 paying unions paying every fund every day
-- (105 ms to sum on the benchmark machine); monthly rows are 7,200 (5 ms).
-- (docs/benchmarks/2026-12-08-M-1.md has the figures.)
--
-- The paying union is ledger_entry.paying_organisation_id, set by the BEFORE trigger
-- ledger_entry_set_paying_organisation (0031, 0051) before the row reaches the transition table
-- (a reversal's is its original's); the CHECK ledger_entry_paying_organisation_set keeps it non-null.
-- The ledger is append-only (a reversal is a new, negative row), so an insert trigger keeps the sums.
-- Kept like report_ledger_daily (0010): one statement trigger with a transition table, grouped
-- upserts ordered by key (a 10,000-line batch is one daily and one monthly row). Its name sorts after
-- ledger_entry_spend, so it runs after the balance move of the same statement: two statements that
-- touch one union's day or month of a fund hold that union's balance row of the year first and are
-- already served one after the other there; this trigger adds no wait of its own.
CREATE TABLE allocation_spent_daily (
  paying_organisation_id uuid NOT NULL,
  entry_date             date NOT NULL,
  fund_source            fund_source NOT NULL,
  -- Net: payments less every reversal (corrections, bank returns, uncollected cash).
  spent_fen              bigint NOT NULL,
  -- The reversals of reversal_kind BANK_RETURN / UNCLAIMED, as positive amounts (already netted in spent_fen).
  bank_returned_fen      bigint NOT NULL,
  unclaimed_fen          bigint NOT NULL,
  PRIMARY KEY (paying_organisation_id, entry_date, fund_source)
);

CREATE TABLE allocation_spent_monthly (
  paying_organisation_id uuid NOT NULL,
  month                  date NOT NULL CHECK (month = date_trunc('month', month::timestamp)::date),
  fund_source            fund_source NOT NULL,
  spent_fen              bigint NOT NULL,
  bank_returned_fen      bigint NOT NULL,
  unclaimed_fen          bigint NOT NULL,
  PRIMARY KEY (paying_organisation_id, month, fund_source)
);

CREATE FUNCTION allocation_spent_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO allocation_spent_daily AS s (paying_organisation_id, entry_date, fund_source, spent_fen, bank_returned_fen, unclaimed_fen)
  SELECT paying_organisation_id, entry_date, fund_source, sum(amount_fen),
         coalesce(-sum(amount_fen) FILTER (WHERE reversal_kind = 'BANK_RETURN'), 0),
         coalesce(-sum(amount_fen) FILTER (WHERE reversal_kind = 'UNCLAIMED'), 0)
    FROM new_entries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (paying_organisation_id, entry_date, fund_source) DO UPDATE
    SET spent_fen = s.spent_fen + EXCLUDED.spent_fen, bank_returned_fen = s.bank_returned_fen + EXCLUDED.bank_returned_fen,
        unclaimed_fen = s.unclaimed_fen + EXCLUDED.unclaimed_fen;
  INSERT INTO allocation_spent_monthly AS s (paying_organisation_id, month, fund_source, spent_fen, bank_returned_fen, unclaimed_fen)
  SELECT paying_organisation_id, date_trunc('month', entry_date::timestamp)::date, fund_source, sum(amount_fen),
         coalesce(-sum(amount_fen) FILTER (WHERE reversal_kind = 'BANK_RETURN'), 0),
         coalesce(-sum(amount_fen) FILTER (WHERE reversal_kind = 'UNCLAIMED'), 0)
    FROM new_entries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (paying_organisation_id, month, fund_source) DO UPDATE
    SET spent_fen = s.spent_fen + EXCLUDED.spent_fen, bank_returned_fen = s.bank_returned_fen + EXCLUDED.bank_returned_fen,
        unclaimed_fen = s.unclaimed_fen + EXCLUDED.unclaimed_fen;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_entry_spent_sums AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION allocation_spent_add();

-- Both tables recomputed from the ledger: what a bulk load calls once after its last row instead
-- of the trigger per statement (0025), and what fills them below. One pass over the ledger through
-- ledger_entry_paying_organisation_id_entry_date_idx (0031: it holds fund, amount and reversal
-- kind, so the pass is index-only), the months summed from the days.
CREATE FUNCTION allocation_spent_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE allocation_spent_daily, allocation_spent_monthly;
  INSERT INTO allocation_spent_daily (paying_organisation_id, entry_date, fund_source, spent_fen, bank_returned_fen, unclaimed_fen)
  SELECT paying_organisation_id, entry_date, fund_source, sum(amount_fen),
         coalesce(-sum(amount_fen) FILTER (WHERE reversal_kind = 'BANK_RETURN'), 0),
         coalesce(-sum(amount_fen) FILTER (WHERE reversal_kind = 'UNCLAIMED'), 0)
    FROM ledger_entry GROUP BY 1, 2, 3;
  INSERT INTO allocation_spent_monthly (paying_organisation_id, month, fund_source, spent_fen, bank_returned_fen, unclaimed_fen)
  SELECT paying_organisation_id, date_trunc('month', entry_date::timestamp)::date, fund_source, sum(spent_fen), sum(bank_returned_fen), sum(unclaimed_fen)
    FROM allocation_spent_daily GROUP BY 1, 2, 3;
  ANALYZE allocation_spent_daily, allocation_spent_monthly;
END $$;

COMMENT ON TRIGGER ledger_entry_spent_sums ON ledger_entry IS
  'bangfu:rebuild allocation_spent_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TABLE allocation_spent_daily IS 'bangfu:derived — kept by allocation_spent_add() from ledger_entry (migration 0065); the application only reads it';
COMMENT ON TABLE allocation_spent_monthly IS 'bangfu:derived — kept by allocation_spent_add() from ledger_entry (migration 0065); the application only reads it';
ALTER FUNCTION allocation_spent_add() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION allocation_spent_add(), allocation_spent_rebuild() FROM PUBLIC;

-- The entries that exist (10,000,000 at 1M files: see the benchmark note for the time it takes).
SELECT allocation_spent_rebuild();
