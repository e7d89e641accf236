import { after } from "next/server";
import { authedUploadRoute } from "@/lib/actions/upload-route";
import { runHouseholdImportValidation, startHouseholdImportUpload } from "@/lib/import/run-import";
import { ZUploadHouseholdImportInput } from "@/lib/import/schemas";
import { IMPORT_UPLOAD_LIMIT } from "@/lib/uploads/limits";

// Validating a large workbook takes a while: the upload is recorded and answered at once; the
// validation runs after the response and the import page shows its progress.
export const POST = authedUploadRoute(
  ZUploadHouseholdImportInput,
  ["CASEWORKER"],
  () => IMPORT_UPLOAD_LIMIT,
  async (actor, input) => {
    const { importId } = await startHouseholdImportUpload(actor, input);
    after(() => runHouseholdImportValidation(actor, importId));
    return { importId };
  },
);
