import { authedUploadRoute } from "@/lib/actions/upload-route";
import { applyRunReturnFile, previewRunReturnFile } from "@/lib/payments/apply-run-return-file";
import { ZRunReturnFileInput, type TRunReturnUploadResult } from "@/lib/payments/schemas";
import { RETURN_UPLOAD_LIMIT } from "@/lib/uploads/limits";

/** 代发汇总的银行回盘: previewed, or with the previewed file's SHA-256 applied by an official (as a batch's). */
export const POST = authedUploadRoute(
  ZRunReturnFileInput,
  ["CASEWORKER", "OFFICIAL"],
  () => RETURN_UPLOAD_LIMIT,
  async (actor, input): Promise<TRunReturnUploadResult> =>
    input.expectedSha256
      ? { applied: await applyRunReturnFile(actor, { ...input, expectedSha256: input.expectedSha256 }) }
      : { preview: await previewRunReturnFile(actor, input) },
);
