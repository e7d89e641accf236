"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions/action";
import { completeWorkItem } from "@/lib/calendar/complete-work-item";
import { disposeFile } from "@/lib/calendar/dispose-file";
import { runDailyCalendarNow } from "@/lib/calendar/run-daily-now";
import {
  ZCompleteWorkItemInput,
  ZDisposeFileInput,
  ZRecordFindingInput,
  ZRemoveCalendarDayInput,
  ZSetCalendarDayInput,
  ZStartSpotCheckInput,
} from "@/lib/calendar/schemas";
import { removeCalendarDay, setCalendarDay } from "@/lib/calendar/set-calendar-day";
import { recordFinding, startSpotCheck } from "@/lib/calendar/spot-checks";

export const completeWorkItemAction = authedAction(ZCompleteWorkItemInput, ["CASEWORKER"], (actor, input) => completeWorkItem(actor, input));
export const disposeFileAction = authedAction(ZDisposeFileInput, ["OFFICIAL"], (actor, input) => disposeFile(actor, input));
export const startSpotCheckAction = authedAction(ZStartSpotCheckInput, ["OFFICIAL"], (actor, input) => startSpotCheck(actor, input));
export const recordFindingAction = authedAction(ZRecordFindingInput, ["CASEWORKER", "OFFICIAL"], (actor, input) => recordFinding(actor, input));
export const runDailyCalendarNowAction = authedAction(z.object({}), ["ADMIN"], (actor) => runDailyCalendarNow(actor));
export const setCalendarDayAction = authedAction(ZSetCalendarDayInput, ["ADMIN"], (actor, input) => setCalendarDay(actor, input));
export const removeCalendarDayAction = authedAction(ZRemoveCalendarDayInput, ["ADMIN"], (actor, input) => removeCalendarDay(actor, input));
