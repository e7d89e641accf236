-- Issue 28: the caseworker's workbench (工作台) counts the payments a bank returned (发放退回待处理)
-- and reads the oldest of them on every view. disbursement had no index on payment_status, so at a
-- million files that count was a parallel sequential scan of every single payment (759 ms at 1M,
-- 268–438 ms at 100,000 files), although the returned ones are normally none or a handful.
-- A partial index holds exactly those: the count and the oldest date are one short index range.
CREATE INDEX disbursement_payment_returned_idx ON disbursement (payment_updated_at) WHERE payment_status = 'RETURNED';
