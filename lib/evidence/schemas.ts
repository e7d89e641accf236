// The evidence forms' schemas, used in the browser before posting and by the server actions.
import { z } from "zod";
import { keysOf } from "@/lib/labels/keys-of";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import type { EvidenceKind } from "@/lib/generated/prisma/enums";

/** Kinds a filing must carry before it can be submitted (申请书 and 核对授权书). */
export const REQUIRED_EVIDENCE_KINDS = ["APPLICATION", "AUTHORISATION"] as const satisfies readonly EvidenceKind[];

/** The upload form posts FormData (a file cannot travel as JSON); its fields become a plain object. */
const fromFormData = (raw: unknown) => (raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw);

export const ZUploadEvidenceInput = z.preprocess(
  fromFormData,
  z.object({
    fileId: z.uuid("档案不存在"),
    kind: z.enum(keysOf(EVIDENCE_KIND_LABELS), "请选择材料类别"),
    // A file input left empty still posts a File, with no name and no bytes.
    file: z.instanceof(File, { message: "请选择要上传的文件" }).refine((f) => f.name !== "" || f.size > 0, "请选择要上传的文件"),
  }),
);
export type TUploadEvidenceInput = z.output<typeof ZUploadEvidenceInput>;

export const ZDeleteEvidenceInput = z.object({ evidenceId: z.uuid("材料不存在") });
export type TDeleteEvidenceInput = z.infer<typeof ZDeleteEvidenceInput>;
