import type { FileStatus, PaymentStatus } from "@/lib/generated/prisma/enums";

// The words a worker reads on the public query, plainer than the staff side's.

export const PUBLIC_FILE_STATUS_LABELS: Partial<Record<FileStatus, string>> = {
  OPEN: "在档",
  OBSERVATION: "渐退期",
  CLOSED: "已退档",
};

/** Whether the money reached the household (batch_line.payment_status, migration 0029). */
export const PUBLIC_PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  WAITING: "处理中",
  PAID: "已到账",
  RETURNED: "银行退回",
  REISSUED: "退回后已重新发放",
  CLOSED: "退回，不再发放",
  SIGNED: "已签收",
  UNCLAIMED: "未领取",
};

/** A payment made alone (not in a batch), or in a batch approved before payment outcomes existed. */
export const PUBLIC_PAID_WITHOUT_OUTCOME = "已发放";
export const PUBLIC_PAYMENT_REVERSED = "已撤回";

/** The one answer for a wrong name, a wrong ID number, a wrong code and no file at all. */
export const PUBLIC_QUERY_NOT_FOUND = "未查到与所填信息相符的档案。请核对姓名、身份证号码和建档告知书上的查询码；如仍查不到，请致电所在工会。";
export const PUBLIC_QUERY_LIMITED = "查询失败次数过多，已暂停查询。请 24 小时后再试，或致电所在工会。";
/** A second query for the same ID number while the first is still being checked (a double tap, or a script). */
export const PUBLIC_QUERY_BUSY = "该身份证号码的查询正在处理，请稍候再试。";

export const PUBLIC_NOTICE_NOT_FOUND = "该公示不存在或已结束。请从公示名单重新进入。";
export const PUBLIC_OBJECTION_LIMITED = "本网络地址提交异议过于频繁，请 1 小时后再试，或致电所在工会。";
export const publicObjectionClosed = (end: string, phone: string | null) =>
  `该户公示已于 ${end} 截止，不再受理网上异议。${phone ? `如有情况，请致电 ${phone}。` : "如有情况，请与所在工会联系。"}`;
export const PUBLIC_OBJECTION_NOT_STARTED = "该户公示尚未开始，请在公示期内提出异议。";
