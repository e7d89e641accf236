"use server";

import { authedAction } from "@/lib/actions/action";
import { ZBankLayoutInput } from "@/lib/payments/layout-schema";
import { saveBankLayout } from "@/lib/payments/layouts";
import { closeReturnedLine, createReissueBatch } from "@/lib/payments/returned-lines";
import { ZCloseReturnedInput, ZReissueInput } from "@/lib/payments/schemas";

export const saveBankLayoutAction = authedAction(ZBankLayoutInput, ["ADMIN"], saveBankLayout);
export const closeReturnedLineAction = authedAction(ZCloseReturnedInput, ["CASEWORKER"], closeReturnedLine);
export const createReissueBatchAction = authedAction(ZReissueInput, ["CASEWORKER"], createReissueBatch);
