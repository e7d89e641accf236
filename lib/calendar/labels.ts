import type { SpotCheckFinding, WorkItemKind } from "@/lib/generated/prisma/enums";

export const WORK_ITEM_LABELS: Record<WorkItemKind, string> = {
  RECHECK_DUE: "动态核查到期",
  OBSERVATION_ENDED: "渐退期届满，待结束跟踪",
  PUBLICITY_ENDED: "公示期满，待审定",
  EXIT_SUGGESTED: "符合脱困条件，建议退档",
  PAPER_SYNC: "纸质档案待同步",
  RETENTION_ENDED: "保管期满，待审批销毁",
  CALLBACK_PROBLEM: "回访发现问题，待审计核查",
  CHECKIN_DUE: "脱困后回访",
};

export const SPOT_CHECK_FINDING_LABELS: Record<SpotCheckFinding, string> = {
  ACCURATE: "准确",
  WRONGLY_FILED: "错评",
  WRONGLY_EXITED: "错退",
  MISSED_EXIT: "漏退",
  CORRECTION_NEEDED: "信息需更正",
};

export const JOB_LABELS: Record<string, string> = {
  "calendar-daily": "每日档案日历（待办事项）",
};
