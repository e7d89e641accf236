"use client";

import {
  completeWorkItemAction,
  disposeFileAction,
  recordFindingAction,
  removeCalendarDayAction,
  runDailyCalendarNowAction,
  setCalendarDayAction,
  startSpotCheckAction,
} from "@/lib/calendar/actions";
import { DialogForm } from "@/components/forms/dialog-form";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { SPOT_CHECK_FINDING_LABELS } from "@/lib/calendar/labels";
import { CALENDAR_DAY_KIND_LABELS, ZCompleteWorkItemInput, ZRecordFindingInput, ZSetCalendarDayInput, ZStartSpotCheckInput } from "@/lib/calendar/schemas";

export function CompleteWorkItemButton({ itemId, holderName }: { itemId: string; holderName: string }) {
  return (
    <DialogForm
      label="已同步"
      title={`${holderName}家：纸质档案已同步`}
      description="确认纸质档案已按电子档案的变更补充、更正并归档。"
      fields={[{ name: "note", label: "说明（可不填）", type: "text" }]}
      schema={ZCompleteWorkItemInput}
      defaults={{ itemId, note: "" }}
      confirmLabel="确认已同步"
      buttonVariant="secondary"
      run={(values) => completeWorkItemAction(values)}
    />
  );
}

export function DisposeFileButton({ fileId, label }: { fileId: string; label: string }) {
  return (
    <ConfirmAction
      label="批准销毁"
      title={`批准销毁 ${label} 的原始材料`}
      message="保管期已满。销毁后该档案的证明材料文件将被永久删除，只保留销毁记录（档号、日期、审批人）；档案信息、救助台账和审计日志不受影响。此操作不能撤销。"
      confirmLabel="确认销毁"
      variant="danger"
      run={() => disposeFileAction({ fileId })}
    />
  );
}

export function StartSpotCheckButton({ organisationId, organisationName, year }: { organisationId: string; organisationName: string; year: number }) {
  return (
    <DialogForm
      label={`启动 ${year} 年度抽查`}
      title={`启动 ${organisationName} ${year} 年度抽查`}
      description="系统将按抽查比例从本单位及下级工会的在档档案中随机抽取（记录随机种子，可复现），每个单位每年只能启动一次。"
      fields={[]}
      schema={ZStartSpotCheckInput}
      defaults={{ organisationId }}
      confirmLabel="确认启动"
      run={(values) => startSpotCheckAction(values)}
    />
  );
}

export function RecordFindingButton({ recordId, holderName, recorded }: { recordId: string; holderName: string; recorded: boolean }) {
  return (
    <DialogForm
      label={recorded ? "修改结论" : "登记结论"}
      title={`抽查结论：${holderName}家`}
      fields={[
        { name: "finding", label: "抽查结论", type: "select", options: SPOT_CHECK_FINDING_LABELS },
        { name: "note", label: "问题说明（结论不是“准确”时必填）", type: "textarea" },
      ]}
      schema={ZRecordFindingInput}
      defaults={{ recordId, finding: "", note: "" } as never}
      confirmLabel="保存"
      buttonVariant="secondary"
      run={(values) => recordFindingAction(values as never)}
    />
  );
}

export function RunDailyNowButton() {
  return (
    <ConfirmAction
      label="立即运行"
      title="立即运行每日档案日历"
      message="按今天的日期生成待办事项。任务可重复运行，已有的待办不会重复生成。"
      confirmLabel="运行"
      run={() => runDailyCalendarNowAction({})}
    />
  );
}

/** 录入节假日: a day of a year chinese-days does not cover; entering a date again corrects it. */
export function SetCalendarDayButton({
  defaults,
  label = "录入节假日或调休",
}: {
  defaults?: { day: string; kind: "HOLIDAY" | "WORKDAY"; name: string };
  label?: string;
}) {
  return (
    <DialogForm
      label={label}
      title={defaults ? `更正 ${defaults.day} 的安排` : "录入节假日或调休上班日"}
      description="按国务院办公厅公布的节假日安排，逐日录入放假日和调休上班日。保存后，跨过该日的纸质档案同步期限会按新日历重新计算；数据包日后收录该年份时，不会覆盖这里录入的日子。"
      fields={[
        { name: "day", label: "日期", type: "date" },
        { name: "kind", label: "安排", type: "select", options: CALENDAR_DAY_KIND_LABELS },
        { name: "name", label: "名称", type: "text", hint: "如：春节、元旦、春节调休上班" },
      ]}
      schema={ZSetCalendarDayInput}
      defaults={(defaults ?? { day: "", kind: "", name: "" }) as never}
      confirmLabel="保存"
      buttonVariant={defaults ? "secondary" : "primary"}
      run={(values) => setCalendarDayAction(values as never)}
    />
  );
}

export function RemoveCalendarDayButton({ day, name }: { day: string; name: string }) {
  return (
    <ConfirmAction
      label="撤销"
      title={`撤销 ${day}（${name}）`}
      message="撤销后这一天按数据包的安排计算；数据包没有收录时，周一至周五为工作日、周六周日休息。跨过该日的纸质档案同步期限会重新计算。"
      confirmLabel="确认撤销"
      variant="danger"
      run={() => removeCalendarDayAction({ day })}
    />
  );
}
