"use server";

import { after } from "next/server";
import { authedAction } from "@/lib/actions/action";
import { approveHouseholdImport, rejectHouseholdImport } from "./decide-import";
import { runHouseholdImportCommit, runHouseholdImportValidation, startHouseholdImportCommit, startHouseholdImportRevalidation } from "./run-import";
import { ZHouseholdImportRef, ZRejectHouseholdImportInput } from "./schemas";

// Validation and the commit of a large workbook take a while: the action records the step and
// returns at once; the work runs after the response and the import page shows its progress. The
// upload itself is a route (app/api/uploads/import), so its body is checked against the limit
// before it is read (lib/actions/upload-route.ts).

export const commitHouseholdImportAction = authedAction(ZHouseholdImportRef, ["CASEWORKER"], async (actor, { importId }) => {
  await startHouseholdImportCommit(actor, importId);
  after(() => runHouseholdImportCommit(actor, importId));
  return { importId };
});

// The import is looked up in scope and claimed before anything is left running: another city's
// import is "not found" here, not "ok" followed by a failure in the background.
export const revalidateHouseholdImportAction = authedAction(ZHouseholdImportRef, ["CASEWORKER"], async (actor, { importId }) => {
  await startHouseholdImportRevalidation(actor, importId);
  after(() => runHouseholdImportValidation(actor, importId));
  return { importId };
});

// 在档迁入: an official other than the importer approves the waiting batch (the commit then runs in
// the background, shown by the import page's progress) or rejects it with a reason.
export const approveHouseholdImportAction = authedAction(ZHouseholdImportRef, ["OFFICIAL"], async (actor, { importId }) => {
  await approveHouseholdImport(actor, importId);
  after(() => runHouseholdImportCommit(actor, importId));
  return { importId };
});

export const rejectHouseholdImportAction = authedAction(ZRejectHouseholdImportInput, ["OFFICIAL"], async (actor, { importId, reason }) => {
  await rejectHouseholdImport(actor, importId, reason);
  return { importId };
});
