// Words for return-to-hardship warnings, visit events, referrals and exit paths (issue 25). Pure:
// shared by pages, forms and the domain.
import type { ExitPath, ReferralDepartment, ReferralOutcome, VisitEvent, WarningRule, WarningStatus } from "@/lib/generated/prisma/enums";

export const VISIT_EVENT_LABELS: Record<VisitEvent, string> = {
  SERIOUS_ILLNESS: "新发重病",
  DISABILITY: "新增残疾",
  JOB_LOSS: "失业",
  EARNER_DEATH: "主要劳动力死亡",
};

export const WARNING_RULE_LABELS: Record<WarningRule, string> = {
  LOW_INCOME: "收入低于预警线",
  LIFE_EVENT: "重大变故",
  CIVIL_LISTING: "民政新列入低保",
  MEDICAL_AID: "医疗救助金额大",
  NO_VISIT: "渐退期长期未走访",
};

export const WARNING_STATUS_LABELS: Record<WarningStatus, string> = {
  OPEN: "待处理",
  RECHECK_OPENED: "已发起复核",
  REOPENED: "已返困重新建档",
  DISMISSED: "已排除",
};

export const REFERRAL_DEPARTMENT_LABELS: Record<ReferralDepartment, string> = {
  CIVIL_AFFAIRS: "民政",
  HUMAN_RESOURCES: "人社",
  MEDICAL_INSURANCE: "医保",
  EDUCATION: "教育",
  HOUSING: "住建",
  OTHER: "其他部门",
};

/** What each department is usually asked for (the form's hint). */
export const REFERRAL_DEPARTMENT_HINTS: Record<ReferralDepartment, string> = {
  CIVIL_AFFAIRS: "低保、特困供养、临时救助",
  HUMAN_RESOURCES: "就业、培训、公益性岗位",
  MEDICAL_INSURANCE: "大病保险、医疗救助",
  EDUCATION: "助学",
  HOUSING: "住房保障",
  OTHER: "其他部门的帮扶政策",
};

export const REFERRAL_OUTCOME_LABELS: Record<ReferralOutcome, string> = {
  GRANTED: "办结",
  NOT_ELIGIBLE: "不符合",
  UNRESOLVED: "未办结",
};

export const EXIT_PATH_LABELS: Record<ExitPath, string> = {
  EMPLOYMENT: "就业安置",
  SOCIAL_SECURITY: "社保兜底",
  MEDICAL: "医疗保障",
  EDUCATION: "助学帮扶",
  HOUSING: "住房保障",
  OTHER: "其他",
};
