import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { PaymentMethod } from "@/lib/generated/prisma/enums";
import { reverseUnclaimedLines } from "./reverse-unclaimed";
import type { TMarkReceiptsInput } from "./schemas";
import { settleBatchIfComplete } from "./settle-batch";

// 标记签收: against the signed 签收表, the lines ticked are marked 已签收 or 未领取 (the latter
// reverses their ledger entries, ./reverse-unclaimed.ts). Only after the signed scan is attached,
// and not by whoever made or submitted the list: the person who confirms the money was handed over
// is not the one who asked for it (the CHECK on paid_by_id holds the same for the batch).

export type TReceiptState = { method: PaymentMethod; status: string; scans: number; createdById: string; submittedById: string | null };

/** Why the lines of this batch cannot be marked now (null: they can), for the page and the domain alike. */
export function receiptMarkingProblem(batch: TReceiptState, actor: Pick<TActor, "userId">): string | null {
  if (batch.method === "BANK") return "银行代发的批次按银行回盘确认到账，不在此签收。";
  if (batch.status !== "APPROVED") return batch.status === "PAID" ? "该批次已全部签收或处理完毕。" : "批次审批通过后才能登记签收。";
  if (batch.scans === 0) return "请先上传签字后的签收表扫描件，再标记签收。";
  if (batch.createdById === actor.userId || batch.submittedById === actor.userId) return "不能确认自己编制或提交的批次的签收，请由其他经办人或审批人办理。";
  return null;
}

export async function markReceipts(actor: TActor, input: TMarkReceiptsInput) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const lineIds = [...new Set(input.lineIds)];
  return scopedDb(actor).$transaction(
    async (tx) => {
      await claimRow(tx, "disbursement_batch", input.batchId);
      const batch = await tx.disbursementBatch.findUnique({
        where: { id: input.batchId },
        select: {
          id: true,
          organisationId: true,
          paymentMethod: true,
          status: true,
          createdById: true,
          submittedById: true,
          _count: { select: { receiptScans: true } },
        },
      });
      if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
      const problem = receiptMarkingProblem(
        {
          method: batch.paymentMethod,
          status: batch.status,
          scans: batch._count.receiptScans,
          createdById: batch.createdById,
          submittedById: batch.submittedById,
        },
        actor,
      );
      if (problem) throw new DomainError(problem, "RECEIPT_NOT_ALLOWED");
      const lines = await tx.batchLine.findMany({
        where: { id: { in: lineIds }, batchId: batch.id, removed: false },
        select: { id: true, paymentStatus: true },
      });
      if (lines.length !== lineIds.length) throw new NotFoundError("勾选的名单中有不属于本批次或不在您管辖范围内的行，请刷新页面后重新勾选。");
      const done = lines.filter((l) => l.paymentStatus !== "WAITING");
      if (done.length > 0) throw new ConflictError(`勾选的名单中有 ${done.length} 户已标记过，请刷新页面后重新勾选。`);
      let changed: number;
      if (input.outcome === "SIGNED") {
        ({ count: changed } = await tx.batchLine.updateMany({
          where: { id: { in: lineIds }, batchId: batch.id, paymentStatus: "WAITING" },
          data: { paymentStatus: "SIGNED", paymentReason: null, paymentUpdatedAt: new Date() },
        }));
      } else {
        const reason = `未领取：${input.reason!.trim()}`;
        const rows = await reverseUnclaimedLines(
          tx,
          Prisma.sql`l.id = ANY(${lineIds}::uuid[]) AND l.batch_id = ${batch.id}::uuid AND ${tx.$fileInScope(Prisma.sql`l.file_id`)}`,
          reason,
          todayInShanghai(),
        );
        changed = rows.reduce((n, r) => n + r.reversed, 0);
      }
      if (changed !== lineIds.length) throw new ConflictError("勾选的名单刚被他人标记，请刷新页面后重新勾选。");
      await recordAudit(tx, actor, {
        action: input.outcome === "SIGNED" ? "payments.mark-signed" : "payments.mark-unclaimed",
        entityType: "disbursement_batch",
        entityId: batch.id,
        organisationId: batch.organisationId,
        detail: { lines: changed, lineIds, reason: input.reason ?? null },
      });
      const settled = await settleBatchIfComplete(tx, actor, batch.id);
      return { batchId: batch.id, marked: changed, settled };
    },
    { timeout: 60_000 },
  );
}
