import "server-only";
import { mayHandleReturnedPayments } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, NotFoundError, enforce } from "@/lib/errors/domain-error";

/**
 * 关闭退回 of a single payment. A single payment is not re-issued in place: its ledger entry is
 * already reversed (银行退回), so paying it again is a new disbursement request, approved like any
 * other after the account is corrected — the caseworker names it in the reason (e.g. "已按新账户
 * 重新申请"), and the closing is what takes the payment off 发放退回待处理.
 */
export async function closeReturnedDisbursement(actor: TActor, input: { disbursementId: string; reason: string }) {
  enforce(mayHandleReturnedPayments(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const d = await tx.disbursement.findUnique({
      where: { id: input.disbursementId },
      select: { id: true, organisationId: true, paymentRunId: true, paymentStatus: true, paymentReason: true },
    });
    if (!d) throw new NotFoundError("这笔付款不存在，或不在您的管辖范围内。");
    if (d.paymentStatus !== "RETURNED") throw new ConflictError("这笔付款已不是“退回”状态，请刷新页面。");
    const { count } = await tx.disbursement.updateMany({
      where: { id: d.id, paymentStatus: "RETURNED" },
      data: { paymentStatus: "CLOSED", paymentReason: `${d.paymentReason ?? "银行退回"}；关闭：${input.reason}`, paymentUpdatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError("这笔付款刚被他人处理，请刷新页面。");
    await recordAudit(tx, actor, {
      action: "payments.close-returned-disbursement",
      entityType: "disbursement",
      entityId: d.id,
      organisationId: d.organisationId,
      detail: { runId: d.paymentRunId, reason: input.reason },
    });
    return { runId: d.paymentRunId };
  });
}
