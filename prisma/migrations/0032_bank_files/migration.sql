-- ───── Bank payment files and return files (issue 23 §2–§3: 代发文件、回盘与对账) ─────
-- A bank layout (代发格式) says how a payment file is written for one bank: which columns in which
-- order, a header row and a total row or not, xlsx / delimited text / fixed width, UTF-8 or GBK;
-- and its return form (回盘格式): which columns of the bank's return file hold the reference, the
-- name, the account, the amount, the result and the reason. Layouts are shared configuration,
-- kept by administrators (lib/payments/layouts.ts); exactly one is the default.
CREATE TYPE bank_layout_format AS ENUM ('XLSX', 'DELIMITED', 'FIXED');
CREATE TYPE bank_layout_encoding AS ENUM ('UTF8', 'GBK');

CREATE TABLE bank_layout (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name            text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
  format          bank_layout_format NOT NULL,
  encoding        bank_layout_encoding NOT NULL DEFAULT 'UTF8',
  -- Text layouts only: the separator of a delimited file.
  delimiter       text,
  header_row      boolean NOT NULL DEFAULT true,
  total_row       boolean NOT NULL DEFAULT false,
  -- [{ "field": "SEQ" | "NAME" | "ACCOUNT" | "BANK" | "AMOUNT" | "ID_NUMBER" | "MEMO" | "REFERENCE", "title": "序号", "width": 6 }]
  -- (width: characters of a fixed-width column; GBK counts a Chinese character as two).
  columns         jsonb NOT NULL CHECK (jsonb_typeof(columns) = 'array' AND jsonb_array_length(columns) > 0),
  -- { "reference": "摘要", "name": …, "account": …, "amount": …, "result": …, "reason": … }: header titles in the return file.
  return_columns  jsonb NOT NULL CHECK (jsonb_typeof(return_columns) = 'object'),
  -- Values of the result column that mean 已到账; any other result is a return.
  paid_results    text[] NOT NULL DEFAULT '{成功}' CHECK (cardinality(paid_results) > 0),
  is_default      boolean NOT NULL DEFAULT false,
  version         integer NOT NULL DEFAULT 1,
  updated_by_id   uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  -- An xlsx has no encoding to choose (it is always UTF-8 inside); a delimited file needs its separator.
  CONSTRAINT bank_layout_xlsx_utf8 CHECK (format <> 'XLSX' OR encoding = 'UTF8'),
  CONSTRAINT bank_layout_delimiter CHECK ((format = 'DELIMITED') = (delimiter IS NOT NULL) AND (delimiter IS NULL OR delimiter IN (',', '|', ';', E'\t')))
);
-- One default layout at most (the one a batch's payment file is offered in first).
CREATE UNIQUE INDEX bank_layout_one_default ON bank_layout (is_default) WHERE is_default;

-- The common 代发 template, present out of the box. The reference (业务参考号) rides in 摘要, which
-- the bank echoes back in its return file.
INSERT INTO bank_layout (name, format, encoding, header_row, total_row, columns, return_columns, paid_results, is_default) VALUES (
  '通用代发模板（Excel）', 'XLSX', 'UTF8', true, true,
  '[{"field":"SEQ","title":"序号"},{"field":"NAME","title":"收款人姓名"},{"field":"ACCOUNT","title":"收款账号"},{"field":"BANK","title":"开户行"},{"field":"AMOUNT","title":"金额"},{"field":"ID_NUMBER","title":"证件号码"},{"field":"MEMO","title":"摘要"}]',
  '{"reference":"摘要","name":"收款人姓名","account":"收款账号","amount":"金额","result":"处理结果","reason":"失败原因"}',
  '{成功,已入账}', true
);

-- One applied return file (回盘): what the bank said in its own totals, kept for reconciliation.
-- Append-only: an applied return is a fact; a correction is another return file.
CREATE TABLE payment_return (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id         uuid NOT NULL REFERENCES disbursement_batch (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  layout_id        uuid NOT NULL REFERENCES bank_layout (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  file_name        text NOT NULL,
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  paid_lines       integer NOT NULL CHECK (paid_lines >= 0),
  paid_fen         bigint NOT NULL CHECK (paid_fen >= 0),
  returned_lines   integer NOT NULL CHECK (returned_lines >= 0),
  returned_fen     bigint NOT NULL CHECK (returned_fen >= 0),
  -- The file's own total row (合计), when it has one; it equalled paid_fen + returned_fen when applied.
  stated_total_fen bigint,
  applied_by_id    uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  applied_at       timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT payment_return_not_empty CHECK (paid_lines + returned_lines > 0),
  CONSTRAINT payment_return_total CHECK (stated_total_fen IS NULL OR stated_total_fen = paid_fen + returned_fen)
);
CREATE INDEX payment_return_batch_id_idx ON payment_return (batch_id);
-- The same file cannot be applied twice to a batch.
CREATE UNIQUE INDEX payment_return_batch_id_sha256_key ON payment_return (batch_id, sha256);
CREATE TRIGGER payment_return_append_only BEFORE UPDATE OR DELETE ON payment_return FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Which return file decided a line (已到账 or 退回).
ALTER TABLE batch_line ADD COLUMN payment_return_id uuid REFERENCES payment_return (id) ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX batch_line_payment_return_id_idx ON batch_line (payment_return_id);

-- A bank return is reversed in the ledger without anyone asking for it (reversal_kind, 0030): such a
-- reversal has no request (disbursement) and no batch line of its own — the line it undoes is the
-- original entry's (reverses_entry_id → batch_line_id). Every other entry still has exactly one source.
ALTER TABLE ledger_entry DROP CONSTRAINT IF EXISTS ledger_entry_one_source;
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_one_source CHECK (
  num_nonnulls(disbursement_id, batch_line_id) = 1
  OR (reversal_kind IS NOT NULL AND disbursement_id IS NULL AND batch_line_id IS NULL)
);
