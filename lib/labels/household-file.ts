// Chinese labels of what every feature shows of a household file: its status, tier, level,
// worker category and main cause (the archive, ledger, reports, civil comparison, exports, print).
import type { FileLevel, FileStatus, HardshipCause, Tier, WorkerCategory } from "@/lib/generated/prisma/enums";

export const FILE_STATUS_LABELS: Record<FileStatus, string> = {
  DRAFT: "草稿",
  SUBMITTED: "待初审",
  REVIEWED: "待公示",
  PUBLICITY: "公示中",
  OPEN: "在档",
  OBSERVATION: "渐退期",
  CLOSED: "已退档",
};

export const TIER_LABELS: Record<Tier, string> = { DEEP: "深度困难", RELATIVE: "相对困难", ACCIDENT: "意外致困" };

export const FILE_LEVEL_LABELS: Record<FileLevel, string> = { NATIONAL: "全国级", PROVINCE: "省级", CITY: "市级", COUNTY: "县级" };

export const WORKER_CATEGORY_LABELS: Record<WorkerCategory, string> = { URBAN: "城镇困难职工", MIGRANT: "困难农民工" };

export const CAUSE_LABELS: Record<HardshipCause, string> = {
  ILLNESS: "因病",
  DISABILITY: "因残",
  EDUCATION: "因学",
  DISASTER: "因灾",
  ACCIDENT: "意外事故",
  UNEMPLOYMENT: "失业下岗",
  SINGLE_PARENT: "单亲",
  LOW_INCOME: "收入低",
  OTHER: "其他",
};
