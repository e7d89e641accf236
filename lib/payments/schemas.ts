// Inputs of the payment actions and upload routes (bank returns, signed receipts, call-backs), parsed the same in the browser and on the server.
import { z } from "zod";
import { todayInShanghai } from "@/lib/format/datetime";
import { calendarDate, optionalText, requiredText } from "@/lib/forms/zod-fields";
import { CALLBACK_OUTCOME_LABELS } from "./labels";

const fromFormData = (raw: unknown) => (raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw);

export const ZReturnFileInput = z.preprocess(
  fromFormData,
  z.object({
    batchId: z.uuid("批次不存在"),
    layoutId: z.union([z.literal("").transform(() => undefined), z.uuid("请选择回盘格式")]).optional(),
    // A file input left empty still posts a File, with no name and no bytes.
    file: z.instanceof(File, { message: "请选择银行的回盘文件" }).refine((f) => f.name !== "" || f.size > 0, "请选择银行的回盘文件"),
    // Present only on 确认导入: the SHA-256 of the file the official previewed.
    expectedSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "请先预览回盘文件")
      .optional(),
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
    fund: z
      .enum(["CENTRAL_SPECIAL", "UNION_FUNDS", "WARMTH_FUND", "DONATION"])
      .optional()
      .or(z.literal("").transform(() => undefined)),
    batch: z
      .uuid()
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .transform((v, ctx) => {
    const thisMonth = todayInShanghai().slice(0, 7);
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

const outcomeKeys = Object.keys(CALLBACK_OUTCOME_LABELS) as [keyof typeof CALLBACK_OUTCOME_LABELS, ...(keyof typeof CALLBACK_OUTCOME_LABELS)[]];

/** 批量标记签收: the lines ticked on the batch page, and what became of them. */
export const ZMarkReceiptsInput = z
  .object({
    batchId: z.uuid("批次不存在"),
    lineIds: z.array(z.uuid("名单中没有这一行，请刷新页面。"), "请勾选要标记的名单").min(1, "请至少勾选一户").max(1000, "一次最多标记 1000 户"),
    outcome: z.enum(["SIGNED", "UNCLAIMED"], "请选择已签收或未领取"),
    reason: optionalText(200, "未领取原因"),
  })
  .refine((v) => v.outcome !== "UNCLAIMED" || (v.reason?.trim().length ?? 0) >= 2, { message: "请填写未领取原因（至少 2 个字）", path: ["reason"] });
export type TMarkReceiptsInput = z.output<typeof ZMarkReceiptsInput>;

/** 上传签收表扫描件: the batch page's form (batchId, file). */
export const ZUploadReceiptScanInput = z.preprocess(
  (raw: unknown) => (raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw),
  z.object({
    batchId: z.uuid("批次不存在"),
    file: z.instanceof(File, { message: "请选择签收表扫描件" }).refine((f) => f.name !== "" || f.size > 0, "请选择签收表扫描件"),
  }),
);
export type TUploadReceiptScanInput = z.output<typeof ZUploadReceiptScanInput>;

/** 登记回访结果. A problem (未收到, 金额不符) needs what the household said. */
export const ZRecordCallbackInput = z
  .object({
    callId: z.uuid("回访记录不存在"),
    outcome: z.enum(outcomeKeys, "请选择回访结果"),
    note: optionalText(500, "回访记录"),
  })
  .refine((v) => v.outcome === "RECEIVED" || v.outcome === "UNREACHABLE" || (v.note?.trim().length ?? 0) >= 2, {
    message: "未收到或金额不符时，请记录对方的说法（至少 2 个字）",
    path: ["note"],
  });
export type TRecordCallbackFormValues = z.input<typeof ZRecordCallbackInput>;
export type TRecordCallbackInput = z.output<typeof ZRecordCallbackInput>;

/** 审计核查结论: the auditor closes a call-back problem with a note. */
export const ZResolveCallbackProblemInput = z.object({
  itemId: z.uuid("待办事项不存在"),
  note: requiredText(2, 500, "核查结论"),
});
export type TResolveCallbackProblemInput = z.output<typeof ZResolveCallbackProblemInput>;

/** The call-back list's filters, from the URL; anything malformed is ignored. */
export const ZCallbackFilters = z.object({
  status: z.enum(["open", "done", "problem", "all"]).catch("open"),
  batchId: z.uuid().optional().catch(undefined),
  q: z.string().trim().max(40).optional().catch(undefined),
});
export type TCallbackFilters = z.output<typeof ZCallbackFilters>;

/** The coverage report's period (from ≤ to, at most five years), from the URL. */
export const ZCoveragePeriod = z
  .object({ from: calendarDate("请填写起始日期（年-月-日）"), to: calendarDate("请填写截止日期（年-月-日）") })
  .refine((v) => v.from <= v.to, { message: "起始日期不能晚于截止日期", path: ["to"] })
  .refine((v) => Number(v.to.slice(0, 4)) - Number(v.from.slice(0, 4)) <= 5, { message: "统计期间最长五年，请缩短期间", path: ["to"] });

// ───── 代发汇总 (payment runs of single disbursements, 0037) ─────
export const ZCreatePaymentRunInput = z.object({
  organisationId: z.uuid("请选择付款单位"),
  fundSource: z.enum(["CENTRAL_SPECIAL", "UNION_FUNDS", "WARMTH_FUND", "DONATION"], "请选择资金来源"),
  name: z.string().trim().min(2, "请填写汇总名称").max(60, "名称不超过 60 字"),
});
export type TCreatePaymentRunFormInput = z.output<typeof ZCreatePaymentRunInput>;

export const ZRunReturnFileInput = z.preprocess(
  fromFormData,
  z.object({
    runId: z.uuid("代发汇总不存在"),
    layoutId: z.union([z.literal("").transform(() => undefined), z.uuid("请选择回盘格式")]).optional(),
    file: z.instanceof(File, { message: "请选择银行的回盘文件" }).refine((f) => f.name !== "" || f.size > 0, "请选择银行的回盘文件"),
    expectedSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "请先预览回盘文件")
      .optional(),
  }),
);
export type TRunReturnUploadResult =
  | { preview: import("./apply-return-file").TReturnPreview; applied?: undefined }
  | { applied: { runId: string; paidLines: number; returnedLines: number }; preview?: undefined };

export const ZCloseReturnedDisbursementInput = z.object({
  disbursementId: z.uuid("付款不存在"),
  reason: z.string().trim().min(2, "请填写关闭原因").max(200, "原因不超过 200 字"),
});
