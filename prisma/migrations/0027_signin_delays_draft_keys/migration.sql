-- Issue 22 §5 and §6.
--
-- §6: a new draft carries the idempotency key of the form that created it. A double click, a retry
-- storm or fifty identical requests make one draft: the unique key refuses every other insert,
-- and saveDraft answers those with the first draft (lib/filing/save-filing.ts). NULL for files
-- made before this migration, by an import, or by a form that sent no key.
ALTER TABLE household_file ADD COLUMN idempotency_key uuid UNIQUE;

-- §5: sign-in failures are counted per name as typed (known or not, so an unknown name is slowed
-- exactly like a real one and the delays reveal nothing), from the name's last success.
CREATE INDEX sign_in_attempt_username_at_idx ON sign_in_attempt (username, at);

-- §5: the failed attempts on the account since its previous successful sign-in, counted when this
-- session opened; the first page after sign-in shows the number once and clears it.
ALTER TABLE user_session ADD COLUMN failed_sign_ins integer CHECK (failed_sign_ins > 0);
