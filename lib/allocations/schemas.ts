// Schemas for allocations, used by react-hook-form in the browser and by the server actions.
// Money is typed in yuan and leaves the schema as integer fen.
import { z } from "zod";
import { calendarDate, optionalText, requiredText, yuanToFen } from "@/lib/forms/zod-fields";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { keysOf } from "@/lib/labels/keys-of";
import { ENTERABLE_KINDS } from "./labels";

/** Largest single allocation row: ¥1,000,000,000 (a province's yearly fund is well below). */
export const MAX_ALLOCATION_FEN = 100_000_000_000;

const kind = z.enum(ENTERABLE_KINDS, "请选择登记类型");
const fundSource = z.enum(keysOf(FUND_SOURCE_LABELS), "请选择资金来源");

/**
 * One form for the three kinds: which fields count depends on the kind (recipient for 下拨, source
 * for 拨入, the corrected row for 调整, whose amount may be negative).
 */
export const ZRecordAllocationInput = z
  .object({
    idempotencyKey: z.uuid("提交标识无效，请刷新页面后重试"),
    kind,
    fundSource: fundSource.optional(),
    recipientId: z.preprocess((v) => (v === "" ? undefined : v), z.uuid("请选择下级工会").optional()),
    adjustsId: z.preprocess((v) => (v === "" ? undefined : v), z.uuid("请选择要调整的记录").optional()),
    amountFen: yuanToFen({ maxFen: MAX_ALLOCATION_FEN, allowNegative: true }),
    entryDate: calendarDate("请填写日期（年-月-日）"),
    source: optionalText(60, "资金来源单位"),
    note: requiredText(2, 200, "文号或说明"),
  })
  .superRefine((v, ctx) => {
    if (v.kind !== "ADJUSTMENT" && !v.fundSource) ctx.addIssue({ code: "custom", path: ["fundSource"], message: "请选择资金来源" });
    if (v.kind === "PASS_DOWN" && !v.recipientId) ctx.addIssue({ code: "custom", path: ["recipientId"], message: "请选择下级工会" });
    if (v.kind === "RECEIVED" && !v.source) ctx.addIssue({ code: "custom", path: ["source"], message: "请填写资金来源单位（如 省财政厅、全国总工会）" });
    if (v.kind === "ADJUSTMENT" && !v.adjustsId) ctx.addIssue({ code: "custom", path: ["adjustsId"], message: "请选择要调整的记录" });
    if (v.kind === "ADJUSTMENT" ? v.amountFen === 0 : v.amountFen <= 0) {
      ctx.addIssue({ code: "custom", path: ["amountFen"], message: v.kind === "ADJUSTMENT" ? "调整金额不能为 0（调减请填负数）" : "金额须大于 0" });
    }
  });
export type TRecordAllocationInput = z.output<typeof ZRecordAllocationInput>;
