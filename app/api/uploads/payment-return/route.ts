import { authedUploadRoute } from "@/lib/actions/upload-route";
import { applyReturnFile, previewReturnFile } from "@/lib/payments/apply-return-file";
import { ZReturnFileInput, type TReturnUploadResult } from "@/lib/payments/schemas";
import { RETURN_UPLOAD_LIMIT } from "@/lib/uploads/limits";

/** 银行回盘: previewed (matched, nothing written) or, with the previewed file's SHA-256, applied by an official. */
export const POST = authedUploadRoute(
  ZReturnFileInput,
  ["CASEWORKER", "OFFICIAL"],
  () => RETURN_UPLOAD_LIMIT,
  async (actor, input): Promise<TReturnUploadResult> =>
    input.expectedSha256
      ? { applied: await applyReturnFile(actor, { ...input, expectedSha256: input.expectedSha256 }) }
      : { preview: await previewReturnFile(actor, input) },
);
