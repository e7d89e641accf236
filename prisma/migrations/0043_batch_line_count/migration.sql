-- Issue 28: the review page's 发放批次待审批 and 已审批、待发放 lists showed each batch's number of
-- lines through a relation count, which PostgreSQL answered by aggregating every row of batch_line
-- and then joining the 50 batches shown (a parallel sequential scan of ~100,000 pages, about 1 s at
-- 10,000,000 ledger entries) on every view of the page. The number of a batch's lines that are not
-- removed is kept on the batch instead, by statement-level triggers on batch_line: one UPDATE per
-- batch per statement, so adding 10,000 lines in one INSERT costs one row update, and an UPDATE
-- that does not change `removed` (payment outcomes, receipts) changes no batch.
ALTER TABLE disbursement_batch ADD COLUMN line_count integer NOT NULL DEFAULT 0;
ALTER TABLE disbursement_batch ADD CONSTRAINT disbursement_batch_line_count_check CHECK (line_count >= 0);

CREATE FUNCTION batch_line_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE disbursement_batch b SET line_count = b.line_count + d.n
    FROM (SELECT batch_id, count(*)::int AS n FROM new_lines WHERE NOT removed GROUP BY batch_id) d
   WHERE b.id = d.batch_id;
  RETURN NULL;
END $$;

CREATE FUNCTION batch_line_count_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE disbursement_batch b SET line_count = b.line_count - d.n
    FROM (SELECT batch_id, count(*)::int AS n FROM old_lines WHERE NOT removed GROUP BY batch_id) d
   WHERE b.id = d.batch_id;
  RETURN NULL;
END $$;

-- A line removed or restored, or (never done today) moved to another batch.
CREATE FUNCTION batch_line_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE disbursement_batch b SET line_count = b.line_count + d.n
    FROM (SELECT batch_id, sum(n)::int AS n
            FROM (SELECT batch_id, 1 AS n FROM new_lines WHERE NOT removed
                  UNION ALL
                  SELECT batch_id, -1 FROM old_lines WHERE NOT removed) x
           GROUP BY batch_id HAVING sum(n) <> 0) d
   WHERE b.id = d.batch_id;
  RETURN NULL;
END $$;

-- As the owner: the application role updates disbursement_batch only through its own statements.
ALTER FUNCTION batch_line_count_add() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION batch_line_count_remove() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION batch_line_count_update() SECURITY DEFINER SET search_path = public, pg_temp;

CREATE TRIGGER batch_line_count_insert AFTER INSERT ON batch_line
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION batch_line_count_add();
CREATE TRIGGER batch_line_count_delete AFTER DELETE ON batch_line
  REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION batch_line_count_remove();
CREATE TRIGGER batch_line_count_change AFTER UPDATE ON batch_line
  REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION batch_line_count_update();

-- The batches that exist: one pass over batch_line.
UPDATE disbursement_batch b SET line_count = c.n
  FROM (SELECT batch_id, count(*)::int AS n FROM batch_line WHERE NOT removed GROUP BY batch_id) c
 WHERE c.batch_id = b.id;
