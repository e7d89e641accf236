import "server-only";
import { prisma } from "@/lib/db/client";

// 疑似重复与冒领: signals for auditors, raised by the daily calendar job incrementally. Shared bank
// account: the account numbers of accounts recorded since the watermark (bank_account_created_at_idx)
// are each looked up among the current accounts (bank_account_current_number_idx) — an index probe
// per new account, never a cross join of all accounts. A signal is one fact set (the number and the
// sorted files that hold it now): once resolved it comes back only if that set changes.

export const SIGNAL_WATERMARK = "suspect-signals";
const OVERLAP_MINUTES = 30;

export async function raiseSignals(today: string): Promise<Record<string, { created: number; closed: number }>> {
  const [{ upto }] = await prisma.$queryRaw<[{ upto: Date }]>`SELECT now() AS upto`;
  const mark = await prisma.warningWatermark.findUnique({ where: { name: SIGNAL_WATERMARK } });
  const from = mark ? new Date(mark.seenUntil.getTime() - OVERLAP_MINUTES * 60_000) : new Date(0);
  const created = await prisma.$executeRaw`
    WITH touched AS (
      SELECT DISTINCT account_number FROM bank_account WHERE created_at > ${from} AND created_at <= ${upto} AND superseded_at IS NULL
    ), groups AS (
      SELECT t.account_number, array_agg(DISTINCT b.file_id ORDER BY b.file_id) AS files
        FROM touched t JOIN bank_account b ON b.account_number = t.account_number AND b.superseded_at IS NULL
       GROUP BY t.account_number HAVING count(DISTINCT b.file_id) > 1
    ), ins AS (
      INSERT INTO suspect_signal (kind, subject, fingerprint, reason, raised_on)
      SELECT 'SHARED_ACCOUNT', g.account_number, array_to_string(g.files, ','),
             '银行账号 ' || left(g.account_number, 4) || '****' || right(g.account_number, 4) || ' 同时登记为 ' || cardinality(g.files) || ' 户档案的收款账户',
             ${today}::date
        FROM groups g
      ON CONFLICT DO NOTHING
      RETURNING id, subject, fingerprint
    )
    INSERT INTO suspect_signal_file (signal_id, file_id, detail)
    SELECT ins.id, b.file_id,
           jsonb_build_object('bankAccountId', b.id, 'bankName', b.bank_name, 'accountHolder', b.account_holder,
                              'recordedAt', b.created_at, 'organisationId', b.organisation_id)
      FROM ins JOIN bank_account b ON b.account_number = ins.subject AND b.superseded_at IS NULL
                                  AND b.file_id = ANY (string_to_array(ins.fingerprint, ',')::uuid[])`;
  await prisma.warningWatermark.upsert({ where: { name: SIGNAL_WATERMARK }, create: { name: SIGNAL_WATERMARK, seenUntil: upto }, update: { seenUntil: upto } });
  // Rows of signal files, one per file of each new signal: the signals are those rows' distinct signals.
  return { "疑似冒领：多户共用银行账户": { created, closed: 0 } };
}
