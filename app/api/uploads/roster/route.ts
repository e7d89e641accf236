import { authedUploadRoute } from "@/lib/actions/upload-route";
import { compareUploadedRoster } from "@/lib/civil/upload-roster";
import { ZUploadRosterInput } from "@/lib/civil/schemas";
import { ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";

/** 民政比对名单: validated in full and compared before the answer. */
export const POST = authedUploadRoute(ZUploadRosterInput, ["CASEWORKER", "OFFICIAL"], () => ROSTER_UPLOAD_LIMIT, compareUploadedRoster);
