-- ───── Money that reaches the household (issue 23): how a batch pays, and what became of each line ─────
-- Approving a batch writes its ledger entries; until now someone then clicked 已发放 on trust.
-- A batch now says how it pays (银行代发, 现金, 实物), and every included line of an approved
-- batch carries its outcome:
--   WAITING   待回盘 / 待签收: approved, the bank (or the signed list) has not answered yet;
--   PAID      已到账: the bank's return file says it was paid;
--   RETURNED  退回: the bank returned it (reason); its ledger entry is reversed (银行退回);
--   REISSUED  退回后已重发: a line of a later batch (reissues_line_id) pays it again;
--   CLOSED    退回后已关闭: not paid again, with the reason;
--   SIGNED    已签收: cash or goods handed over against a signature on the 签收表;
--   UNCLAIMED 未领取: not collected within the policy's days; its ledger entry is reversed.
-- A batch is 已发放 (PAID) only when no included line is WAITING or RETURNED (lib/ledger).
CREATE TYPE payment_method AS ENUM ('BANK', 'CASH', 'IN_KIND');
CREATE TYPE payment_status AS ENUM ('WAITING', 'PAID', 'RETURNED', 'REISSUED', 'CLOSED', 'SIGNED', 'UNCLAIMED');

ALTER TABLE disbursement_batch
  ADD COLUMN payment_method payment_method NOT NULL DEFAULT 'BANK',
  ADD COLUMN goods_description text,
  ADD CONSTRAINT disbursement_batch_goods_in_kind CHECK ((payment_method = 'IN_KIND') = (goods_description IS NOT NULL));

ALTER TABLE batch_line
  ADD COLUMN payment_status payment_status,
  ADD COLUMN payment_reason text,
  ADD COLUMN payment_updated_at timestamptz(3),
  ADD COLUMN reissues_line_id uuid UNIQUE REFERENCES batch_line (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT batch_line_reissues_other CHECK (reissues_line_id <> id);

CREATE INDEX batch_line_payment_status_idx ON batch_line (organisation_id, payment_status);

-- Batches approved or paid before this migration: their included lines were paid on trust
-- (已发放) or are waiting for the bank like any batch approved from now on.
UPDATE batch_line l SET payment_status = CASE b.status WHEN 'PAID' THEN 'PAID'::payment_status ELSE 'WAITING'::payment_status END,
                        payment_updated_at = COALESCE(b.paid_at, b.approved_at)
  FROM disbursement_batch b
 WHERE b.id = l.batch_id AND b.status IN ('APPROVED', 'PAID') AND NOT l.removed;
