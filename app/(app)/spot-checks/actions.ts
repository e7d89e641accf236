"use server";

import { authedAction } from "@/lib/actions/action";
import { ZRecordFindingInput, ZStartSpotCheckInput } from "@/lib/calendar/schemas";
import { recordFinding, startSpotCheck } from "@/lib/calendar/spot-checks";

export const startSpotCheckAction = authedAction(ZStartSpotCheckInput, ["OFFICIAL"], (actor, input) => startSpotCheck(actor, input));
export const recordFindingAction = authedAction(ZRecordFindingInput, ["CASEWORKER", "OFFICIAL"], (actor, input) => recordFinding(actor, input));
