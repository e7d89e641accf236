import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

// 未领取: cash or goods not collected. The line's ledger entry is reversed (the exact negative,
// reverses_entry_id, reversal_kind 'UNCLAIMED', the reason) and the line marked UNCLAIMED, in one
// statement — only lines still WAITING, so a line signed meanwhile is left alone and a line is
// never reversed twice (reverses_entry_id is UNIQUE as well). The reversal is recorded by the
// batch's submitter and approved by its approver: it undoes exactly what they put in the ledger,
// and ledger_entry_maker_checker needs two different people.

type TRaw = { $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Prisma.PrismaPromise<T> };

/**
 * Reverses the WAITING cash / goods lines that `lines` (a fragment over batch_line `l`, with its
 * scope) selects; returns the batches touched and how many lines each.
 */
export async function reverseUnclaimedLines(db: TRaw, lines: Prisma.Sql, reason: string, entryDate: string) {
  return db.$queryRaw<Array<{ batch_id: string; organisation_id: string; reversed: number }>>`
    WITH target AS (
      SELECT l.id AS line_id, l.batch_id, e.id AS entry_id, b.submitted_by_id, b.approved_by_id
        FROM batch_line l
        JOIN disbursement_batch b ON b.id = l.batch_id
        JOIN ledger_entry e ON e.batch_line_id = l.id AND e.file_id = l.file_id
       WHERE l.payment_status = 'WAITING' AND NOT l.removed AND b.payment_method IN ('CASH', 'IN_KIND') AND b.status = 'APPROVED'
         AND ${lines}
       ORDER BY l.id
         FOR NO KEY UPDATE OF l
    ),
    reversed AS (
      INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, student_resident_id,
                                bank_account_id, reverses_entry_id, reason, recorded_by_id, approved_by_id, reversal_kind)
      SELECT e.organisation_id, e.file_id, e.aid_type, e.fund_source, -e.amount_fen, ${entryDate}::date, e.purpose, e.student_resident_id,
             e.bank_account_id, e.id, ${reason}, t.submitted_by_id, t.approved_by_id, 'UNCLAIMED'
        FROM target t JOIN ledger_entry e ON e.id = t.entry_id
      RETURNING reverses_entry_id
    ),
    marked AS (
      UPDATE batch_line l SET payment_status = 'UNCLAIMED', payment_reason = ${reason}, payment_updated_at = now()
        FROM target t WHERE l.id = t.line_id
      RETURNING l.batch_id
    )
    SELECT m.batch_id::text AS batch_id, b.organisation_id::text AS organisation_id, count(*)::int AS reversed
      FROM marked m JOIN disbursement_batch b ON b.id = m.batch_id
     GROUP BY m.batch_id, b.organisation_id`;
}
