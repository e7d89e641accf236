-- A disbursement identical to a recent one (same file, aid type and amount, entry dates at most
-- this many days apart, the other one pending or approved) is recorded only when the caseworker
-- confirms it is not a repeat (确认不是重复发放; lib/ledger/disbursements.ts). A region may set its own.
INSERT INTO policy_parameter (key, value, effective_from, note) VALUES
  ('DUPLICATE_DISBURSEMENT_DAYS', 30, '2020-01-01', '疑似重复发放提示：同一档案、同一救助类型、同一金额的发放日期相隔天数');
