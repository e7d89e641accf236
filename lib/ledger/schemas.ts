// Schemas for assistance and the ledger, used by react-hook-form in the browser and by the server
// actions. Money is typed in yuan and leaves the schema as integer fen.
import { z } from "zod";
import { FILE_LEVEL_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { keysOf } from "@/lib/labels/keys-of";
import { blankToUndefined, calendarDate, optionalText, optionalYuanToFen, requiredText, yuanToFen } from "@/lib/forms/zod-fields";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "./labels";

const text = requiredText;

/** Largest single amount: 1,000,000 yuan; anything above is a typing mistake, not aid. */
const MAX_FEN = 100_000_000;

const yuan = yuanToFen({ maxFen: MAX_FEN });
const optionalYuan = optionalYuanToFen({ maxFen: MAX_FEN });

const aidType = z.enum(keysOf(AID_TYPE_LABELS), "请选择救助类型");
const fundSource = z.enum(keysOf(FUND_SOURCE_LABELS), "请选择资金来源");
const date = (label: string) => calendarDate(`请填写${label}（年-月-日）`);
/** A new submission's key, made once when the form opens: every retry of it sends the same key. */
const idempotencyKey = z.uuid("提交标识无效，请刷新页面后重试");

/** A checkbox group reaches the schema as an array, a single string, or false when nothing is ticked. */
const checkboxes = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === false || v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]), z.array(item));

export const ZRecordBankAccountInput = z.object({
  fileId: z.uuid("档案不存在"),
  bankName: text(2, 40, "开户银行"),
  accountNumber: z
    .string("请填写银行账号")
    .transform((v) => v.replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^[0-9]{12,30}$/, "银行账号应为 12–30 位数字")),
  accountHolder: text(1, 40, "户名"),
});
export type TRecordBankAccountInput = z.output<typeof ZRecordBankAccountInput>;

export const ZRecordDisbursementInput = z.object({
  idempotencyKey,
  fileId: z.uuid("档案不存在"),
  aidType,
  fundSource,
  amountFen: yuan,
  entryDate: date("发放日期"),
  purpose: text(2, 200, "用途"),
  evidence: optionalText(500, "凭证说明"),
  /** 助学救助: the student, as their position in the file's member list. */
  studentIndex: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).optional()),
  /** Asking an official to exceed the annual cap: why. */
  overCapNote: optionalText(500, "超限说明"),
  /** 确认不是重复发放: required when an identical disbursement was recorded recently. */
  confirmNotDuplicate: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()).optional(),
});
export type TRecordDisbursementFormValues = z.input<typeof ZRecordDisbursementInput>;
export type TRecordDisbursementInput = z.output<typeof ZRecordDisbursementInput>;

export const ZApproveDisbursementInput = z.object({
  disbursementId: z.uuid("申请不存在"),
  capOverrideReason: optionalText(500, "特批理由"),
});
export type TApproveDisbursementInput = z.output<typeof ZApproveDisbursementInput>;

export const ZRejectDisbursementInput = z.object({
  disbursementId: z.uuid("申请不存在"),
  reason: text(2, 500, "退回原因"),
});
export type TRejectDisbursementInput = z.output<typeof ZRejectDisbursementInput>;

export const ZRecordReversalInput = z.object({
  idempotencyKey,
  entryId: z.uuid("台账记录不存在"),
  entryDate: date("冲正日期"),
  reason: text(2, 500, "冲正原因"),
});
export type TRecordReversalInput = z.output<typeof ZRecordReversalInput>;

export const ZCreateBatchInput = z
  .object({
    idempotencyKey,
    /** 银行代发 (the default), 现金 or 实物; goods are described for 实物 (CHECK disbursement_batch_goods_in_kind). */
    paymentMethod: z.enum(["BANK", "CASH", "IN_KIND"], "请选择发放方式").default("BANK"),
    goodsDescription: optionalText(200, "实物名称"),
    name: text(2, 60, "批次名称"),
    aidType,
    fundSource,
    /** Blank: each household gets the policy standard for its file level. */
    standardAmountFen: optionalYuan,
    entryDate: date("发放日期"),
    purpose: text(2, 200, "用途"),
    organisationId: z.uuid("请选择发放范围（组织）"),
    tiers: checkboxes(z.enum(keysOf(TIER_LABELS))),
    fileLevels: checkboxes(z.enum(keysOf(FILE_LEVEL_LABELS))),
  })
  .superRefine((v, ctx) => {
    const goods = v.goodsDescription?.trim();
    if (v.paymentMethod === "IN_KIND" && !goods)
      ctx.addIssue({ code: "custom", path: ["goodsDescription"], message: "实物发放请填写实物名称（如 米面油、慰问品）" });
    if (v.paymentMethod !== "IN_KIND" && goods) ctx.addIssue({ code: "custom", path: ["goodsDescription"], message: "只有实物发放需要填写实物名称" });
  });
export type TCreateBatchFormValues = z.input<typeof ZCreateBatchInput>;
export type TCreateBatchInput = z.output<typeof ZCreateBatchInput>;

const ZBatchRefShape = { batchId: z.uuid("批次不存在"), expectedVersion: z.number().int() };
export const ZBatchRef = z.object(ZBatchRefShape);
export type TBatchRef = z.output<typeof ZBatchRef>;

export const ZAdjustLineInput = z.object({ ...ZBatchRefShape, lineId: z.uuid(), amountFen: yuan, reason: text(2, 200, "调整原因") });
export type TAdjustLineFormValues = z.input<typeof ZAdjustLineInput>;
export type TAdjustLineInput = z.output<typeof ZAdjustLineInput>;

export const ZRemoveLineInput = z.object({ ...ZBatchRefShape, lineId: z.uuid(), reason: text(2, 200, "移出原因") });
export type TRemoveLineInput = z.output<typeof ZRemoveLineInput>;

export const ZRestoreLineInput = z.object({ ...ZBatchRefShape, lineId: z.uuid() });
export type TRestoreLineInput = z.output<typeof ZRestoreLineInput>;

export const ZRejectBatchInput = z.object({ ...ZBatchRefShape, reason: text(2, 500, "退回原因") });
export type TRejectBatchInput = z.output<typeof ZRejectBatchInput>;

export const ZRevealAccountInput = z.object({ bankAccountId: z.uuid() });

/** The organisation ledger's filters, read from the URL; anything malformed is ignored. */
export const ZLedgerFilters = z.object({
  aidType: aidType.optional().catch(undefined),
  fundSource: fundSource.optional().catch(undefined),
  from: calendarDate().optional().catch(undefined),
  to: calendarDate().optional().catch(undefined),
  organisationId: z.uuid().optional().catch(undefined),
  min: optionalYuan.catch(undefined),
  max: optionalYuan.catch(undefined),
});
export type TLedgerFilters = Partial<z.output<typeof ZLedgerFilters>>;
