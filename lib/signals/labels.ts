// Words for the auditors' suspected-duplicate signals (issue 25). Pure.
import type { SignalKind, SignalStatus } from "@/lib/generated/prisma/enums";

export const SIGNAL_KIND_LABELS: Record<SignalKind, string> = {
  SHARED_ACCOUNT: "多户共用银行账户",
  SAME_NAME_BIRTH: "同名同生日不同身份号码",
  SHARED_PHONE: "跨工会联系电话相同",
  PAID_AFTER_DEATH: "死亡后仍有发放",
};

export const SIGNAL_STATUS_LABELS: Record<SignalStatus, string> = {
  OPEN: "待核查",
  REASONABLE: "合理",
  CORRECTED: "已纠正",
};

export const SIGNAL_READERS = ["AUDITOR", "OFFICIAL"] as const;
