import { z } from "zod";
import { keysOf } from "@/lib/labels/keys-of";
import { calendarDate, optionalText, requiredText } from "@/lib/forms/zod-fields";
import { SPOT_CHECK_FINDING_LABELS } from "./labels";

export const ZStartSpotCheckInput = z.object({ organisationId: z.uuid("请选择组织") });
export type TStartSpotCheckInput = z.infer<typeof ZStartSpotCheckInput>;

export const ZRecordFindingInput = z
  .object({
    recordId: z.uuid("抽查记录不存在"),
    finding: z.enum(keysOf(SPOT_CHECK_FINDING_LABELS), "请选择抽查结论"),
    note: optionalText(500, "说明"),
  })
  .superRefine((v, ctx) => {
    if (v.finding !== "ACCURATE" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "结论不是“准确”时须写明问题" });
  });
export type TRecordFindingInput = z.output<typeof ZRecordFindingInput>;

export const ZCompleteWorkItemInput = z.object({ itemId: z.uuid("待办事项不存在"), note: optionalText(200, "说明") });
export type TCompleteWorkItemInput = z.output<typeof ZCompleteWorkItemInput>;

export const ZDisposeFileInput = z.object({ fileId: z.uuid("档案不存在") });
export type TDisposeFileInput = z.infer<typeof ZDisposeFileInput>;

export const CALENDAR_DAY_KIND_LABELS = { HOLIDAY: "放假", WORKDAY: "调休上班" } as const;

/** 日历维护: a holiday or make-up working day an administrator enters or corrects. */
export const ZSetCalendarDayInput = z.object({
  day: calendarDate("请选择日期"),
  kind: z.enum(keysOf(CALENDAR_DAY_KIND_LABELS), "请选择放假或调休上班"),
  name: requiredText(1, 30, "名称"),
});
export type TSetCalendarDayInput = z.output<typeof ZSetCalendarDayInput>;

/** Withdraws an administrator's entry: the day counts by the package, or by Monday–Friday, again. */
export const ZRemoveCalendarDayInput = z.object({ day: calendarDate("请选择日期") });
export type TRemoveCalendarDayInput = z.output<typeof ZRemoveCalendarDayInput>;
