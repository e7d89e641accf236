// Inputs of the payment actions and upload route, parsed the same in the browser and on the server.
import { z } from "zod";

const fromFormData = (raw: unknown) => (raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw);

export const ZReturnFileInput = z.preprocess(
  fromFormData,
  z.object({
    batchId: z.uuid("批次不存在"),
    layoutId: z.union([z.literal("").transform(() => undefined), z.uuid("请选择回盘格式")]).optional(),
    // A file input left empty still posts a File, with no name and no bytes.
    file: z.instanceof(File, { message: "请选择银行的回盘文件" }).refine((f) => f.name !== "" || f.size > 0, "请选择银行的回盘文件"),
    // Present only on 确认导入: the SHA-256 of the file the official previewed.
    expectedSha256: z.string().regex(/^[0-9a-f]{64}$/, "请先预览回盘文件").optional(),
  }),
);
export type TReturnFileFormInput = z.output<typeof ZReturnFileInput>;

export const ZCloseReturnedInput = z.object({
  lineId: z.uuid("付款不存在"),
  reason: z.string().trim().min(2, "请填写关闭原因").max(200, "原因不超过 200 字"),
});
export type TCloseReturnedInput = z.output<typeof ZCloseReturnedInput>;

export const ZReissueInput = z.object({
  lineIds: z.array(z.uuid()).min(1, "请选择要重发的付款").max(1000, "一次最多重发 1000 笔"),
  idempotencyKey: z.uuid(),
});
export type TReissueInput = z.output<typeof ZReissueInput>;

/** What the upload route answers: the preview, or what was applied. */
export type TReturnUploadResult =
  | { preview: import("./apply-return-file").TReturnPreview; applied?: undefined }
  | { applied: { batchId: string; paidLines: number; returnedLines: number; settled: boolean }; preview?: undefined };

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** 对账 filters from the URL: a month range (YYYY-MM, at most 24 months) and a fund; missing months are this month. */
export const ZReconQuery = z
  .object({
    from: z.string().regex(MONTH, "起始月份格式应为 2027-01").optional(),
    to: z.string().regex(MONTH, "截止月份格式应为 2027-01").optional(),
    fund: z.enum(["CENTRAL_SPECIAL", "UNION_FUNDS", "WARMTH_FUND", "DONATION"]).optional().or(z.literal("").transform(() => undefined)),
    batch: z.uuid().optional().or(z.literal("").transform(() => undefined)),
  })
  .transform((v, ctx) => {
    const thisMonth = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const from = v.from ?? v.to ?? thisMonth;
    const to = v.to ?? v.from ?? thisMonth;
    const [fy, fm] = from.split("-").map(Number) as [number, number];
    const [ty, tm] = to.split("-").map(Number) as [number, number];
    const months = (ty - fy) * 12 + (tm - fm);
    if (months < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "截止月份不能早于起始月份" });
    if (months > 23) ctx.addIssue({ code: "custom", path: ["to"], message: "一次最多对账 24 个月" });
    const lastDay = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
    return { fromMonth: from, toMonth: to, from: `${from}-01`, to: `${to}-${String(lastDay).padStart(2, "0")}`, fundSource: v.fund, batchId: v.batch };
  });
