import { authedUploadRoute } from "@/lib/actions/upload-route";
import { uploadEvidence } from "@/lib/evidence/evidence";
import { ZUploadEvidenceInput } from "@/lib/evidence/schemas";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";

/** 上传证明材料: the evidence panel's form (fileId, kind, file), within EVIDENCE_MAX_BYTES. */
export const POST = authedUploadRoute(ZUploadEvidenceInput, ["CASEWORKER"], currentEvidenceUploadLimit, uploadEvidence);
