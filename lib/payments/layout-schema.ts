// What a bank layout (代发格式) is made of, shared by the administrator's form and the server: the
// fields a payment file can carry, the zod schema both parse with, and the labels users read.
import { z } from "zod";

export const PAYMENT_FIELDS = ["SEQ", "NAME", "ACCOUNT", "BANK", "AMOUNT", "ID_NUMBER", "MEMO", "REFERENCE"] as const;
export type TPaymentField = (typeof PAYMENT_FIELDS)[number];

export const PAYMENT_FIELD_LABELS: Record<TPaymentField, string> = {
  SEQ: "序号",
  NAME: "收款人姓名",
  ACCOUNT: "收款账号",
  BANK: "开户行",
  AMOUNT: "金额（元，两位小数）",
  ID_NUMBER: "证件号码",
  MEMO: "摘要（参考号＋救助类型）",
  REFERENCE: "业务参考号",
};

export const LAYOUT_FORMAT_LABELS = { XLSX: "Excel 工作簿（.xlsx）", DELIMITED: "分隔符文本（.txt / .csv）", FIXED: "定长文本（.txt）" } as const;
export const LAYOUT_ENCODING_LABELS = { UTF8: "UTF-8", GBK: "GBK" } as const;
export const DELIMITER_LABELS: Record<string, string> = { ",": "逗号 ,", "|": "竖线 |", ";": "分号 ;", "\t": "制表符 Tab" };

export const RETURN_COLUMN_KEYS = ["reference", "name", "account", "amount", "result", "reason"] as const;
export type TReturnColumnKey = (typeof RETURN_COLUMN_KEYS)[number];
export const RETURN_COLUMN_LABELS: Record<TReturnColumnKey, string> = {
  reference: "参考号所在列",
  name: "户名列",
  account: "账号列",
  amount: "金额列",
  result: "处理结果列",
  reason: "失败原因列",
};

const title = (what: string) => z.string().trim().min(1, `请填写${what}`).max(40, `${what}不超过 40 个字`);

export const ZLayoutColumn = z.object({
  field: z.enum(PAYMENT_FIELDS, { message: "请选择字段" }),
  title: title("列标题"),
  // Only fixed-width layouts use it: characters of the column (GBK counts a Chinese character as two).
  width: z
    .union([z.literal("").transform(() => undefined), z.coerce.number().int("宽度须为整数").min(1, "宽度至少为 1").max(200, "宽度不超过 200")])
    .optional(),
});
export type TLayoutColumn = z.output<typeof ZLayoutColumn>;

export const ZReturnColumns = z.object({
  reference: title("参考号所在列"),
  name: title("户名列"),
  account: title("账号列"),
  amount: title("金额列"),
  result: title("处理结果列"),
  reason: title("失败原因列"),
});
export type TReturnColumns = z.output<typeof ZReturnColumns>;

export const ZBankLayoutInput = z
  .object({
    layoutId: z.uuid().optional(),
    expectedVersion: z.coerce.number().int().optional(),
    name: title("格式名称"),
    format: z.enum(["XLSX", "DELIMITED", "FIXED"], { message: "请选择文件类型" }),
    encoding: z.enum(["UTF8", "GBK"], { message: "请选择编码" }),
    delimiter: z.string().optional(),
    headerRow: z.boolean(),
    totalRow: z.boolean(),
    columns: z.array(ZLayoutColumn).min(1, "至少需要一列").max(20, "不超过 20 列"),
    returnColumns: ZReturnColumns,
    paidResults: z.string().trim().min(1, "请填写表示成功的处理结果，如：成功").max(200),
    isDefault: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (v.format === "XLSX" && v.encoding !== "UTF8") ctx.addIssue({ code: "custom", path: ["encoding"], message: "Excel 工作簿不选编码，请选 UTF-8" });
    if (v.format === "DELIMITED" && !(v.delimiter && v.delimiter in DELIMITER_LABELS))
      ctx.addIssue({ code: "custom", path: ["delimiter"], message: "请选择分隔符" });
    if (!v.columns.some((c) => c.field === "REFERENCE" || c.field === "MEMO")) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: "须有一列带参考号（业务参考号或摘要），回盘才能逐笔对应" });
    }
    for (const field of ["NAME", "ACCOUNT", "AMOUNT"] as const) {
      if (!v.columns.some((c) => c.field === field)) ctx.addIssue({ code: "custom", path: ["columns"], message: `须有“${PAYMENT_FIELD_LABELS[field]}”列` });
    }
    const seen = new Set<string>();
    v.columns.forEach((c, i) => {
      if (seen.has(c.title)) ctx.addIssue({ code: "custom", path: ["columns", i, "title"], message: "列标题重复" });
      seen.add(c.title);
      if (v.format === "FIXED" && !c.width) ctx.addIssue({ code: "custom", path: ["columns", i, "width"], message: "定长格式须填写宽度" });
    });
  })
  .transform((v) => ({
    ...v,
    delimiter: v.format === "DELIMITED" ? v.delimiter! : null,
    paidResults: [
      ...new Set(
        v.paidResults
          .split(/[,，、\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ],
    columns: v.columns.map((c) => (v.format === "FIXED" ? c : { field: c.field, title: c.title })),
  }));
export type TBankLayoutFormValues = z.input<typeof ZBankLayoutInput>;
export type TBankLayoutInput = z.output<typeof ZBankLayoutInput>;

/** A stored layout as the writers and readers use it. */
export type TBankLayout = {
  id: string;
  name: string;
  format: "XLSX" | "DELIMITED" | "FIXED";
  encoding: "UTF8" | "GBK";
  delimiter: string | null;
  headerRow: boolean;
  totalRow: boolean;
  columns: TLayoutColumn[];
  returnColumns: TReturnColumns;
  paidResults: string[];
  isDefault: boolean;
  version: number;
};
