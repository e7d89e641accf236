-- Issue 28: 资金对账 (/ledger/reconciliation) summed every line of the period's approved batches on
-- each view, each line joined to its ledger entry and that entry's reversal: a month holds ~230,000
-- lines at 1,000,000 files, 1.8 s for a city and 4.9 s for the province. The same sums are now kept
-- per batch in batch_recon, by statement triggers on batch_line (a line listed, removed, adjusted,
-- answered by the bank, re-issued, closed) and on ledger_entry (a line's entry or its reversal
-- written). The page reads one row per batch, and reads the lines only of a batch whose kept count
-- of lines that differ is not zero. Decision 040.

-- One line's share of its batch's figures: the one place that says which payment outcomes are paid,
-- returned or still waiting, and when a line's ledger disagrees with its outcome (the page's list of
-- the lines that differ asks it too). `ledger` is the line's entry plus its reversal (0 when neither
-- exists); `decided`, that a bank return file answered the line. A returned or unclaimed payment, and
-- one re-issued or closed after a return, leaves no money with the household: its entry must be
-- reversed. A line differs when it has no entry, or its ledger net is not what its outcome needs.
CREATE FUNCTION batch_line_recon(amount bigint, status payment_status, decided boolean, has_entry boolean, ledger bigint)
RETURNS TABLE (paid boolean, returned boolean, waiting boolean, decided_paid_fen bigint, decided_returned_fen bigint, differs boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p.paid, p.returned, NOT p.paid AND NOT p.returned,
         CASE WHEN decided AND status = 'PAID' THEN amount ELSE 0 END,
         CASE WHEN decided AND status IS DISTINCT FROM 'PAID' THEN amount ELSE 0 END,
         NOT has_entry OR ledger <> CASE WHEN p.returned THEN 0 ELSE amount END
    FROM (SELECT coalesce(status IN ('PAID', 'SIGNED'), false) AS paid,
                 coalesce(status IN ('RETURNED', 'REISSUED', 'CLOSED', 'UNCLAIMED'), false) AS returned) p
$$;

-- Per batch, over its lines that are not removed: how many and how much in all, paid, returned and
-- still waiting; their ledger net; what the bank's return files decided; how many lines differ.
CREATE TABLE batch_recon (
  batch_id             uuid PRIMARY KEY REFERENCES disbursement_batch (id) ON UPDATE CASCADE ON DELETE CASCADE,
  approved_lines       integer NOT NULL,
  approved_fen         bigint NOT NULL,
  paid_lines           integer NOT NULL,
  paid_fen             bigint NOT NULL,
  returned_lines       integer NOT NULL,
  returned_fen         bigint NOT NULL,
  waiting_lines        integer NOT NULL,
  waiting_fen          bigint NOT NULL,
  ledger_net_fen       bigint NOT NULL,
  decided_paid_fen     bigint NOT NULL,
  decided_returned_fen bigint NOT NULL,
  differing            integer NOT NULL
);
COMMENT ON TABLE batch_recon IS 'bangfu:derived — kept by batch_recon_add() from batch_line and ledger_entry (migration 0064); the application only reads it';

-- A line as its batch counts it: +1 to add it, −1 to take it away.
CREATE TYPE batch_recon_line AS (batch_id uuid, sign integer, amount bigint, status payment_status, decided boolean, has_entry boolean, ledger bigint);

-- Adds lines to their batches' rows. Every trigger below and the rebuild call it; each only says
-- which lines, with which sign and ledger state.
CREATE FUNCTION batch_recon_add(lines batch_recon_line[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO batch_recon AS r
  SELECT x.batch_id, sum(x.sign)::int, sum(x.sign * x.amount)::bigint,
         coalesce(sum(x.sign) FILTER (WHERE c.paid), 0)::int, coalesce(sum(x.sign * x.amount) FILTER (WHERE c.paid), 0)::bigint,
         coalesce(sum(x.sign) FILTER (WHERE c.returned), 0)::int, coalesce(sum(x.sign * x.amount) FILTER (WHERE c.returned), 0)::bigint,
         coalesce(sum(x.sign) FILTER (WHERE c.waiting), 0)::int, coalesce(sum(x.sign * x.amount) FILTER (WHERE c.waiting), 0)::bigint,
         sum(x.sign * x.ledger)::bigint, sum(x.sign * c.decided_paid_fen)::bigint, sum(x.sign * c.decided_returned_fen)::bigint,
         coalesce(sum(x.sign) FILTER (WHERE c.differs), 0)::int
    FROM unnest(lines) x CROSS JOIN LATERAL batch_line_recon(x.amount, x.status, x.decided, x.has_entry, x.ledger) c
   GROUP BY x.batch_id
  ON CONFLICT (batch_id) DO UPDATE SET
    approved_lines = r.approved_lines + EXCLUDED.approved_lines, approved_fen = r.approved_fen + EXCLUDED.approved_fen,
    paid_lines = r.paid_lines + EXCLUDED.paid_lines, paid_fen = r.paid_fen + EXCLUDED.paid_fen,
    returned_lines = r.returned_lines + EXCLUDED.returned_lines, returned_fen = r.returned_fen + EXCLUDED.returned_fen,
    waiting_lines = r.waiting_lines + EXCLUDED.waiting_lines, waiting_fen = r.waiting_fen + EXCLUDED.waiting_fen,
    ledger_net_fen = r.ledger_net_fen + EXCLUDED.ledger_net_fen, decided_paid_fen = r.decided_paid_fen + EXCLUDED.decided_paid_fen,
    decided_returned_fen = r.decided_returned_fen + EXCLUDED.decided_returned_fen, differing = r.differing + EXCLUDED.differing
$$;

-- Lines written, changed or deleted: the old rows taken away, the new ones added, each with its
-- ledger as it stands (a statement on batch_line writes no ledger entry). An update that changes
-- nothing counted (a receipt's photo, a call-back) adds and takes away the same figures.
CREATE FUNCTION batch_recon_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM batch_recon_add(ARRAY(
      SELECT ROW(l.batch_id, 1, coalesce(l.adjusted_amount_fen, l.amount_fen), l.payment_status, l.payment_return_id IS NOT NULL,
                 e.id IS NOT NULL, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::batch_recon_line
        FROM new_lines l LEFT JOIN ledger_entry e ON e.batch_line_id = l.id LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
       WHERE NOT l.removed));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM batch_recon_add(ARRAY(
      SELECT ROW(l.batch_id, -1, coalesce(l.adjusted_amount_fen, l.amount_fen), l.payment_status, l.payment_return_id IS NOT NULL,
                 e.id IS NOT NULL, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::batch_recon_line
        FROM old_lines l LEFT JOIN ledger_entry e ON e.batch_line_id = l.id LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
       WHERE NOT l.removed));
  ELSE
    PERFORM batch_recon_add(ARRAY(
      SELECT ROW(l.batch_id, l.sign, coalesce(l.adjusted_amount_fen, l.amount_fen), l.payment_status, l.payment_return_id IS NOT NULL,
                 e.id IS NOT NULL, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::batch_recon_line
        FROM (SELECT n.*, 1 AS sign FROM new_lines n WHERE NOT n.removed
              UNION ALL
              SELECT o.*, -1 FROM old_lines o WHERE NOT o.removed) l
        LEFT JOIN ledger_entry e ON e.batch_line_id = l.id LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id));
  END IF;
  RETURN NULL;
END $$;

-- Entries written: each line with a new entry, or whose entry a new entry reverses, is taken away as
-- it stood before this statement (without the new entries) and added as it stands now.
CREATE FUNCTION batch_recon_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM batch_recon_add(ARRAY(
    WITH touched AS (
      SELECT n.batch_line_id AS line_id FROM new_entries n WHERE n.batch_line_id IS NOT NULL
      UNION
      SELECT e.batch_line_id FROM new_entries n JOIN ledger_entry e ON e.id = n.reverses_entry_id WHERE e.batch_line_id IS NOT NULL
    )
    SELECT ROW(l.batch_id, s.sign, coalesce(l.adjusted_amount_fen, l.amount_fen), l.payment_status, l.payment_return_id IS NOT NULL,
               s.has_entry, s.ledger)::batch_recon_line
      FROM touched t JOIN batch_line l ON l.id = t.line_id
      JOIN ledger_entry e ON e.batch_line_id = l.id LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
      LEFT JOIN new_entries ne ON ne.id = e.id LEFT JOIN new_entries nv ON nv.id = v.id
     CROSS JOIN LATERAL (VALUES (1, true, e.amount_fen + coalesce(v.amount_fen, 0)),
                                (-1, ne.id IS NULL, CASE WHEN ne.id IS NULL THEN e.amount_fen + coalesce(v.amount_fen, 0) - coalesce(nv.amount_fen, 0) ELSE 0 END)
                        ) s (sign, has_entry, ledger)
     WHERE NOT l.removed));
  RETURN NULL;
END $$;

ALTER FUNCTION batch_recon_lines() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION batch_recon_entries() SECURITY DEFINER SET search_path = public, pg_temp;

-- Every batch from its lines, set-based: one batch_recon_add() per batch.
CREATE FUNCTION batch_recon_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM batch_recon;
  PERFORM batch_recon_add(array_agg(ROW(l.batch_id, 1, coalesce(l.adjusted_amount_fen, l.amount_fen), l.payment_status, l.payment_return_id IS NOT NULL,
                                        e.id IS NOT NULL, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0))::batch_recon_line))
     FROM batch_line l LEFT JOIN ledger_entry e ON e.batch_line_id = l.id LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
    WHERE NOT l.removed
    GROUP BY l.batch_id;
  ANALYZE batch_recon;
END $$;
REVOKE ALL ON FUNCTION batch_recon_add(batch_recon_line[]), batch_recon_rebuild() FROM PUBLIC;

CREATE TRIGGER batch_line_recon_insert AFTER INSERT ON batch_line
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION batch_recon_lines();
CREATE TRIGGER batch_line_recon_delete AFTER DELETE ON batch_line
  REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION batch_recon_lines();
CREATE TRIGGER batch_line_recon_change AFTER UPDATE ON batch_line
  REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION batch_recon_lines();
CREATE TRIGGER ledger_entry_batch_recon AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION batch_recon_entries();

COMMENT ON TRIGGER batch_line_recon_insert ON batch_line IS
  'bangfu:rebuild batch_recon_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER batch_line_recon_delete ON batch_line IS
  'bangfu:rebuild batch_recon_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER batch_line_recon_change ON batch_line IS
  'bangfu:rebuild batch_recon_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';
COMMENT ON TRIGGER ledger_entry_batch_recon ON ledger_entry IS
  'bangfu:rebuild batch_recon_rebuild() — a bulk load may leave this trigger off and call the function once after its last row';

SELECT batch_recon_rebuild();
