import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AidType } from "@/lib/generated/prisma/enums";
import { formatFen } from "@/lib/money/money";
import { yearBounds } from "./db";

// An annual cap counts, for the calendar year of the entry date (dates are Shanghai calendar
// dates): approved ledger entries net of reversals, pending single requests, and the lines of
// batches waiting for approval. Per household, or per student for 助学. Callers hold the file's
// lock (lockFile) so that two requests cannot both fit under the same remaining amount.

export type TUsageKey = { aidType: AidType; entryDate: string; perStudent: boolean; excludeDisbursementId?: string; excludeBatchId?: string };

/**
 * The usage rows (file_id, student, amount_fen) counted against caps, for the files `fileIds`
 * selects (a SQL subquery). One definition for single requests, batch building and approval.
 */
export function usageRowsSql(key: TUsageKey, fileIds: Prisma.Sql): Prisma.Sql {
  const { year } = yearBounds(key.entryDate);
  const from = `${year}-01-01`;
  const to = `${year + 1}-01-01`;
  const excludeDisbursement = key.excludeDisbursementId ?? "00000000-0000-0000-0000-000000000000";
  const excludeBatch = key.excludeBatchId ?? "00000000-0000-0000-0000-000000000000";
  return Prisma.sql`
    SELECT e.file_id, e.student_resident_id, e.amount_fen FROM ledger_entry e
     WHERE e.aid_type = ${key.aidType}::aid_type AND e.entry_date >= ${from}::date AND e.entry_date < ${to}::date AND e.file_id IN (${fileIds})
    UNION ALL
    SELECT d.file_id, d.student_resident_id, d.amount_fen FROM disbursement d
     WHERE d.status = 'PENDING' AND d.reverses_entry_id IS NULL AND d.aid_type = ${key.aidType}::aid_type
       AND d.entry_date >= ${from}::date AND d.entry_date < ${to}::date AND d.file_id IN (${fileIds}) AND d.id <> ${excludeDisbursement}::uuid
    UNION ALL
    SELECT l.file_id, l.student_resident_id, COALESCE(l.adjusted_amount_fen, l.amount_fen) FROM batch_line l
      JOIN disbursement_batch b ON b.id = l.batch_id
     WHERE b.status = 'SUBMITTED' AND NOT l.removed AND b.aid_type = ${key.aidType}::aid_type
       AND b.entry_date >= ${from}::date AND b.entry_date < ${to}::date AND l.file_id IN (${fileIds}) AND b.id <> ${excludeBatch}::uuid`;
}

/** What one household (or one of its students) has used of its cap this year. */
export async function capUsage(tx: TScopedTx, key: TUsageKey & { fileId: string; studentResidentId: string | null }): Promise<number> {
  const rows = usageRowsSql(key, Prisma.sql`SELECT ${key.fileId}::uuid WHERE ${tx.$fileInScope(Prisma.sql`${key.fileId}::uuid`)}`);
  const student = key.perStudent ? key.studentResidentId : null;
  const [row] = await tx.$queryRaw<[{ used: bigint | null }]>`
    SELECT SUM(amount_fen)::bigint AS used FROM (${rows}) u
     WHERE ${student}::text IS NULL OR u.student_resident_id = ${student}::text`;
  return Number(row?.used ?? 0);
}

export function overCapMessage(input: { used: number; amount: number; cap: number; perStudent: boolean; year: number }): string {
  const remaining = Math.max(0, input.cap - input.used);
  return (
    `超过年度上限：${input.year} 年${input.perStudent ? "该学生" : "该户"}已发放及待审批 ${formatFen(input.used)}，` +
    `上限 ${formatFen(input.cap)}，本次最多可发放 ${formatFen(remaining)}。`
  );
}
