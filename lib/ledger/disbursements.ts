import "server-only";
import { canApproveDisbursement, canRejectDisbursement, canReverseEntry, mayDecideAid, mayRecordAid } from "./rules";
import { rethrowShortfall } from "@/lib/allocations/balance";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { retryWhileTaken } from "@/lib/db/contention";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import type { TFilingData } from "@/lib/filing/schemas";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { addDays, dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { policyValue } from "@/lib/policy/policy";
import type { AidType } from "@/lib/generated/prisma/enums";
import { aidPolicyFor, assertFundMayPay, isStatusEligibleForAid, type TAidPolicy } from "./aid-policy";
import { capUsage, overCapMessage } from "./caps";
import { claimFileForRequest, loadFileForAid, lockFile, yearBounds } from "./db";
import { AID_TYPE_LABELS, DISBURSEMENT_STATUS_LABELS, IN_SCHOOL_EDUCATION } from "./labels";
import type { TApproveDisbursementInput, TRecordDisbursementInput, TRecordReversalInput, TRejectDisbursementInput } from "./schemas";

// A request (table disbursement) takes effect only when an official other than its recorder
// approves it: approval writes the ledger entry in the same transaction. Every submission carries
// an idempotency key that the database makes unique, so a repeat returns the first request.

export type TRecordResult = { disbursementId: string; repeated: boolean };

type TFile = Awaited<ReturnType<typeof loadFileForAid>>;

/** 助学 names the student; a household cap counts the whole household. */
const perStudent = (aidType: AidType, policy: TAidPolicy) => aidType === "EDUCATION" || policy.capPer === "STUDENT";

function assertEligible(file: TFile, aidType: AidType, policy: TAidPolicy) {
  if (!isStatusEligibleForAid(file.status, policy)) {
    throw new DomainError(
      `该档案当前状态为“${FILE_STATUS_LABELS[file.status]}”，不能发放${AID_TYPE_LABELS[aidType]}。先建档、后帮扶：在档的档案可以享受救助，渐退期内只能享受政策允许的救助。`,
      "FILE_NOT_ELIGIBLE",
    );
  }
}

/** The member a 助学 request names, who must be in school (义务教育、高中阶段、大学阶段). */
function studentOf(file: TFile, index: number | undefined) {
  const members = (file.data as unknown as TFilingData).members;
  if (index === undefined) throw new DomainError("助学救助须选择受助学生。", "STUDENT_REQUIRED", { studentIndex: "请选择受助学生" });
  const member = members[index];
  if (!member?.residentId) throw new DomainError("所选学生不是该档案的家庭成员。", "NOT_A_MEMBER", { studentIndex: "请选择本户的在学成员" });
  if (!(IN_SCHOOL_EDUCATION as readonly string[]).includes(member.education ?? "")) {
    throw new DomainError(`${member.name ?? "该成员"}目前不在学（义务教育、高中或大学阶段），不能享受助学救助。`, "NOT_IN_SCHOOL", {
      studentIndex: "该成员不在学",
    });
  }
  return member.residentId;
}

async function currentAccount(tx: TScopedTx, fileId: string) {
  return tx.bankAccount.findFirst({ where: { fileId, supersededAt: null }, select: { id: true } });
}

async function repeatOf(tx: TScopedTx, actor: TActor, idempotencyKey: string): Promise<TRecordResult | null> {
  const first = await tx.disbursement.findUnique({ where: { idempotencyKey }, select: { id: true, recordedById: true } });
  if (!first) return null;
  if (first.recordedById !== actor.userId) throw new ConflictError("提交标识已被使用，请刷新页面后重新填写。");
  return { disbursementId: first.id, repeated: true };
}

/** Runs `create`; a concurrent twin that committed first makes the insert fail, and its result is returned. */
async function idempotent(actor: TActor, idempotencyKey: string, create: () => Promise<TRecordResult>): Promise<TRecordResult> {
  try {
    return await create();
  } catch (error) {
    if (!isUniqueViolation(error, "idempotency_key")) throw error;
    const first = await repeatOf(scopedDb(actor) as unknown as TScopedTx, actor, idempotencyKey);
    if (!first) throw new ConflictError("提交标识已被使用，请刷新页面后重新填写。");
    return first;
  }
}

/**
 * A pending or approved request for the same file, aid type and amount whose entry date lies within
 * DUPLICATE_DISBURSEMENT_DAYS (policy_parameter) of this one: what a double submission with a fresh
 * key, or two caseworkers recording the same aid, looks like. Called under the file's lock.
 */
async function recentIdentical(tx: TScopedTx, file: TFile, input: TRecordDisbursementInput) {
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: file.organisationId }, select: { regionCode: true } });
  const days = await policyValue("DUPLICATE_DISBURSEMENT_DAYS", org.regionCode, input.entryDate);
  const twin = await tx.disbursement.findFirst({
    where: {
      fileId: file.id,
      aidType: input.aidType,
      amountFen: input.amountFen,
      reversesEntryId: null,
      status: { in: ["PENDING", "APPROVED"] },
      entryDate: { gte: dateOnly(addDays(input.entryDate, -days)), lte: dateOnly(addDays(input.entryDate, days)) },
    },
    orderBy: { recordedAt: "desc" },
    select: { id: true, entryDate: true, status: true },
  });
  return twin && { id: twin.id, entryDate: dateOnlyString(twin.entryDate), status: twin.status, days };
}

function assertNotDuplicate(duplicate: Awaited<ReturnType<typeof recentIdentical>>, input: TRecordDisbursementInput) {
  if (duplicate && !input.confirmNotDuplicate) {
    throw new DomainError(
      `该户 ${duplicate.days} 天内已有一笔相同类型、相同金额的发放（${duplicate.entryDate}，${DISBURSEMENT_STATUS_LABELS[duplicate.status]}）。如确实不是重复发放，请勾选“确认不是重复发放”后再提交。`,
      "POSSIBLE_DUPLICATE",
      { confirmNotDuplicate: "请确认这不是重复发放" },
    );
  }
}

/** 登记发放: a caseworker records one disbursement to an open file's holder. */
export async function recordDisbursement(actor: TActor, input: TRecordDisbursementInput): Promise<TRecordResult> {
  enforce(mayRecordAid(actor));
  if (input.entryDate > todayInShanghai()) throw new DomainError("发放日期不能晚于今天。", "INVALID", { entryDate: "发放日期不能晚于今天" });
  const db = scopedDb(actor);
  // A repeat, or a twin recorded moments ago, is answered from plain reads, without a transaction;
  // the same checks run again under the file's lock below.
  const early = await repeatOf(db as unknown as TScopedTx, actor, input.idempotencyKey);
  if (early) return early;
  if (!input.confirmNotDuplicate) {
    const file = await db.householdFile.findUnique({ where: { id: input.fileId }, select: { id: true, organisationId: true } });
    if (file) assertNotDuplicate(await recentIdentical(db as unknown as TScopedTx, file as TFile, input), input);
  }
  // While another request for the household is being recorded, this one tries again shortly
  // (without holding a connection); then a repeat gets the first one's answer.
  return idempotent(actor, input.idempotencyKey, () =>
    retryWhileTaken(() =>
      db.$transaction(async (tx) => {
        await claimFileForRequest(tx, input.fileId);
        // A repeat that arrives after the first committed finds it here, before any rule is re-checked
        // against a usage that now includes the first request.
        const repeat = await repeatOf(tx, actor, input.idempotencyKey);
        if (repeat) return repeat;
        const file = await loadFileForAid(tx, input.fileId);
        const policy = await aidPolicyFor(tx, input.aidType, file.fileLevel, file.organisation.regionCode, input.entryDate);
        assertEligible(file, input.aidType, policy);
        await assertFundMayPay(tx, input.fundSource, input.aidType, file.organisation.regionCode, input.entryDate);
        if (policy.cash && input.amountFen === 0) throw new DomainError("请填写发放金额。", "INVALID", { amountFen: "金额须大于 0" });
        const student = perStudent(input.aidType, policy) ? studentOf(file, input.studentIndex) : null;
        const account = input.amountFen > 0 ? await currentAccount(tx, file.id) : null;
        if (input.amountFen > 0 && !account) {
          throw new DomainError("该户尚未登记建档职工本人的银行账户，不能发放现金（实名制）。请先登记银行账户。", "NO_BANK_ACCOUNT");
        }
        const duplicate = await recentIdentical(tx, file, input);
        assertNotDuplicate(duplicate, input);
        if (policy.annualCapFen !== null) {
          const used = await capUsage(tx, {
            fileId: file.id,
            aidType: input.aidType,
            entryDate: input.entryDate,
            perStudent: perStudent(input.aidType, policy),
            studentResidentId: student,
          });
          if (used + input.amountFen > policy.annualCapFen && !input.overCapNote) {
            const message = overCapMessage({
              used,
              amount: input.amountFen,
              cap: policy.annualCapFen,
              perStudent: !!student,
              year: yearBounds(input.entryDate).year,
            });
            throw new DomainError(`${message}如确需超出，请填写超限说明，由审批人特批。`, "OVER_CAP", { amountFen: "超过年度上限" });
          }
        }
        const created = await tx.disbursement.create({
          data: {
            idempotencyKey: input.idempotencyKey,
            fileId: file.id,
            organisationId: file.organisationId,
            aidType: input.aidType,
            fundSource: input.fundSource,
            amountFen: input.amountFen,
            entryDate: dateOnly(input.entryDate),
            purpose: input.purpose,
            evidence: input.evidence ?? null,
            studentResidentId: student,
            bankAccountId: account?.id ?? null,
            overCapNote: input.overCapNote ?? null,
            recordedById: actor.userId,
          },
          select: { id: true },
        });
        await recordAudit(tx, actor, {
          action: "ledger.record-disbursement",
          entityType: "disbursement",
          entityId: created.id,
          organisationId: file.organisationId,
          detail: {
            fileId: file.id,
            aidType: input.aidType,
            fundSource: input.fundSource,
            amountFen: input.amountFen,
            ...(duplicate ? { confirmedNotDuplicate: duplicate.id } : {}),
          },
        });
        return { disbursementId: created.id, repeated: false };
      }),
    ),
  );
}

/** 冲正: a caseworker asks to reverse an entry; it is approved like any request. */
export async function recordReversal(actor: TActor, input: TRecordReversalInput): Promise<TRecordResult> {
  enforce(mayRecordAid(actor));
  if (input.entryDate > todayInShanghai()) throw new DomainError("冲正日期不能晚于今天。", "INVALID", { entryDate: "冲正日期不能晚于今天" });
  const db = scopedDb(actor);
  return idempotent(actor, input.idempotencyKey, async () => {
    try {
      return await db.$transaction(async (tx) => {
        const entry = await tx.ledgerEntry.findUnique({ where: { id: input.entryId }, include: { reversedBy: { select: { id: true } } } });
        if (!entry) throw new NotFoundError("台账记录不存在，或不在您的管辖范围内。");
        await lockFile(tx, entry.fileId);
        const repeat = await repeatOf(tx, actor, input.idempotencyKey);
        if (repeat) return repeat;
        // A pending reversal of the same entry is refused by the index disbursement_one_open_reversal (below).
        enforce(canReverseEntry(actor, { isReversal: !!entry.reversesEntryId, reversed: !!entry.reversedBy, reversalPending: false }));
        const created = await tx.disbursement.create({
          data: {
            idempotencyKey: input.idempotencyKey,
            fileId: entry.fileId,
            organisationId: entry.organisationId,
            aidType: entry.aidType,
            fundSource: entry.fundSource,
            amountFen: -entry.amountFen,
            entryDate: dateOnly(input.entryDate),
            purpose: input.reason,
            studentResidentId: entry.studentResidentId,
            bankAccountId: entry.bankAccountId,
            reversesEntryId: entry.id,
            recordedById: actor.userId,
          },
          select: { id: true },
        });
        await recordAudit(tx, actor, {
          action: "ledger.record-reversal",
          entityType: "disbursement",
          entityId: created.id,
          organisationId: entry.organisationId,
          detail: { entryId: entry.id, amountFen: -entry.amountFen, reason: input.reason },
        });
        return { disbursementId: created.id, repeated: false };
      });
    } catch (error) {
      // disbursement_one_open_reversal: one pending or approved reversal per entry.
      if (isUniqueViolation(error, "disbursement_one_open_reversal")) throw new DomainError("该记录已有待审批的冲正申请。", "REVERSAL_PENDING");
      throw error;
    }
  });
}

async function loadPending(tx: TScopedTx, actor: TActor, disbursementId: string, what: "审批" | "退回") {
  await claimRow(tx, "disbursement", disbursementId);
  const request = await tx.disbursement.findUnique({ where: { id: disbursementId } });
  if (!request) throw new NotFoundError("申请不存在，或不在您的管辖范围内。");
  enforce(what === "审批" ? canApproveDisbursement(actor, request) : canRejectDisbursement(actor, request));
  return request;
}

/** 审批: an official other than the recorder approves; the ledger entry is written now. */
/** Already decided: told with one read, without a transaction. */
async function assertStillPending(db: ReturnType<typeof scopedDb>, disbursementId: string) {
  const current = await db.disbursement.findUnique({ where: { id: disbursementId }, select: { status: true } });
  if (current && current.status !== "PENDING") throw new ConflictError(`该申请已被处理（${DISBURSEMENT_STATUS_LABELS[current.status]}），请刷新页面。`);
}

export async function approveDisbursement(actor: TActor, input: TApproveDisbursementInput) {
  enforce(mayDecideAid(actor));
  const db = scopedDb(actor);
  await assertStillPending(db, input.disbursementId);
  try {
    return await db.$transaction(async (tx) => {
      const request = await loadPending(tx, actor, input.disbursementId, "审批");
      await lockFile(tx, request.fileId);
      const entryDate = dateOnlyString(request.entryDate);
      let capOverrideReason: string | null = null;
      if (!request.reversesEntryId) {
        // The rules are checked again: the file may have closed, or other aid been approved, since recording.
        const file = await loadFileForAid(tx, request.fileId);
        const policy = await aidPolicyFor(tx, request.aidType, file.fileLevel, file.organisation.regionCode, entryDate);
        assertEligible(file, request.aidType, policy);
        await assertFundMayPay(tx, request.fundSource, request.aidType, file.organisation.regionCode, entryDate);
        if (policy.annualCapFen !== null) {
          const byStudent = perStudent(request.aidType, policy);
          const used = await capUsage(tx, {
            fileId: file.id,
            aidType: request.aidType,
            entryDate,
            perStudent: byStudent,
            studentResidentId: request.studentResidentId,
            excludeDisbursementId: request.id,
          });
          if (used + request.amountFen > policy.annualCapFen) {
            if (!input.capOverrideReason) {
              const message = overCapMessage({
                used,
                amount: request.amountFen,
                cap: policy.annualCapFen,
                perStudent: byStudent,
                year: yearBounds(entryDate).year,
              });
              throw new DomainError(`${message}如确需发放，请填写特批理由。`, "OVER_CAP", { capOverrideReason: "超过年度上限，须填写特批理由" });
            }
            capOverrideReason = input.capOverrideReason;
          }
        }
      }
      const now = new Date();
      const { count } = await tx.disbursement.updateMany({
        where: { id: request.id, status: "PENDING" },
        data: { status: "APPROVED", decidedById: actor.userId, decidedAt: now, capOverrideReason },
      });
      if (count !== 1) throw new ConflictError("该申请刚被他人处理，请刷新页面。");
      const original = request.reversesEntryId ? await tx.ledgerEntry.findUnique({ where: { id: request.reversesEntryId }, select: { purpose: true } }) : null;
      const entry = await tx.ledgerEntry.create({
        data: {
          organisationId: request.organisationId,
          fileId: request.fileId,
          aidType: request.aidType,
          fundSource: request.fundSource,
          amountFen: request.amountFen,
          entryDate: request.entryDate,
          purpose: original ? `冲正：${original.purpose}` : request.purpose,
          studentResidentId: request.studentResidentId,
          bankAccountId: request.bankAccountId,
          disbursementId: request.id,
          reversesEntryId: request.reversesEntryId,
          reason: request.reversesEntryId ? request.purpose : null,
          capOverrideReason,
          recordedById: request.recordedById,
          approvedById: actor.userId,
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: request.reversesEntryId ? "ledger.approve-reversal" : "ledger.approve-disbursement",
        entityType: "ledger_entry",
        entityId: entry.id,
        organisationId: request.organisationId,
        detail: { disbursementId: request.id, amountFen: request.amountFen, ...(capOverrideReason ? { capOverrideReason } : {}) },
      });
      return { entryId: entry.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, "reverses_entry_id")) throw new ConflictError("该记录已经冲正，不能重复冲正。");
    // The approving official's union pays: its allocation for the fund and year must hold the amount.
    return rethrowShortfall(actor, error, "本次发放");
  }
}

export async function rejectDisbursement(actor: TActor, input: TRejectDisbursementInput) {
  enforce(mayDecideAid(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const request = await loadPending(tx, actor, input.disbursementId, "退回");
    const { count } = await tx.disbursement.updateMany({
      where: { id: request.id, status: "PENDING" },
      data: { status: "REJECTED", decidedById: actor.userId, decidedAt: new Date(), rejectionReason: input.reason },
    });
    if (count !== 1) throw new ConflictError("该申请刚被他人处理，请刷新页面。");
    await recordAudit(tx, actor, {
      action: "ledger.reject-disbursement",
      entityType: "disbursement",
      entityId: request.id,
      organisationId: request.organisationId,
      detail: { reason: input.reason },
    });
    return { disbursementId: request.id };
  });
}
