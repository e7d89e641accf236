"use server";

import { authedAction } from "@/lib/actions/action";
import { dismissResult, openRecheckFromResult, proposeExitFromResult } from "./act-on-result";
import { compareUploadedRoster } from "./upload-roster";
import { ZDismissResultInput, ZOpenRecheckInput, ZProposeExitFromResultInput, ZUploadRosterInput } from "./schemas";

export const uploadRosterAction = authedAction(ZUploadRosterInput, ["CASEWORKER", "OFFICIAL"], compareUploadedRoster);
export const openRecheckFromResultAction = authedAction(ZOpenRecheckInput, ["CASEWORKER", "OFFICIAL"], openRecheckFromResult);
export const proposeExitFromResultAction = authedAction(ZProposeExitFromResultInput, ["CASEWORKER"], proposeExitFromResult);
export const dismissResultAction = authedAction(ZDismissResultInput, ["CASEWORKER", "OFFICIAL"], dismissResult);
