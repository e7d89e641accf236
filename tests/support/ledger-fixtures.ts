// Ledger rows written directly, for tests of what reads the ledger (reports, the workbench, exports):
// the approval flow itself is tested through the domain functions in ledger.test.ts. What is written
// is what an approval leaves behind, so every database rule still applies (maker–checker CHECKs,
// 专款专用 triggers, exact reversals) and the trigger-kept totals follow.
import type pg from "pg";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";

/** A connected client, or a function running one statement (the e2e suite's `sql`, crash-recovery's `query`). */
export type TSql = pg.ClientBase | (<T extends pg.QueryResultRow>(text: string, values: unknown[]) => Promise<T[]>);

async function run<T extends pg.QueryResultRow>(db: TSql, text: string, values: unknown[]): Promise<T[]> {
  return typeof db === "function" ? db<T>(text, values) : (await db.query<T>(text, values)).rows;
}

export type TApprovedPayment = {
  fileId: string;
  /** The organisation that pays (a ledger entry keeps it after the file moves). */
  organisationId: string;
  aidType: AidType;
  fundSource: FundSource;
  /** In fen; negative for a reversal. */
  amountFen: number;
  /** YYYY-MM-DD; the database's current_date when left out. */
  entryDate?: string;
  purpose: string;
  studentResidentId?: string | null;
  recordedById: string;
  approvedById: string;
  /** Makes it a reversal of that entry, with the reason an official gave. */
  reverses?: { entryId: string; reason: string };
};

/** An APPROVED single disbursement and the ledger entry its approval writes, in one statement. */
export async function insertApprovedPayment(db: TSql, p: TApprovedPayment): Promise<{ entryId: string; disbursementId: string }> {
  const [row] = await run<{ entry_id: string; disbursement_id: string }>(
    db,
    `WITH d AS (
       INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose,
                                 student_resident_id, reverses_entry_id, status, recorded_by_id, decided_by_id, decided_at)
       VALUES (gen_random_uuid(), $1, $2, $3::aid_type, $4::fund_source, $5, COALESCE($6::date, current_date), $7, $8, $9, 'APPROVED', $10, $11, now())
       RETURNING id, entry_date)
     INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, student_resident_id,
                               reverses_entry_id, reason, recorded_by_id, approved_by_id, disbursement_id)
     SELECT $2, $1, $3::aid_type, $4::fund_source, $5, d.entry_date, $7, $8, $9, $12, $10, $11, d.id FROM d
     RETURNING id AS entry_id, disbursement_id`,
    [
      p.fileId,
      p.organisationId,
      p.aidType,
      p.fundSource,
      p.amountFen,
      p.entryDate ?? null,
      p.purpose,
      p.studentResidentId ?? null,
      p.reverses?.entryId ?? null,
      p.recordedById,
      p.approvedById,
      p.reverses?.reason ?? null,
    ],
  );
  return { entryId: row!.entry_id, disbursementId: row!.disbursement_id };
}

/**
 * A reversal of `entryId` for the payment's outcome — the bank returned it (BANK_RETURN) or it was
 * not collected (UNCLAIMED) — as the return-file reconciliation writes it: an approved reversing
 * disbursement and its entry, by the original's recorder and approver, on `entryDate` (the
 * original's date when left out).
 */
export async function insertOutcomeReversal(db: TSql, entryId: string, kind: "BANK_RETURN" | "UNCLAIMED", entryDate?: string) {
  await run(
    db,
    `WITH o AS (SELECT * FROM ledger_entry WHERE id = $1),
     d AS (INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, reverses_entry_id,
                                     status, recorded_by_id, decided_by_id, decided_at)
           SELECT gen_random_uuid(), file_id, organisation_id, aid_type, fund_source, -amount_fen, COALESCE($3::date, entry_date), '银行退回：账户不存在', id,
                  'APPROVED', recorded_by_id, approved_by_id, now() FROM o RETURNING id, entry_date)
     INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, reverses_entry_id, reason, reversal_kind,
                               recorded_by_id, approved_by_id, disbursement_id)
     SELECT o.organisation_id, o.file_id, o.aid_type, o.fund_source, -o.amount_fen, d.entry_date, '退回：' || o.purpose, o.id, '账户不存在', $2::reversal_kind,
            o.recorded_by_id, o.approved_by_id, d.id FROM o, d`,
    [entryId, kind, entryDate ?? null],
  );
}

/**
 * `count` open files in one organisation, each with the holder's own bank account: enough
 * households for a batch of that many lines. File numbers BULK-1…, resident IDs 99000…1… (outside
 * any real region code, so they never meet the generated ones).
 */
export async function insertPayableFiles(
  db: TSql,
  options: { organisationId: string; count: number; caseworkerId: string; officialId: string; series?: number },
) {
  // A series (1–9) keeps several calls in one database apart: BULK3-…, resident IDs 993….
  const series = options.series === undefined ? "" : String(options.series);
  await run(
    db,
    `WITH files AS (
       INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
         worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at,
         civil_check_result, next_check_due)
       SELECT $1, 'BULK' || $5::text || '-' || g, 'OPEN', '{"members":[]}', '批量' || $5::text || g, '99' || $5::text || lpad(g::text, 16 - length($5::text), '0'), 1, 'COUNTY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP',
              $2, $2, now(), $3, now(), now(), 'CONSISTENT', CURRENT_DATE + 90
         FROM generate_series(1, $4::int) g RETURNING id, holder_name)
     INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id)
     SELECT id, $1, '天水农商银行', '622848000000' || lpad(row_number() OVER ()::text, 6, '0'), holder_name, $2 FROM files`,
    [options.organisationId, options.caseworkerId, options.officialId, options.count, series],
  );
}

/**
 * The kept sums of 资金额度使用情况 (allocation_spent_daily and allocation_spent_monthly, migration
 * 0065) beside the same sums counted from the entries: the rows that differ (none when they agree).
 */
export async function spentSumDifferences(db: TSql) {
  return run(
    db,
    `WITH e AS (
       SELECT paying_organisation_id, entry_date, fund_source, amount_fen,
              CASE WHEN reversal_kind = 'BANK_RETURN' THEN -amount_fen ELSE 0 END AS bank,
              CASE WHEN reversal_kind = 'UNCLAIMED' THEN -amount_fen ELSE 0 END AS unclaimed
         FROM ledger_entry),
     direct AS (
       SELECT 'D' AS grain, paying_organisation_id, entry_date AS day, fund_source, sum(amount_fen)::bigint AS spent, sum(bank)::bigint AS bank,
              sum(unclaimed)::bigint AS unclaimed
         FROM e GROUP BY 2, 3, 4
       UNION ALL
       SELECT 'M', paying_organisation_id, date_trunc('month', entry_date)::date, fund_source, sum(amount_fen)::bigint, sum(bank)::bigint, sum(unclaimed)::bigint
         FROM e GROUP BY 2, 3, 4),
     kept AS (
       SELECT 'D' AS grain, paying_organisation_id, entry_date AS day, fund_source, spent_fen AS spent, bank_returned_fen AS bank, unclaimed_fen AS unclaimed
         FROM allocation_spent_daily
       UNION ALL
       SELECT 'M', paying_organisation_id, month, fund_source, spent_fen, bank_returned_fen, unclaimed_fen FROM allocation_spent_monthly)
     SELECT d.grain, d.day::text, d.fund_source::text, d.spent::text, k.spent::text AS kept_spent, d.bank::text, k.bank::text AS kept_bank,
            d.unclaimed::text, k.unclaimed::text AS kept_unclaimed
       FROM direct d FULL JOIN kept k USING (grain, paying_organisation_id, day, fund_source)
      WHERE (d.spent, d.bank, d.unclaimed) IS DISTINCT FROM (k.spent, k.bank, k.unclaimed)`,
    [],
  );
}
