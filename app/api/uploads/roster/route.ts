import { after } from "next/server";
import { authedUploadRoute } from "@/lib/actions/upload-route";
import { runRosterComparison, startRosterUpload } from "@/lib/civil/run-roster";
import { ZUploadRosterInput } from "@/lib/civil/schemas";
import { ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";

// 民政比对名单: a province's roster takes up to half a minute to read and compare. The upload is
// checked and stored, and answered at once; the comparison runs after the response as the user who
// uploaded, and the run page shows its progress (lib/civil/compare-roster.ts).
export const POST = authedUploadRoute(
  ZUploadRosterInput,
  ["CASEWORKER", "OFFICIAL"],
  () => ROSTER_UPLOAD_LIMIT,
  async (actor, input) => {
    const { runId } = await startRosterUpload(actor, input);
    after(() => runRosterComparison(actor, runId));
    return { runId };
  },
);
