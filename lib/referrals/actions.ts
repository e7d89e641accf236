"use server";

import { authedAction } from "@/lib/actions/action";
import { closeReferral, createReferral } from "@/lib/referrals/refer";
import { ZCloseReferralInput, ZCreateReferralInput } from "@/lib/referrals/schemas";

export const createReferralAction = authedAction(ZCreateReferralInput, ["CASEWORKER"], createReferral);
export const closeReferralAction = authedAction(ZCloseReferralInput, ["CASEWORKER", "OFFICIAL"], closeReferral);
