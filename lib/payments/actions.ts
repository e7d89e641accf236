"use server";

import { authedAction } from "@/lib/actions/action";
import { markReceipts } from "@/lib/payments/mark-receipts";
import { recordCallback } from "@/lib/payments/record-callback";
import { resolveCallbackProblem } from "@/lib/payments/resolve-callback-problem";
import { ZMarkReceiptsInput, ZRecordCallbackInput, ZResolveCallbackProblemInput } from "@/lib/payments/schemas";

export const markReceiptsAction = authedAction(ZMarkReceiptsInput, ["CASEWORKER", "OFFICIAL"], markReceipts);
export const recordCallbackAction = authedAction(ZRecordCallbackInput, ["CASEWORKER", "OFFICIAL"], recordCallback);
export const resolveCallbackProblemAction = authedAction(ZResolveCallbackProblemInput, ["AUDITOR"], resolveCallbackProblem);
