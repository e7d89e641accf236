"use server";

import { authedAction } from "@/lib/actions/action";
import { recordBankAccount, revealBankAccount } from "@/lib/ledger/bank-accounts";
import { adjustLine, approveBatch, createBatch, rejectBatch, removeLine, restoreLine, submitBatch } from "@/lib/ledger/batches";
import { approveDisbursement, recordDisbursement, recordReversal, rejectDisbursement } from "@/lib/ledger/disbursements";
import {
  ZAdjustLineInput,
  ZApproveDisbursementInput,
  ZBatchRef,
  ZCreateBatchInput,
  ZRecordBankAccountInput,
  ZRecordDisbursementInput,
  ZRecordReversalInput,
  ZRejectBatchInput,
  ZRejectDisbursementInput,
  ZRemoveLineInput,
  ZRestoreLineInput,
  ZRevealAccountInput,
} from "@/lib/ledger/schemas";

export const recordBankAccountAction = authedAction(ZRecordBankAccountInput, ["CASEWORKER"], recordBankAccount);
export const revealBankAccountAction = authedAction(ZRevealAccountInput, ["AUDITOR"], (actor, input) => revealBankAccount(actor, input.bankAccountId));
export const recordDisbursementAction = authedAction(ZRecordDisbursementInput, ["CASEWORKER"], recordDisbursement);
export const recordReversalAction = authedAction(ZRecordReversalInput, ["CASEWORKER"], recordReversal);
export const approveDisbursementAction = authedAction(ZApproveDisbursementInput, ["OFFICIAL"], approveDisbursement);
export const rejectDisbursementAction = authedAction(ZRejectDisbursementInput, ["OFFICIAL"], rejectDisbursement);
export const createBatchAction = authedAction(ZCreateBatchInput, ["CASEWORKER"], createBatch);
export const adjustLineAction = authedAction(ZAdjustLineInput, ["CASEWORKER"], adjustLine);
export const removeLineAction = authedAction(ZRemoveLineInput, ["CASEWORKER"], removeLine);
export const restoreLineAction = authedAction(ZRestoreLineInput, ["CASEWORKER"], restoreLine);
export const submitBatchAction = authedAction(ZBatchRef, ["CASEWORKER"], submitBatch);
export const approveBatchAction = authedAction(ZBatchRef, ["OFFICIAL"], approveBatch);
export const rejectBatchAction = authedAction(ZRejectBatchInput, ["OFFICIAL"], rejectBatch);
