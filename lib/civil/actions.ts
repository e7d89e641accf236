"use server";

import { authedAction } from "@/lib/actions/action";
import { dismissResult, openRecheckFromResult, proposeExitFromResult } from "./act-on-result";
import { ZDismissResultInput, ZOpenRecheckInput, ZProposeExitFromResultInput } from "./schemas";

// The roster upload is a route (app/api/uploads/roster), so its body is checked against the limit
// before it is read (lib/actions/upload-route.ts).
export const openRecheckFromResultAction = authedAction(ZOpenRecheckInput, ["CASEWORKER", "OFFICIAL"], openRecheckFromResult);
export const proposeExitFromResultAction = authedAction(ZProposeExitFromResultInput, ["CASEWORKER"], proposeExitFromResult);
export const dismissResultAction = authedAction(ZDismissResultInput, ["CASEWORKER", "OFFICIAL"], dismissResult);
