// The civil-affairs comparison's forms, used in the browser before posting and by the server actions.
import { z } from "zod";
import { checkExit } from "@/lib/dynamic/schemas";
import { EXIT_PATH_LABELS } from "@/lib/warnings/labels";
import { CANCEL_REASON_LABELS, EXIT_REASON_LABELS } from "@/lib/filing/labels";
import { optionalChoice, requiredText } from "@/lib/forms/zod-fields";

const fromFormData = (raw: unknown) => (raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw);

export const ZUploadRosterInput = z.preprocess(
  fromFormData,
  z.object({
    // A file input left empty still posts a File, with no name and no bytes.
    file: z.instanceof(File, { message: "请选择要上传的民政比对名单" }).refine((f) => f.name !== "" || f.size > 0, "请选择要上传的民政比对名单"),
  }),
);
export type TUploadRosterInput = z.output<typeof ZUploadRosterInput>;

/** A mismatch as the page showed it: its version, and the file's version the action is taken against. */
const ZResultRef = { resultId: z.uuid("比对结果不存在"), expectedVersion: z.number().int() };

export const ZOpenRecheckInput = z.object({ ...ZResultRef, fileVersion: z.number().int() });
export type TOpenRecheckInput = z.output<typeof ZOpenRecheckInput>;

export const ZProposeExitFromResultInput = z
  .object({
    ...ZResultRef,
    fileVersion: z.number().int(),
    exitReason: optionalChoice(EXIT_REASON_LABELS, "请选择退档原因"),
    cancelReason: optionalChoice(CANCEL_REASON_LABELS, "请选择注销原因"),
    exitPath: optionalChoice(EXIT_PATH_LABELS, "请选择脱困主要路径"),
    reason: requiredText(1, 1000, "退档理由"),
  })
  .superRefine(checkExit);
export type TProposeExitFromResultInput = z.output<typeof ZProposeExitFromResultInput>;

export const ZDismissResultInput = z.object({ ...ZResultRef, note: requiredText(2, 500, "不属实的说明") });
export type TDismissResultInput = z.output<typeof ZDismissResultInput>;

export const ZRosterRunRef = z.object({ runId: z.uuid("比对记录不存在") });
export type TRosterRunRef = z.output<typeof ZRosterRunRef>;
