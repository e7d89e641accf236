import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { claimHouseholdImportCommit, commitHouseholdImport } from "./commit-import";
import { uploadHouseholdImport } from "./upload-import";
import { claimHouseholdImportRevalidation, validateHouseholdImport } from "./validate-import";
import type { TUploadHouseholdImportInput } from "./schemas";

// The steps the import actions start, and the background halves they leave running. Errors of a
// background half are already recorded on the import (INVALID / FAILED with a message).

export async function startHouseholdImportUpload(actor: TActor, input: TUploadHouseholdImportInput) {
  return uploadHouseholdImport(actor, { fileName: input.file.name, bytes: Buffer.from(await input.file.arrayBuffer()), mode: input.mode });
}

export async function runHouseholdImportValidation(actor: TActor, importId: string) {
  await validateHouseholdImport(actor, importId).catch((error) => console.error("import validation", error));
}

export const startHouseholdImportCommit = claimHouseholdImportCommit;

export const startHouseholdImportRevalidation = claimHouseholdImportRevalidation;

export async function runHouseholdImportCommit(actor: TActor, importId: string) {
  await commitHouseholdImport(actor, importId).catch((error) => console.error("import commit", error));
}
