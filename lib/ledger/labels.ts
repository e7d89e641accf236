// Chinese labels and small pure helpers for assistance and the ledger, shared by forms, pages,
// exports and messages.
import type { AidType, BatchStatus, DisbursementStatus, FundSource } from "@/lib/generated/prisma/enums";

export const AID_TYPE_LABELS: Record<AidType, string> = {
  LIVING: "生活救助",
  MEDICAL: "医疗救助",
  EDUCATION: "助学救助（金秋助学）",
  WARMTH: "送温暖",
  EMERGENCY: "临时救助",
  EMPLOYMENT: "就业帮扶",
};

export const FUND_SOURCE_LABELS: Record<FundSource, string> = {
  CENTRAL_SPECIAL: "中央财政专项帮扶资金",
  UNION_FUNDS: "工会经费",
  WARMTH_FUND: "送温暖资金",
  DONATION: "社会捐赠",
};

export const DISBURSEMENT_STATUS_LABELS: Record<DisbursementStatus, string> = {
  PENDING: "待审批",
  APPROVED: "已入账",
  REJECTED: "已退回",
};

export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  DRAFT: "草稿",
  SUBMITTED: "待审批",
  APPROVED: "已审批，待发放",
  PAID: "已发放",
};

/** Members whose education stage counts as "in school" for 助学救助. */
export const IN_SCHOOL_EDUCATION = ["COMPULSORY", "HIGH_SCHOOL", "UNIVERSITY"] as const;

/** "6222****1234": a bank account number as every screen and export shows it. */
export function maskAccountNumber(accountNumber: string): string {
  return `${accountNumber.slice(0, 4)}****${accountNumber.slice(-4)}`;
}
