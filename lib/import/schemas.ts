// The import forms' schemas, used in the browser before posting and by the server actions.
import { z } from "zod";

const fromFormData = (raw: unknown) => (raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw);

export const ZUploadHouseholdImportInput = z.preprocess(
  fromFormData,
  z.object({
    // A file input left empty still posts a File, with no name and no bytes.
    file: z.instanceof(File, { message: "请选择要上传的工作簿" }).refine((f) => f.name !== "" || f.size > 0, "请选择要上传的工作簿"),
    mode: z.enum(["DRAFT", "OPEN"], { message: "请选择导入方式" }).default("DRAFT"),
  }),
);
export type TUploadHouseholdImportInput = z.output<typeof ZUploadHouseholdImportInput>;

export const ZHouseholdImportRef = z.object({ importId: z.uuid("导入记录不存在") });
export type THouseholdImportRef = z.output<typeof ZHouseholdImportRef>;

export const ZRejectHouseholdImportInput = z.object({
  importId: z.uuid("导入记录不存在"),
  reason: z.string().trim().min(1, "请填写驳回理由").max(500, "驳回理由不能超过 500 个字"),
});
export type TRejectHouseholdImportInput = z.output<typeof ZRejectHouseholdImportInput>;
