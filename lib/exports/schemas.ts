import { z } from "zod";

// The inputs of 后台导出 and 我的导出, parsed by the actions (lib/exports/actions.ts).

export const EXPORT_KINDS = ["ARCHIVE", "LEDGER", "AUDIT_EVENTS", "AUDIT_SIGNINS", "BATCH_LINES"] as const;

export const ZRequestExportInput = z.object({
  kind: z.enum(EXPORT_KINDS, { error: "请选择要导出的内容。" }),
  format: z.enum(["xlsx", "csv"], { error: "请选择 Excel 或 CSV 格式。" }),
  full: z.boolean().default(false),
  /** The page's URL parameters (its filters), read by the export exactly as its direct download reads them. */
  params: z
    .record(z.string().max(40), z.string().max(200, { error: "筛选条件过长。" }))
    .refine((p) => Object.keys(p).length <= 20, { error: "筛选条件过多。" })
    .default({}),
});
export type TRequestExportInput = z.input<typeof ZRequestExportInput>;

export const ZExportJobRef = z.object({ jobId: z.uuid({ error: "导出记录不存在。" }) });
