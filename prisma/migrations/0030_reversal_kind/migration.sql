-- Issue 23: ledger reversals that follow from the payment's outcome, not from a request.
-- Why a reversal was written when no one asked for it: the bank returned the payment (银行退回),
-- or the cash or goods were not collected in time (未领取). Null on every other entry, including
-- the reversals an official approves as a correction (冲正).
CREATE TYPE reversal_kind AS ENUM ('BANK_RETURN', 'UNCLAIMED');
ALTER TABLE ledger_entry
  ADD COLUMN reversal_kind reversal_kind,
  ADD CONSTRAINT ledger_entry_reversal_kind_reverses CHECK (reversal_kind IS NULL OR reverses_entry_id IS NOT NULL);
