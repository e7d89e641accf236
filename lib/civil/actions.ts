"use server";

import { after } from "next/server";
import { authedAction } from "@/lib/actions/action";
import { dismissResult, openRecheckFromResult, proposeExitFromResult } from "./act-on-result";
import { runRosterComparison, startRosterRetry } from "./run-roster";
import { ZDismissResultInput, ZOpenRecheckInput, ZProposeExitFromResultInput, ZRosterRunRef } from "./schemas";

// The roster upload is a route (app/api/uploads/roster), so its body is checked against the limit
// before it is read (lib/actions/upload-route.ts).
export const openRecheckFromResultAction = authedAction(ZOpenRecheckInput, ["CASEWORKER", "OFFICIAL"], openRecheckFromResult);
export const proposeExitFromResultAction = authedAction(ZProposeExitFromResultInput, ["CASEWORKER"], proposeExitFromResult);
export const dismissResultAction = authedAction(ZDismissResultInput, ["CASEWORKER", "OFFICIAL"], dismissResult);

// 重新比对: the run is looked up in scope and claimed before anything is left running, so another
// city's run is "not found" here, not "ok" followed by a failure in the background.
export const retryRosterComparisonAction = authedAction(ZRosterRunRef, ["CASEWORKER", "OFFICIAL"], async (actor, { runId }) => {
  await startRosterRetry(actor, runId);
  after(() => runRosterComparison(actor, runId));
  return { runId };
});
