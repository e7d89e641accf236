"use server";

import { after } from "next/server";
import { authedAction } from "@/lib/actions/action";
import { runHouseholdImportCommit, runHouseholdImportValidation, startHouseholdImportCommit, startHouseholdImportUpload } from "./run-import";
import { ZHouseholdImportRef, ZUploadHouseholdImportInput } from "./schemas";

// Validation and the commit of a large workbook take a while: the action records the step and
// returns at once; the work runs after the response and the import page shows its progress.

export const uploadHouseholdImportAction = authedAction(ZUploadHouseholdImportInput, ["CASEWORKER"], async (actor, input) => {
  const { importId } = await startHouseholdImportUpload(actor, input);
  after(() => runHouseholdImportValidation(actor, importId));
  return { importId };
});

export const commitHouseholdImportAction = authedAction(ZHouseholdImportRef, ["CASEWORKER"], async (actor, { importId }) => {
  await startHouseholdImportCommit(actor, importId);
  after(() => runHouseholdImportCommit(actor, importId));
  return { importId };
});

export const revalidateHouseholdImportAction = authedAction(ZHouseholdImportRef, ["CASEWORKER"], async (actor, { importId }) => {
  after(() => runHouseholdImportValidation(actor, importId));
  return { importId };
});
