"use server";

import { authedAction } from "@/lib/actions/action";
import { acceptApplication } from "./accept-application";
import { convertApplication } from "./convert-application";
import { declineApplication } from "./decline-application";
import { ZApplicationActionInput, ZDeclineApplicationInput } from "./schemas";

// The caseworker's steps on an online application (网上申请, issue 24 §2).
export const acceptApplicationAction = authedAction(ZApplicationActionInput, ["CASEWORKER"], acceptApplication);
export const declineApplicationAction = authedAction(ZDeclineApplicationInput, ["CASEWORKER"], declineApplication);
export const convertApplicationAction = authedAction(ZApplicationActionInput, ["CASEWORKER"], convertApplication);
