"use server";

import { authedAction } from "@/lib/actions/action";
import { deleteEvidence, uploadEvidence } from "@/lib/evidence/evidence";
import { ZDeleteEvidenceInput, ZUploadEvidenceInput } from "@/lib/evidence/schemas";

/** Takes the upload form's FormData (fileId, kind, file); the schema turns it into an object. */
export const uploadEvidenceAction = authedAction(ZUploadEvidenceInput, ["CASEWORKER"], uploadEvidence);
export const deleteEvidenceAction = authedAction(ZDeleteEvidenceInput, ["CASEWORKER"], deleteEvidence);
