// Chinese labels for the filing form's enums. What other features show of a file too (status, tier,
// level, category, cause) is in lib/labels/household-file.ts.
import type { CivilCheckResult, EvidenceKind } from "@/lib/generated/prisma/enums";

export const CIVIL_CHECK_LABELS: Record<CivilCheckResult, string> = { CONSISTENT: "核对相符", INCONSISTENT: "核对不符" };

export const EVIDENCE_KIND_LABELS: Record<EvidenceKind, string> = {
  APPLICATION: "申请书",
  AUTHORISATION: "家庭经济状况核对授权书",
  DIAGNOSIS: "诊断证明、医疗票据",
  DISABILITY: "残疾证",
  ADMISSION: "录取通知书、学费票据",
  ACCIDENT: "事故或灾害证明",
  INCOME: "收入证明",
  OTHER: "其他材料",
};

export const RELATION_LABELS = {
  SELF: "本人",
  SPOUSE: "配偶",
  CHILD: "子女",
  PARENT: "父母",
  SIBLING: "兄弟姐妹",
  GRANDCHILD: "孙子女",
  GRANDPARENT: "祖父母",
  OTHER: "其他",
} as const;

export const SEX_LABELS = { MALE: "男", FEMALE: "女" } as const;

export const HEALTH_LABELS = {
  HEALTHY: "健康",
  SERIOUS_ILLNESS: "大病",
  CHRONIC_ILLNESS: "慢性病",
  DISABLED: "残疾",
} as const;

export const EDUCATION_LABELS = {
  NOT_IN_SCHOOL: "不在学",
  PRESCHOOL: "学前教育",
  COMPULSORY: "义务教育",
  HIGH_SCHOOL: "高中阶段",
  UNIVERSITY: "大学阶段",
} as const;

export const EMPLOYMENT_LABELS = {
  EMPLOYED: "在岗",
  FLEXIBLE: "灵活就业",
  UNEMPLOYED: "失业",
  RETIRED: "退休",
  UNABLE: "丧失劳动能力",
  NOT_WORKING_AGE: "非劳动年龄",
} as const;

export const HOUSING_LABELS = {
  OWN: "自有住房",
  RENT: "租房",
  WITH_PARENTS: "与父母同住",
  PUBLIC_RENTAL: "公租房",
  OTHER: "其他",
} as const;

export const INCOME_SOURCE_LABELS = {
  WAGES: "工资性收入",
  BUSINESS: "经营性收入",
  PROPERTY: "财产性收入",
  DIBAO: "低保金",
  PENSION: "养老金",
  OTHER_TRANSFER: "其他转移性收入",
  OTHER: "其他收入",
} as const;

export const EXPENDITURE_KIND_LABELS = {
  MEDICAL: "自付医疗费用",
  TUITION: "教育费用",
  DISABILITY_CARE: "残疾康复护理",
  DISASTER: "灾害损失",
  OTHER: "其他刚性支出",
} as const;

export const RECHECK_FINDING_LABELS = {
  ACCURATE: "核查无误",
  WRONGLY_FILED: "不符合建档条件（错评）",
  MISSED_EXIT: "已符合退档条件而未退（漏退）",
  WRONG_TIER: "困难类别不准",
} as const;

export const RECHECK_OUTCOME_LABELS = { CONFIRM: "维持原类别", PROPOSE_TIER_CHANGE: "建议调整类别", PROPOSE_EXIT: "建议退档" } as const;

export const MEASURE_STATUS_LABELS = { PLANNED: "计划中", IN_PROGRESS: "进行中", DONE: "已解决", CANCELLED: "已取消" } as const;

export const CHANGE_KIND_LABELS = { TIER_CHANGE: "调整困难类别", EXIT: "退档", TRANSFER: "转出" } as const;

export const CHANGE_STATUS_LABELS = { PENDING: "待审批", AWAITING_RECEIVER: "待接收单位确认", APPROVED: "已批准", REJECTED: "未批准" } as const;

export const EXIT_REASON_LABELS = { RESOLVED: "脱困", CANCELLED: "注销" } as const;

export const CANCEL_REASON_LABELS = {
  NOT_ELIGIBLE: "不再符合条件",
  FALSE_INFORMATION: "提供虚假信息",
  DEATH: "死亡",
  RETIREMENT: "退休",
  LEFT_UNION: "退出工会",
  OTHER: "其他",
} as const;
