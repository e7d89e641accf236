"use server";

import { authedAction } from "@/lib/actions/action";
import { completeWorkItem } from "@/lib/calendar/complete-work-item";
import { disposeFile } from "@/lib/calendar/dispose-file";
import { ZCompleteWorkItemInput, ZDisposeFileInput } from "@/lib/calendar/schemas";

export const completeWorkItemAction = authedAction(ZCompleteWorkItemInput, ["CASEWORKER"], (actor, input) => completeWorkItem(actor, input));
export const disposeFileAction = authedAction(ZDisposeFileInput, ["OFFICIAL"], (actor, input) => disposeFile(actor, input));
