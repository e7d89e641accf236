import "server-only";
import { canApproveBatch, canEditBatch, canRejectBatch, canSubmitBatch, mayDecideAid, mayRecordAid } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { claimRow } from "@/lib/data/row-lock";
import { assertOrganisationInScope, scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, dateOnlyString } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { BatchStatus } from "@/lib/generated/prisma/enums";
import { markReissued } from "@/lib/payments/returned-lines";
import { pausePoint } from "@/lib/testing/pause-point";
import { rethrowShortfall } from "@/lib/allocations/balance";
import { aidPolicyFor, aidPolicySql, assertFundMayPay } from "./aid-policy";
import { capUsage, overCapMessage, usageRowsSql } from "./caps";
import { yearBounds } from "./db";
import { BATCH_STATUS_LABELS, IN_SCHOOL_EDUCATION } from "./labels";
import type { TAdjustLineInput, TBatchRef, TCreateBatchInput, TRejectBatchInput, TRemoveLineInput, TRestoreLineInput } from "./schemas";

// A batch (批量发放) lists every eligible open file in an organisation's subtree with its amount,
// built by one INSERT … SELECT; the caseworker removes or adjusts lines with a reason, an official
// other than the maker approves it — which writes all its ledger entries with one INSERT … SELECT
// in the same transaction. The batch is 已发放 when every line's payment is settled (the bank's return
// file, lib/payments), not at a click. 10,000 lines take about a second each way.

type TBatchRow = Awaited<ReturnType<TScopedTx["disbursementBatch"]["findUniqueOrThrow"]>>;

const money = (column: Prisma.Sql) => Prisma.sql`'¥' || to_char(${column} / 100.0, 'FM999,999,999,990.00')`;

async function loadBatch(tx: TScopedTx, ref: TBatchRef, from: BatchStatus[]): Promise<TBatchRow> {
  await claimRow(tx, "disbursement_batch", ref.batchId);
  const batch = await tx.disbursementBatch.findUnique({ where: { id: ref.batchId } });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  if (batch.version !== ref.expectedVersion || !from.includes(batch.status)) {
    throw new ConflictError(`该批次已被他人处理，当前状态为“${BATCH_STATUS_LABELS[batch.status]}”。请刷新页面查看最新情况。`);
  }
  return batch;
}

/** Moves the batch on, with its status and version in the WHERE: of two people acting at once, one wins. */
async function advance(tx: TScopedTx, batch: TBatchRow, data: Prisma.DisbursementBatchUncheckedUpdateManyInput) {
  const { count } = await tx.disbursementBatch.updateMany({
    where: { id: batch.id, status: batch.status, version: batch.version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count !== 1) throw new ConflictError("该批次刚被他人处理，请刷新页面查看最新情况。");
}

const entryDateOf = (batch: { entryDate: Date }) => dateOnlyString(batch.entryDate);

/** 按规则生成发放名单: the batch and all its lines in one transaction. */
export async function createBatch(actor: TActor, input: TCreateBatchInput): Promise<{ batchId: string; repeated: boolean; lineCount: number }> {
  enforce(mayRecordAid(actor));
  await assertOrganisationInScope(actor, input.organisationId);
  const db = scopedDb(actor);
  const existing = await db.disbursementBatch.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true, createdById: true } });
  if (existing) {
    if (existing.createdById !== actor.userId) throw new ConflictError("提交标识已被使用，请刷新页面后重新填写。");
    return { batchId: existing.id, repeated: true, lineCount: await db.batchLine.count({ where: { batchId: existing.id } }) };
  }
  try {
    return await db.$transaction(
      async (tx) => {
        const org = await tx.organisation.findUniqueOrThrow({ where: { id: input.organisationId }, select: { path: true, regionCode: true } });
        await assertFundMayPay(tx, input.fundSource, input.aidType, org.regionCode, input.entryDate);
        // The policy must exist for this type and date (its standard is used when none is given).
        const anyPolicy = await aidPolicyFor(tx, input.aidType, null, org.regionCode, input.entryDate).catch(() => null);
        const byStudent = input.aidType === "EDUCATION" || anyPolicy?.capPer === "STUDENT";
        const batch = await tx.disbursementBatch.create({
          data: {
            idempotencyKey: input.idempotencyKey,
            organisationId: input.organisationId,
            name: input.name,
            aidType: input.aidType,
            fundSource: input.fundSource,
            standardAmountFen: input.standardAmountFen ?? null,
            entryDate: dateOnly(input.entryDate),
            purpose: input.purpose,
            tiers: input.tiers,
            fileLevels: input.fileLevels,
            createdById: actor.userId,
            paymentMethod: input.paymentMethod,
            goodsDescription: input.paymentMethod === "IN_KIND" ? input.goodsDescription!.trim() : null,
          },
          select: { id: true },
        });
        const lineCount = await insertLines(tx, {
          batchId: batch.id,
          orgPath: org.path,
          aidType: input.aidType,
          entryDate: input.entryDate,
          standardAmountFen: input.standardAmountFen ?? null,
          tiers: input.tiers,
          fileLevels: input.fileLevels,
          byStudent,
          needsAccount: input.paymentMethod === "BANK",
        });
        await recordAudit(tx, actor, {
          action: "ledger.create-batch",
          entityType: "disbursement_batch",
          entityId: batch.id,
          organisationId: input.organisationId,
          detail: { name: input.name, aidType: input.aidType, lineCount },
        });
        return { batchId: batch.id, repeated: false, lineCount };
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (!isUniqueViolation(error, "idempotency_key")) throw error;
    const first = await db.disbursementBatch.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true } });
    if (!first) throw new ConflictError("提交标识已被使用，请刷新页面后重新填写。");
    return { batchId: first.id, repeated: true, lineCount: await db.batchLine.count({ where: { batchId: first.id } }) };
  }
}

type TLineRule = {
  batchId: string;
  orgPath: string;
  aidType: string;
  entryDate: string;
  standardAmountFen: number | null;
  tiers: string[];
  fileLevels: string[];
  byStudent: boolean;
  /** Only a bank batch needs the holder's own account; cash and goods are handed over against a signature. */
  needsAccount: boolean;
};

/**
 * Every eligible file in the subtree (aid_status_eligible, tiers, levels), one line per household
 * or per in-school student, priced by the rule or the policy standard for the file's level. Lines
 * that cannot be paid are listed already removed, with the reason: no standard, no bank account
 * of the holder's own (实名制), or over the annual cap.
 */
async function insertLines(tx: TScopedTx, rule: TLineRule): Promise<number> {
  const files = Prisma.sql`
    SELECT f.id FROM household_file f JOIN organisation o ON o.id = f.organisation_id
     WHERE o.path LIKE ${`${rule.orgPath}%`} AND ${tx.$orgInScope(Prisma.sql`f.organisation_id`)}
       AND (cardinality(${rule.tiers}::tier[]) = 0 OR f.tier = ANY(${rule.tiers}::tier[]))
       AND (cardinality(${rule.fileLevels}::file_level[]) = 0 OR f.file_level = ANY(${rule.fileLevels}::file_level[]))`;
  const usage = usageRowsSql({ aidType: rule.aidType as never, entryDate: rule.entryDate, perStudent: rule.byStudent, excludeBatchId: rule.batchId }, files);
  const inSchool = [...IN_SCHOOL_EDUCATION];
  return tx.$executeRaw`
    WITH candidates AS (
      SELECT f.id AS file_id, f.organisation_id, f.file_level, f.tier, f.status, NULL::text AS student, fo.region_code
        FROM household_file f JOIN organisation fo ON fo.id = f.organisation_id WHERE f.id IN (${files}) AND NOT ${rule.byStudent}::boolean
      UNION ALL
      SELECT f.id, f.organisation_id, f.file_level, f.tier, f.status, m->>'residentId', fo.region_code
        FROM household_file f JOIN organisation fo ON fo.id = f.organisation_id CROSS JOIN LATERAL jsonb_array_elements(f.data->'members') m
       WHERE f.id IN (${files}) AND ${rule.byStudent}::boolean AND m->>'education' = ANY(${inSchool}::text[]) AND m->>'residentId' IS NOT NULL
    ),
    used AS (
      SELECT file_id, CASE WHEN ${rule.byStudent}::boolean THEN student_resident_id END AS student, SUM(amount_fen) AS used
        FROM (${usage}) u GROUP BY 1, 2
    ),
    priced AS (
      SELECT c.*, COALESCE(${rule.standardAmountFen}::integer, p.standard_amount_fen) AS amount, p.annual_cap_fen AS cap,
             ba.id AS bank_account_id, COALESCE(u.used, 0) AS used
        FROM candidates c
        LEFT JOIN LATERAL (${aidPolicySql(rule.aidType, rule.entryDate, Prisma.sql`c.file_level`, Prisma.sql`c.region_code`)}) p ON true
        LEFT JOIN bank_account ba ON ba.file_id = c.file_id AND ba.superseded_at IS NULL
        LEFT JOIN used u ON u.file_id = c.file_id AND u.student IS NOT DISTINCT FROM c.student
       WHERE aid_status_eligible(c.status, COALESCE(p.allowed_in_observation, false))
    )
    INSERT INTO batch_line (batch_id, file_id, organisation_id, student_resident_id, bank_account_id, amount_fen, removed, removed_reason, tier, file_level)
    SELECT ${rule.batchId}::uuid, file_id, organisation_id, student, bank_account_id, COALESCE(amount, 0), reason IS NOT NULL, reason, tier, file_level
      FROM (
        SELECT priced.*, CASE
          WHEN amount IS NULL THEN '没有适用的发放标准'
          WHEN amount > 0 AND bank_account_id IS NULL AND ${rule.needsAccount}::boolean THEN '未登记本人银行账户（实名制）'
          WHEN cap IS NOT NULL AND used + amount > cap THEN '超过年度上限：本年已发放及待审批 ' || ${money(Prisma.sql`used`)} || '，上限 ' || ${money(Prisma.sql`cap`)}
        END AS reason
        FROM priced
      ) lines`;
}

async function lineInDraft(tx: TScopedTx, batch: TBatchRow, lineId: string) {
  const line = await tx.batchLine.findUnique({ where: { id: lineId } });
  if (!line || line.batchId !== batch.id) throw new NotFoundError("名单中没有这一行，请刷新页面。");
  return line;
}

/** Checks a line's new amount against its cap (lines of this draft are not yet counted anywhere). */
async function assertLineWithinCap(tx: TScopedTx, batch: TBatchRow, line: { fileId: string; studentResidentId: string | null }, amountFen: number) {
  const file = await tx.householdFile.findUniqueOrThrow({
    where: { id: line.fileId },
    select: { fileLevel: true, organisation: { select: { regionCode: true } } },
  });
  const entryDate = entryDateOf(batch);
  const policy = await aidPolicyFor(tx, batch.aidType, file.fileLevel, file.organisation.regionCode, entryDate);
  if (policy.annualCapFen === null) return;
  const byStudent = batch.aidType === "EDUCATION" || policy.capPer === "STUDENT";
  const used = await capUsage(tx, {
    fileId: line.fileId,
    aidType: batch.aidType,
    entryDate,
    perStudent: byStudent,
    studentResidentId: line.studentResidentId,
    excludeBatchId: batch.id,
  });
  if (used + amountFen > policy.annualCapFen) {
    throw new DomainError(
      overCapMessage({ used, amount: amountFen, cap: policy.annualCapFen, perStudent: byStudent, year: yearBounds(entryDate).year }),
      "OVER_CAP",
      { amountFen: "超过年度上限" },
    );
  }
}

async function editLine(
  actor: TActor,
  ref: TBatchRef,
  lineId: string,
  action: string,
  edit: (tx: TScopedTx, batch: TBatchRow, line: Awaited<ReturnType<typeof lineInDraft>>) => Promise<Prisma.BatchLineUncheckedUpdateInput>,
) {
  enforce(mayRecordAid(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const batch = await loadBatch(tx, ref, ["DRAFT"]);
    enforce(canEditBatch(actor, batch));
    const line = await lineInDraft(tx, batch, lineId);
    const data = await edit(tx, batch, line);
    await tx.batchLine.update({ where: { id: line.id }, data });
    await advance(tx, batch, {});
    await recordAudit(tx, actor, {
      action,
      entityType: "batch_line",
      entityId: line.id,
      organisationId: batch.organisationId,
      detail: { batchId: batch.id, ...(data as object) } as Prisma.InputJsonValue,
    });
    return { batchId: batch.id };
  });
}

export async function adjustLine(actor: TActor, input: TAdjustLineInput) {
  return editLine(actor, input, input.lineId, "ledger.adjust-batch-line", async (tx, batch, line) => {
    if (line.removed) throw new DomainError("该行已移出名单，请先恢复再调整金额。", "LINE_REMOVED");
    if (input.amountFen === 0) throw new DomainError("如不发放，请将该行移出名单。", "INVALID", { amountFen: "金额须大于 0" });
    await assertLineWithinCap(tx, batch, line, input.amountFen);
    return { adjustedAmountFen: input.amountFen, adjustReason: input.reason };
  });
}

export async function removeLine(actor: TActor, input: TRemoveLineInput) {
  return editLine(actor, input, input.lineId, "ledger.remove-batch-line", async (_tx, _batch, line) => {
    if (line.removed) throw new DomainError("该行已移出名单。", "LINE_REMOVED");
    return { removed: true, removedReason: input.reason };
  });
}

/** Puts a removed line back, with the holder's current account: it must now be payable. */
export async function restoreLine(actor: TActor, input: TRestoreLineInput) {
  return editLine(actor, input, input.lineId, "ledger.restore-batch-line", async (tx, batch, line) => {
    if (!line.removed) throw new DomainError("该行不在移出名单中。", "LINE_NOT_REMOVED");
    const amount = line.adjustedAmountFen ?? line.amountFen;
    if (amount === 0 && batch.standardAmountFen === null) throw new DomainError("该档案级别没有发放标准，请先调整金额。", "NO_STANDARD");
    const account = await tx.bankAccount.findFirst({ where: { fileId: line.fileId, supersededAt: null }, select: { id: true } });
    if (amount > 0 && !account && batch.paymentMethod === "BANK")
      throw new DomainError("该户尚未登记建档职工本人的银行账户（实名制），不能恢复。", "NO_BANK_ACCOUNT");
    await assertLineWithinCap(tx, batch, line, amount);
    return { removed: false, removedReason: null, bankAccountId: account?.id ?? null };
  });
}

export async function submitBatch(actor: TActor, ref: TBatchRef) {
  enforce(mayRecordAid(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const batch = await loadBatch(tx, ref, ["DRAFT"]);
    enforce(canSubmitBatch(actor, batch));
    const included = await tx.batchLine.count({ where: { batchId: batch.id, removed: false } });
    if (included === 0) throw new DomainError("名单中没有可发放的对象，不能提交。", "EMPTY_BATCH");
    await advance(tx, batch, { status: "SUBMITTED", submittedById: actor.userId, submittedAt: new Date(), rejectionReason: null, rejectedById: null });
    await recordAudit(tx, actor, {
      action: "ledger.submit-batch",
      entityType: "disbursement_batch",
      entityId: batch.id,
      organisationId: batch.organisationId,
      detail: { lines: included },
    });
    return { batchId: batch.id };
  });
}

export async function rejectBatch(actor: TActor, input: TRejectBatchInput) {
  enforce(mayDecideAid(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const batch = await loadBatch(tx, input, ["SUBMITTED"]);
    enforce(canRejectBatch(actor, batch));
    // The submitter stays on the row beside the rejecter, so the CHECK disbursement_batch_rejecter_not_maker can compare them.
    await advance(tx, batch, { status: "DRAFT", rejectionReason: input.reason, rejectedById: actor.userId });
    await recordAudit(tx, actor, {
      action: "ledger.reject-batch",
      entityType: "disbursement_batch",
      entityId: batch.id,
      organisationId: batch.organisationId,
      detail: { reason: input.reason },
    });
    return { batchId: batch.id };
  });
}

/**
 * 审批: re-checks every line (file still eligible, cap not exceeded given what was approved since)
 * and writes all the ledger entries with one INSERT … SELECT. The files are locked first, so a
 * single request for one of them waits for this approval and then counts it.
 * The approving official's union pays: its allocation for the fund and the year of the entry date
 * must hold the batch's total (trigger ledger_entry_spend, 0031_allocations), or nothing is written.
 */
export async function approveBatch(actor: TActor, ref: TBatchRef) {
  enforce(mayDecideAid(actor));
  return scopedDb(actor)
    .$transaction(
      async (tx) => {
        const batch = await loadBatch(tx, ref, ["SUBMITTED"]);
        enforce(canApproveBatch(actor, batch));
        const lines = Prisma.sql`SELECT file_id FROM batch_line WHERE batch_id = ${batch.id}::uuid AND NOT removed AND ${tx.$fileInScope(Prisma.sql`file_id`)}`;
        // The lock of the files in scope (count(*) only runs the locking sub-select to its end without
        // sending 10,000 ids back). The file rows are read to be locked anyway, so the scope is tested
        // on their own organisation, not by a second probe of household_file per line.
        await tx.$queryRaw`
        SELECT count(*)::int AS n FROM (
          SELECT f.id FROM household_file f
           WHERE f.id IN (SELECT file_id FROM batch_line WHERE batch_id = ${batch.id}::uuid AND NOT removed) AND ${tx.$orgInScope(Prisma.sql`f.organisation_id`)}
           ORDER BY f.id FOR NO KEY UPDATE) locked`;
        const entryDate = entryDateOf(batch);
        const org = await tx.organisation.findUniqueOrThrow({ where: { id: batch.organisationId }, select: { regionCode: true } });
        await assertFundMayPay(tx, batch.fundSource, batch.aidType, org.regionCode, entryDate);
        const byStudent =
          batch.aidType === "EDUCATION" || (await aidPolicyFor(tx, batch.aidType, null, org.regionCode, entryDate).catch(() => null))?.capPer === "STUDENT";
        const usage = usageRowsSql({ aidType: batch.aidType, entryDate, perStudent: byStudent, excludeBatchId: batch.id }, lines);
        const problems = await tx.$queryRaw<Array<{ holder_name: string | null; problem: string }>>`
        WITH used AS (
          SELECT file_id, CASE WHEN ${byStudent}::boolean THEN student_resident_id END AS student, SUM(amount_fen) AS used FROM (${usage}) u GROUP BY 1, 2
        )
        SELECT f.holder_name, CASE
          WHEN NOT aid_status_eligible(f.status, COALESCE(p.allowed_in_observation, false)) THEN '档案已不在档'
          ELSE '超过年度上限' END AS problem
          FROM batch_line l JOIN household_file f ON f.id = l.file_id JOIN organisation fo ON fo.id = f.organisation_id
          LEFT JOIN LATERAL (${aidPolicySql(batch.aidType, entryDate, Prisma.sql`f.file_level`, Prisma.sql`fo.region_code`)}) p ON true
          LEFT JOIN used u ON u.file_id = l.file_id AND u.student IS NOT DISTINCT FROM (CASE WHEN ${byStudent}::boolean THEN l.student_resident_id END)
         WHERE l.batch_id = ${batch.id}::uuid AND NOT l.removed AND ${tx.$fileInScope(Prisma.sql`l.file_id`)}
           AND (NOT aid_status_eligible(f.status, COALESCE(p.allowed_in_observation, false))
                OR (p.annual_cap_fen IS NOT NULL AND COALESCE(u.used, 0) + COALESCE(l.adjusted_amount_fen, l.amount_fen) > p.annual_cap_fen))
         LIMIT 6`;
        if (problems.length > 0) {
          const names = problems
            .slice(0, 5)
            .map((p) => `${p.holder_name ?? "—"}（${p.problem}）`)
            .join("、");
          throw new DomainError(
            `名单中有不能发放的对象：${names}${problems.length > 5 ? "等" : ""}。请退回批次，由经办人移出或调整后重新提交。`,
            "BATCH_LINES_INVALID",
          );
        }
        await advance(tx, batch, { status: "APPROVED", approvedById: actor.userId, approvedAt: new Date() });
        // One statement marks each included line as waiting for the bank's return file (or the signed
        // receipt list) and writes its entry: the lines and their scope are read once, not twice.
        // In file order, so the foreign-key probes of household_file walk its key in order.
        const created = await tx.$executeRaw`
        WITH waiting AS (
          UPDATE batch_line l SET payment_status = 'WAITING', payment_updated_at = now()
           WHERE l.batch_id = ${batch.id}::uuid AND NOT l.removed AND ${tx.$fileInScope(Prisma.sql`l.file_id`)}
          RETURNING l.id, l.batch_id, l.organisation_id, l.file_id, COALESCE(l.adjusted_amount_fen, l.amount_fen) AS amount_fen, l.student_resident_id, l.bank_account_id
        )
        INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, student_resident_id,
                                  bank_account_id, batch_line_id, recorded_by_id, approved_by_id)
        SELECT w.organisation_id, w.file_id, b.aid_type, b.fund_source, w.amount_fen, b.entry_date,
               b.name || '：' || b.purpose, w.student_resident_id, w.bank_account_id, w.id, b.submitted_by_id, ${actor.userId}::uuid
          FROM waiting w JOIN disbursement_batch b ON b.id = w.batch_id
         ORDER BY w.file_id`;
        // A line re-issuing a returned payment resolves that payment (退回后已重发).
        await markReissued(tx, actor, batch.id);
        await pausePoint("batch-approve");
        await recordAudit(tx, actor, {
          action: "ledger.approve-batch",
          entityType: "disbursement_batch",
          entityId: batch.id,
          organisationId: batch.organisationId,
          detail: { entries: created },
        });
        return { batchId: batch.id, entries: created };
      },
      { timeout: 60_000 },
    )
    .catch((error: unknown) => rethrowShortfall(actor, error, "本批次合计"));
}
