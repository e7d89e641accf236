import type pg from "pg";

/**
 * The batches (all when none are named) whose kept row (batch_recon, migration 0064) differs from
 * their lines counted here, directly: paid = 已到账 or 已签收;
 * returned = 退回, 已重发, 已关闭 or 未领取 (no money with the household, so its entry must be reversed);
 * a line differs when it has no entry, or its entry plus reversal is not 0 for a returned line or
 * its amount for any other.
 */
export async function batchReconDifferences(db: pg.ClientBase, batchIds?: string[]) {
  const { rows } = await db.query(
    `WITH l AS (
       SELECT l.batch_id, coalesce(l.adjusted_amount_fen, l.amount_fen) AS amount,
              coalesce(l.payment_status IN ('PAID', 'SIGNED'), false) AS paid,
              coalesce(l.payment_status IN ('RETURNED', 'REISSUED', 'CLOSED', 'UNCLAIMED'), false) AS returned,
              e.id IS NOT NULL AS has_entry, coalesce(e.amount_fen, 0) + coalesce(v.amount_fen, 0) AS ledger
         FROM batch_line l LEFT JOIN ledger_entry e ON e.batch_line_id = l.id LEFT JOIN ledger_entry v ON v.reverses_entry_id = e.id
        WHERE NOT l.removed),
     counted AS (
       SELECT b.batch_id, count(l.amount)::int AS lines, coalesce(sum(l.amount), 0)::bigint AS fen,
              count(*) FILTER (WHERE paid)::int AS paid_lines, coalesce(sum(amount) FILTER (WHERE paid), 0)::bigint AS paid_fen,
              count(*) FILTER (WHERE returned)::int AS returned_lines, coalesce(sum(amount) FILTER (WHERE returned), 0)::bigint AS returned_fen,
              count(*) FILTER (WHERE NOT paid AND NOT returned)::int AS waiting_lines,
              coalesce(sum(amount) FILTER (WHERE NOT paid AND NOT returned), 0)::bigint AS waiting_fen,
              coalesce(sum(ledger), 0)::bigint AS ledger,
              count(*) FILTER (WHERE NOT has_entry OR ledger <> CASE WHEN returned THEN 0 ELSE amount END)::int AS differing
         FROM unnest($1::uuid[]) b (batch_id) LEFT JOIN l ON l.batch_id = b.batch_id GROUP BY b.batch_id),
     kept AS (
       SELECT b.batch_id, coalesce(k.approved_lines, 0) AS lines, coalesce(k.approved_fen, 0) AS fen, coalesce(k.paid_lines, 0) AS paid_lines,
              coalesce(k.paid_fen, 0) AS paid_fen, coalesce(k.returned_lines, 0) AS returned_lines, coalesce(k.returned_fen, 0) AS returned_fen,
              coalesce(k.waiting_lines, 0) AS waiting_lines, coalesce(k.waiting_fen, 0) AS waiting_fen, coalesce(k.ledger_net_fen, 0) AS ledger,
              coalesce(k.differing, 0) AS differing
         FROM unnest($1::uuid[]) b (batch_id) LEFT JOIN batch_recon k ON k.batch_id = b.batch_id)
     SELECT c.batch_id, to_jsonb(c) AS counted, to_jsonb(k) AS kept FROM counted c JOIN kept k USING (batch_id)
      WHERE to_jsonb(c) <> to_jsonb(k)`,
    [batchIds ?? (await db.query<{ id: string }>("SELECT id FROM disbursement_batch")).rows.map((r) => r.id)],
  );
  return rows;
}
