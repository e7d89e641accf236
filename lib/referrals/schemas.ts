// Forms of referrals to other departments (部门转介), shared by the browser and the server actions.
import { z } from "zod";
import { keysOf } from "@/lib/labels/keys-of";
import { calendarDate, optionalText, requiredText } from "@/lib/forms/zod-fields";
import { REFERRAL_DEPARTMENT_LABELS, REFERRAL_OUTCOME_LABELS } from "@/lib/warnings/labels";

export const ZCreateReferralInput = z
  .object({
    fileId: z.uuid("档案不存在"),
    measureId: z.preprocess((v) => (v === "" ? undefined : v), z.uuid("帮扶措施不存在").optional()),
    department: z.enum(keysOf(REFERRAL_DEPARTMENT_LABELS), "请选择转介部门"),
    item: requiredText(1, 200, "转介事项"),
    referredOn: calendarDate("请填写转介日期"),
    contact: requiredText(1, 100, "对接人及联系方式"),
    dueDate: calendarDate("请填写办结时限"),
  })
  .superRefine((v, ctx) => {
    if (v.dueDate < v.referredOn) ctx.addIssue({ code: "custom", path: ["dueDate"], message: "办结时限不能早于转介日期" });
  });
export type TCreateReferralInput = z.output<typeof ZCreateReferralInput>;

export const ZCloseReferralInput = z
  .object({
    referralId: z.uuid("转介记录不存在"),
    expectedVersion: z.number().int(),
    outcome: z.enum(keysOf(REFERRAL_OUTCOME_LABELS), "请选择办理结果"),
    outcomeOn: calendarDate("请填写办理结果日期"),
    outcomeNote: optionalText(500, "办理情况"),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === "GRANTED" && !v.outcomeNote) ctx.addIssue({ code: "custom", path: ["outcomeNote"], message: "办结请写明落实的政策或待遇" });
  });
export type TCloseReferralInput = z.output<typeof ZCloseReferralInput>;
