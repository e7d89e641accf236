"use server";

import { authedAction } from "@/lib/actions/action";
import { ZBankLayoutInput } from "@/lib/payments/layout-schema";
import { saveBankLayout } from "@/lib/payments/layouts";
import { closeReturnedLine, createReissueBatch } from "@/lib/payments/returned-lines";
import { ZCloseReturnedInput, ZReissueInput } from "@/lib/payments/schemas";
import { markReceipts } from "@/lib/payments/mark-receipts";
import { recordCallback } from "@/lib/payments/record-callback";
import { resolveCallbackProblem } from "@/lib/payments/resolve-callback-problem";
import { closeReturnedDisbursement } from "@/lib/payments/close-returned-disbursement";
import { createPaymentRun } from "@/lib/payments/create-payment-run";
import { ZCloseReturnedDisbursementInput, ZCreatePaymentRunInput } from "@/lib/payments/schemas";
import { ZMarkReceiptsInput, ZRecordCallbackInput, ZResolveCallbackProblemInput } from "@/lib/payments/schemas";

export const saveBankLayoutAction = authedAction(ZBankLayoutInput, ["ADMIN"], saveBankLayout);
export const closeReturnedLineAction = authedAction(ZCloseReturnedInput, ["CASEWORKER"], closeReturnedLine);
export const createReissueBatchAction = authedAction(ZReissueInput, ["CASEWORKER"], createReissueBatch);
export const markReceiptsAction = authedAction(ZMarkReceiptsInput, ["CASEWORKER", "OFFICIAL"], markReceipts);
export const recordCallbackAction = authedAction(ZRecordCallbackInput, ["CASEWORKER", "OFFICIAL"], recordCallback);
export const resolveCallbackProblemAction = authedAction(ZResolveCallbackProblemInput, ["AUDITOR"], resolveCallbackProblem);
export const createPaymentRunAction = authedAction(ZCreatePaymentRunInput, ["CASEWORKER", "OFFICIAL"], createPaymentRun);
export const closeReturnedDisbursementAction = authedAction(ZCloseReturnedDisbursementInput, ["CASEWORKER"], closeReturnedDisbursement);
