import { authedUploadRoute } from "@/lib/actions/upload-route";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";
import { uploadReceiptScan } from "@/lib/payments/upload-receipt-scan";
import { ZUploadReceiptScanInput } from "@/lib/payments/schemas";

/** 上传签收表扫描件: the batch page's form (batchId, file), within EVIDENCE_MAX_BYTES like any evidence. */
export const POST = authedUploadRoute(ZUploadReceiptScanInput, ["CASEWORKER", "OFFICIAL"], currentEvidenceUploadLimit, uploadReceiptScan);
