// Who may do what with the ledger — batches, single disbursements and their reversals, bank
// accounts — asked by the pages (batches/[id], ledger/disbursements/[id], the household ledger on
// the file page) and enforced by the domain functions (batches.ts, disbursements.ts,
// bank-accounts.ts) with `enforce`. Maker–checker here matches the database's CHECKs
// (disbursement_batch_*_not_maker, disbursement decider ≠ recorder). Pure.
import { ALLOWED, firstRefusal, refuse, roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import type { BatchStatus, DisbursementStatus, FileStatus } from "@/lib/generated/prisma/enums";
import { BATCH_STATUS_LABELS, DISBURSEMENT_STATUS_LABELS } from "./labels";

type TWho = Pick<TActor, "roles" | "userId">;
type TRoles = Pick<TActor, "roles">;

/** Caseworkers build and submit batches, record single disbursements and reversals, register accounts. */
export const mayRecordAid = (actor: TRoles): TAllowed => roleAllows(actor, ["CASEWORKER"]);
/** Officials approve or reject batches and disbursements. */
export const mayDecideAid = (actor: TRoles): TAllowed => roleAllows(actor, ["OFFICIAL"]);
/** Auditors may see an account number in full (revealBankAccount, audited). */
export const mayRevealAccount = (actor: TRoles): TAllowed => roleAllows(actor, ["AUDITOR"]);

// ── batches ──
type TBatch = { status: BatchStatus; createdById: string; submittedById: string | null };

const batchIn = (batch: { status: BatchStatus }, status: BatchStatus, what: string) => () =>
  batch.status === status ? ALLOWED : refuse(`批次当前为“${BATCH_STATUS_LABELS[batch.status]}”，不能${what}。`, "CONFLICT");

/** Whoever built or submitted a batch never decides it, nor confirms its bank return. */
export const isBatchMaker = (actor: TWho, batch: Pick<TBatch, "createdById" | "submittedById">) =>
  batch.createdById === actor.userId || batch.submittedById === actor.userId;

const notBatchMaker = (actor: TWho, batch: TBatch, what: string) => () =>
  isBatchMaker(actor, batch) ? refuse(`不能${what}自己编制或提交的批次，请由其他审批人办理。`, "MAKER_CHECKER") : ALLOWED;

/** 调整 / 移出 / 恢复 a line, and 提交审批: a caseworker, while the batch is a draft. */
export function canEditBatch(actor: TRoles, batch: { status: BatchStatus }): TAllowed {
  return firstRefusal(() => mayRecordAid(actor), batchIn(batch, "DRAFT", "修改名单"));
}

export function canSubmitBatch(actor: TRoles, batch: { status: BatchStatus }): TAllowed {
  return firstRefusal(() => mayRecordAid(actor), batchIn(batch, "DRAFT", "提交"));
}

/** 审批通过: an official other than the batch's maker, while it is submitted. */
export function canApproveBatch(actor: TWho, batch: TBatch): TAllowed {
  return firstRefusal(() => mayDecideAid(actor), batchIn(batch, "SUBMITTED", "审批"), notBatchMaker(actor, batch, "审批"));
}

/** 退回: the same official, the same rule. */
export function canRejectBatch(actor: TWho, batch: TBatch): TAllowed {
  return firstRefusal(() => mayDecideAid(actor), batchIn(batch, "SUBMITTED", "退回"), notBatchMaker(actor, batch, "退回"));
}

// ── single disbursements and reversals ──
type TDisbursement = { status: DisbursementStatus; recordedById: string };

const pending = (d: TDisbursement) => () =>
  d.status === "PENDING" ? ALLOWED : refuse(`该申请已被处理（${DISBURSEMENT_STATUS_LABELS[d.status]}），请刷新页面。`, "CONFLICT");
const notRecorder = (actor: TWho, d: TDisbursement, what: string) => () =>
  d.recordedById === actor.userId ? refuse(`不能${what}自己登记的发放，请由其他审批人办理。`, "MAKER_CHECKER") : ALLOWED;

/** 审批 a disbursement or a reversal: an official other than its recorder, while it is pending. */
export function canApproveDisbursement(actor: TWho, d: TDisbursement): TAllowed {
  return firstRefusal(() => mayDecideAid(actor), pending(d), notRecorder(actor, d, "审批"));
}

export function canRejectDisbursement(actor: TWho, d: TDisbursement): TAllowed {
  return firstRefusal(() => mayDecideAid(actor), pending(d), notRecorder(actor, d, "退回"));
}

// ── the household's ledger on its file ──
/** 登记银行账户: a caseworker, once the file is submitted and until it closes. */
export function canRecordBankAccount(actor: TRoles, file: { status: FileStatus }): TAllowed {
  return firstRefusal(
    () => mayRecordAid(actor),
    () => (file.status === "DRAFT" || file.status === "CLOSED" ? refuse("只能为已提交或在档的档案登记银行账户。", "FILE_NOT_ELIGIBLE") : ALLOWED),
  );
}

/**
 * 登记救助发放 is offered for an open file or one in its observation period; which aid an observed
 * file may still receive is the dated policy's answer when the form is sent (disbursements.ts).
 */
export function canStartDisbursement(actor: TRoles, file: { status: FileStatus }): TAllowed {
  return firstRefusal(
    () => mayRecordAid(actor),
    () => (file.status === "OPEN" || file.status === "OBSERVATION" ? ALLOWED : refuse("只有在档或渐退期的档案可以登记救助发放。", "FILE_NOT_ELIGIBLE")),
  );
}

/** 冲正: a caseworker, for an entry that is not itself a reversal and not reversed or being reversed. */
export function canReverseEntry(actor: TRoles, entry: { isReversal: boolean; reversed: boolean; reversalPending: boolean }): TAllowed {
  return firstRefusal(
    () => mayRecordAid(actor),
    () => (entry.isReversal ? refuse("冲正记录不能再冲正。", "REVERSAL_OF_REVERSAL") : ALLOWED),
    () => (entry.reversed ? refuse("该记录已经冲正，不能重复冲正。", "ALREADY_REVERSED") : ALLOWED),
    () => (entry.reversalPending ? refuse("该记录已有待审批的冲正申请。", "REVERSAL_PENDING") : ALLOWED),
  );
}
