"use server";

import { authedAction } from "@/lib/actions/action";
import { deleteEvidence } from "@/lib/evidence/evidence";
import { ZDeleteEvidenceInput } from "@/lib/evidence/schemas";

// The upload is a route (app/api/uploads/evidence), so its body is checked against the limit
// before it is read (lib/actions/upload-route.ts).
export const deleteEvidenceAction = authedAction(ZDeleteEvidenceInput, ["CASEWORKER"], deleteEvidence);
