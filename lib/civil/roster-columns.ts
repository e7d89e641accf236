// The civil-affairs roster (民政比对名单) as the bureau sends it, in the columns the comparison reads.
// Pure: the template, the validation and the tests share it.
import type { CivilMismatchReason, CivilResultStatus, CivilRunStatus } from "@/lib/generated/prisma/enums";

export const ROSTER_SHEET = "民政比对名单";

export type TRosterColumnKey =
  | "residentId"
  | "name"
  | "onDibao"
  | "dibaoMonthly"
  | "householdIncome"
  | "householdSize"
  | "hasVehicle"
  | "hasProperty"
  | "deceased"
  | "unionMember"
  | "workplace";

export type TRosterColumn = {
  key: TRosterColumnKey;
  header: string;
  required: boolean;
  kind: "id" | "text" | "flag" | "yuan" | "count";
  example: string;
  width: number;
};

export const ROSTER_COLUMNS: TRosterColumn[] = [
  { key: "residentId", header: "公民身份号码", required: true, kind: "id", example: "", width: 22 },
  { key: "name", header: "姓名", required: true, kind: "text", example: "示例张三", width: 12 },
  { key: "onDibao", header: "是否享受低保", required: true, kind: "flag", example: "否", width: 14 },
  { key: "dibaoMonthly", header: "低保金额（元/月）", required: false, kind: "yuan", example: "", width: 18 },
  { key: "householdIncome", header: "家庭年收入（元）", required: false, kind: "yuan", example: "36000", width: 18 },
  { key: "householdSize", header: "家庭人口数", required: false, kind: "count", example: "3", width: 12 },
  { key: "hasVehicle", header: "是否有车辆", required: true, kind: "flag", example: "否", width: 12 },
  { key: "hasProperty", header: "是否有房产", required: true, kind: "flag", example: "否", width: 12 },
  { key: "deceased", header: "是否死亡", required: true, kind: "flag", example: "否", width: 10 },
  { key: "unionMember", header: "是否工会会员", required: false, kind: "flag", example: "否", width: 14 },
  { key: "workplace", header: "工作单位", required: false, kind: "text", example: "", width: 28 },
];

/** Rows whose name starts with this are the template's example and are skipped. */
export const EXAMPLE_NAME_PREFIX = "示例";

export const CIVIL_REASON_LABELS: Record<CivilMismatchReason, string> = {
  INCOME_ABOVE_THRESHOLD: "收入超过所在类别标准",
  DIBAO_BUT_RELATIVE: "享受低保但按相对困难建档",
  VEHICLE_OR_PROPERTY: "登记有车辆或房产",
  DECEASED: "建档职工或家庭成员已死亡",
  HOUSEHOLD_SIZE_DIFFERS: "家庭人口数不一致",
  MISSED_FILING: "工会会员在低保或低收入名单中但未建档（疑似漏评）",
};

export const CIVIL_REASON_SHORT: Record<CivilMismatchReason, string> = {
  INCOME_ABOVE_THRESHOLD: "收入超标",
  DIBAO_BUT_RELATIVE: "低保户按相对困难",
  VEHICLE_OR_PROPERTY: "有车有房",
  DECEASED: "已死亡",
  HOUSEHOLD_SIZE_DIFFERS: "人口数不符",
  MISSED_FILING: "疑似漏评",
};

export const CIVIL_STATUS_LABELS: Record<CivilResultStatus, string> = {
  OPEN: "待处理",
  RECHECK_OPENED: "已发起复核",
  EXIT_PROPOSED: "已提出退档",
  DISMISSED: "不属实（已忽略）",
};

export const CIVIL_REASONS = Object.keys(CIVIL_REASON_LABELS) as CivilMismatchReason[];

/** A run's state (0047: the comparison runs after the upload's answer). */
export const CIVIL_RUN_STATUS_LABELS: Record<CivilRunStatus, string> = {
  QUEUED: "等待比对",
  READING: "正在读取名单",
  COMPARING: "正在比对",
  DONE: "比对完成",
  INVALID: "名单有问题",
  FAILED: "比对失败",
};
