"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions/action";
import { revealResidentIds } from "@/lib/filing/find-files";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import {
  ZApproveFilingInput,
  ZFileActionInput,
  ZRecordCivilCheckInput,
  ZRecordObjectionInput,
  ZRejectFilingInput,
  ZResolveObjectionInput,
  ZReviewFilingInput,
  ZSaveDraftInput,
  ZStartPublicityInput,
  ZSubmitFilingInput,
} from "@/lib/filing/schemas";
import {
  approveFiling,
  deleteDraft,
  recordCivilCheck,
  recordObjection,
  rejectFiling,
  reopenFile,
  resolveObjection,
  reviewFiling,
  startPublicity,
} from "@/lib/filing/workflow";

export const saveDraftAction = authedAction(ZSaveDraftInput, ["CASEWORKER"], saveDraft);
export const submitFilingAction = authedAction(ZSubmitFilingInput, ["CASEWORKER"], submitFiling);
export const deleteDraftAction = authedAction(ZFileActionInput, ["CASEWORKER"], deleteDraft);
export const reopenFileAction = authedAction(ZFileActionInput, ["CASEWORKER"], reopenFile);
export const reviewFilingAction = authedAction(ZReviewFilingInput, ["OFFICIAL"], reviewFiling);
export const startPublicityAction = authedAction(ZStartPublicityInput, ["OFFICIAL"], startPublicity);
export const recordObjectionAction = authedAction(ZRecordObjectionInput, ["CASEWORKER", "OFFICIAL"], recordObjection);
export const resolveObjectionAction = authedAction(ZResolveObjectionInput, ["OFFICIAL"], resolveObjection);
export const recordCivilCheckAction = authedAction(ZRecordCivilCheckInput, ["CASEWORKER", "OFFICIAL"], recordCivilCheck);
export const approveFilingAction = authedAction(ZApproveFilingInput, ["OFFICIAL"], approveFiling);
export const rejectFilingAction = authedAction(ZRejectFilingInput, ["OFFICIAL"], rejectFiling);
export const revealResidentIdsAction = authedAction(z.object({ fileId: z.uuid() }), ["CASEWORKER", "OFFICIAL", "AUDITOR"], (actor, input) =>
  revealResidentIds(actor, input.fileId),
);
