-- Issue 28: the caseworker's workbench (工作台) counts the payments a bank returned (发放退回待处理)
-- and reads the oldest of them on every view. disbursement had no index on payment_status, so at a
-- million files that count was a parallel sequential scan of every single payment (759 ms at 1M,
-- 268–438 ms at 100,000 files), although the returned ones are normally none or a handful.
-- Only payments sent to a bank have a payment status at all (most single payments have none), so
-- this index is small. Partial on IS NOT NULL, not on = 'RETURNED': Prisma sends the status as
-- CAST($1::text AS payment_status), which the planner cannot fold to a constant, so it could never
-- prove a `= 'RETURNED'` predicate and kept the sequential scan; `payment_status = anything`
-- implies IS NOT NULL whatever the value. Count and oldest date are then one short index range.
CREATE INDEX disbursement_payment_status_idx ON disbursement (payment_status, payment_updated_at) WHERE payment_status IS NOT NULL;
