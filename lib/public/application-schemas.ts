// The online application form (网上申请), parsed in the browser (react-hook-form) and by the
// server. The household part is the staff draft's own schema (lib/filing/schemas.ts) without the
// fields only a caseworker decides (档案级别, 建议困难类别), plus what an applicant must give:
// every member named with relation and ID number, the main cause, a phone and the consent.
import { z } from "zod";
import { checkConsistency, ZFilingData, type TFilingData } from "@/lib/filing/schemas";
import { keysOf } from "@/lib/labels/keys-of";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { requiredText } from "@/lib/forms/zod-fields";
import { validateResidentId } from "@/lib/people/resident-id";
import { PUBLIC_UNION_SEARCH } from "./limits";
import { normalizeQueryCode, QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH } from "./query-code-format";

const PHONE = /^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/;

export const ZApplicationData = ZFilingData.omit({ fileLevel: true, proposedTier: true })
  .extend({
    contactPhone: requiredText(1, 20, "联系电话")
      .transform((v) => v.replace(/[\s-]/g, ""))
      .refine((v) => PHONE.test(v) || /^0[0-9]{9,11}$/.test(v), "请填写 11 位手机号码，或带区号的固定电话"),
    consent: z.literal(true, "请阅读个人信息处理告知并勾选同意，否则不能提交申请"),
  })
  .superRefine((data, ctx) => checkConsistency(data as unknown as TFilingData, ctx))
  .superRefine((data, ctx) => {
    data.members.forEach((member, index) => {
      if (!member.name) ctx.addIssue({ code: "custom", path: ["members", index, "name"], message: "请填写姓名" });
      if (!member.relation) ctx.addIssue({ code: "custom", path: ["members", index, "relation"], message: "请选择关系" });
      if (!member.residentId) ctx.addIssue({ code: "custom", path: ["members", index, "residentId"], message: "请填写身份证号码" });
    });
    if (!data.mainCause) ctx.addIssue({ code: "custom", path: ["mainCause"], message: "请选择主要致困原因" });
    data.incomes.forEach((income, index) => {
      if (!income.source) ctx.addIssue({ code: "custom", path: ["incomes", index, "source"], message: "请选择收入来源" });
      if (income.monthlyFen === undefined) ctx.addIssue({ code: "custom", path: ["incomes", index, "monthlyFen"], message: "请填写月收入金额" });
    });
    data.expenditures.forEach((item, index) => {
      if (!item.kind) ctx.addIssue({ code: "custom", path: ["expenditures", index, "kind"], message: "请选择支出类别" });
      if (item.annualFen === undefined) ctx.addIssue({ code: "custom", path: ["expenditures", index, "annualFen"], message: "请填写年支出金额" });
    });
  })
  // The birth date and sex are in the ID number: the applicant is not asked for them twice, and
  // the draft gets them filled.
  .transform((data) => ({
    ...data,
    members: data.members.map((m) => {
      const checked = m.residentId ? validateResidentId(m.residentId) : null;
      return checked?.ok ? { ...m, birthDate: m.birthDate ?? checked.birthDate, sex: m.sex ?? checked.sex } : m;
    }),
  }));
export type TApplicationFormValues = z.input<typeof ZApplicationData>;
export type TApplicationData = z.output<typeof ZApplicationData>;

/** What an applicant may upload as: the evidence kinds, in the applicant's words. */
export const APPLICATION_UPLOAD_KIND_LABELS = {
  OTHER: "身份证（正反面）或其他材料",
  APPLICATION: "签字的申请书",
  AUTHORISATION: "家庭经济状况核对授权书",
  DIAGNOSIS: "诊断证明、医疗票据",
  DISABILITY: "残疾证",
  ADMISSION: "录取通知书、学费票据",
  ACCIDENT: "事故或灾害证明",
  INCOME: "收入证明",
} as const satisfies Record<keyof typeof EVIDENCE_KIND_LABELS, string>;

export const ZApplicationUpload = z.object({
  kind: z.enum(keysOf(EVIDENCE_KIND_LABELS), "请选择材料类别"),
  file: z.instanceof(File, { message: "请选择要上传的文件" }).refine((f) => f.name !== "" || f.size > 0, "请选择要上传的文件"),
});

/** The whole submission as the route hands it over: the form's fields and the files beside them. */
export const ZSubmitApplicationInput = z.object({
  data: ZApplicationData,
  uploads: z.array(ZApplicationUpload),
});
export type TSubmitApplicationInput = z.output<typeof ZSubmitApplicationInput>;

export const ZUnionSearchInput = z.object({
  name: requiredText(PUBLIC_UNION_SEARCH.minChars, PUBLIC_UNION_SEARCH.maxChars, "工会名称").transform((v) => v.replace(/\s+/g, "")),
});

/** An application number as printed: SQ, 6 digits of the date, 6 characters of the code alphabet. */
export const APPLICATION_NUMBER = new RegExp(`^SQ[0-9]{6}[${QUERY_CODE_ALPHABET}]{6}$`);

export const ZApplicationQueryInput = z.object({
  number: requiredText(1, 30, "申请编号")
    .transform((v) => v.toUpperCase().replace(/[\s\-－—]/g, ""))
    .refine((v) => APPLICATION_NUMBER.test(v), "申请编号为 SQ 开头的 14 位字母和数字，见提交申请后的页面"),
  code: requiredText(1, 30, "查询码")
    .transform(normalizeQueryCode)
    .refine(
      (v) => v.length === QUERY_CODE_LENGTH && [...v].every((c) => QUERY_CODE_ALPHABET.includes(c)),
      `查询码为 ${QUERY_CODE_LENGTH} 位字母和数字（不含 0、1、I、L、O）`,
    ),
});
export type TApplicationQueryInput = z.input<typeof ZApplicationQueryInput>;
export type TApplicationQuery = z.output<typeof ZApplicationQueryInput>;
