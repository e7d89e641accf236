import type { CallbackOutcome, PaymentMethod, PaymentStatus } from "@/lib/generated/prisma/enums";

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = { BANK: "银行代发", CASH: "现金", IN_KIND: "实物" };

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  WAITING: "待回盘",
  PAID: "已到账",
  RETURNED: "退回待处理",
  REISSUED: "退回后已重发",
  CLOSED: "退回后已关闭",
  SIGNED: "已签收",
  UNCLAIMED: "未领取",
};

/** WAITING reads 待签收 on a cash or goods batch: it waits for a signature, not for the bank. */
export function paymentStatusLabel(status: PaymentStatus, method: PaymentMethod): string {
  return status === "WAITING" && method !== "BANK" ? "待签收" : PAYMENT_STATUS_LABELS[status];
}

export const CALLBACK_OUTCOME_LABELS: Record<CallbackOutcome, string> = {
  RECEIVED: "已收到",
  NOT_RECEIVED: "未收到",
  AMOUNT_MISMATCH: "金额不符",
  UNREACHABLE: "联系不上",
};

/** Outcomes that open an item for the auditor (截留、冒领 are what they look for). */
export const PROBLEM_OUTCOMES: readonly CallbackOutcome[] = ["NOT_RECEIVED", "AMOUNT_MISMATCH"];
