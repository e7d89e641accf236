import "server-only";
import { mayHandleReturnedPayments } from "./rules";
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { settleBatchIfComplete } from "./settle-batch";

// 发放退回待处理: a line the bank returned is resolved one of two ways — closed with a reason (not
// paid again), or re-issued in a later batch after the household's real-name account is corrected.
// The re-issue is an ordinary draft batch whose lines point at the returned ones (reissues_line_id):
// it is submitted and approved like any batch, and its approval marks the returned lines REISSUED
// (lib/ledger/batches.ts approveBatch → markReissued).

/** 关闭退回: the returned payment is not made again; the reason joins the bank's on the line. */
export async function closeReturnedLine(actor: TActor, input: { lineId: string; reason: string }) {
  enforce(mayHandleReturnedPayments(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const line = await tx.batchLine.findUnique({
      where: { id: input.lineId },
      select: { id: true, batchId: true, organisationId: true, paymentStatus: true, paymentReason: true, reissuedBy: { select: { id: true } } },
    });
    if (!line) throw new NotFoundError("这笔付款不存在，或不在您的管辖范围内。");
    if (line.paymentStatus !== "RETURNED") throw new ConflictError("这笔付款已不是“退回”状态，请刷新页面。");
    if (line.reissuedBy) throw new DomainError("这笔付款已列入重发批次，不能再关闭。", "REISSUE_PENDING");
    const { count } = await tx.batchLine.updateMany({
      where: { id: line.id, paymentStatus: "RETURNED" },
      data: { paymentStatus: "CLOSED", paymentReason: `${line.paymentReason ?? "银行退回"}；关闭：${input.reason}`, paymentUpdatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError("这笔付款刚被他人处理，请刷新页面。");
    await recordAudit(tx, actor, {
      action: "payments.close-returned",
      entityType: "batch_line",
      entityId: line.id,
      organisationId: line.organisationId,
      detail: { batchId: line.batchId, reason: input.reason },
    });
    const settled = await settleBatchIfComplete(tx, actor, line.batchId);
    return { batchId: line.batchId, settled };
  });
}

/**
 * 退回重发: a new draft batch (same organisation, aid type, fund and purpose as the returned lines'
 * batch) with one line per returned payment, at the amount returned, to the household's current
 * real-name account — which must differ from the one the bank returned, or it would come back again.
 */
export async function createReissueBatch(actor: TActor, input: { lineIds: string[]; idempotencyKey?: string }) {
  enforce(mayHandleReturnedPayments(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const lines = await tx.batchLine.findMany({
      where: { id: { in: input.lineIds } },
      select: {
        id: true,
        batchId: true,
        fileId: true,
        organisationId: true,
        studentResidentId: true,
        amountFen: true,
        adjustedAmountFen: true,
        bankAccountId: true,
        tier: true,
        fileLevel: true,
        paymentStatus: true,
        reissuedBy: { select: { batch: { select: { name: true } } } },
        file: { select: { holderName: true } },
      },
    });
    if (lines.length !== new Set(input.lineIds).size) throw new NotFoundError("有付款不存在，或不在您的管辖范围内，请刷新页面。");
    const batchIds = new Set(lines.map((l) => l.batchId));
    if (batchIds.size !== 1) throw new DomainError("一次重发只能选同一批次的退回付款。", "MIXED_BATCHES");
    const source = await tx.disbursementBatch.findUniqueOrThrow({ where: { id: [...batchIds][0]! } });
    await claimRow(tx, "disbursement_batch", source.id);
    const accounts = await currentAccounts(
      tx,
      lines.map((l) => l.fileId),
    );
    const rows = lines.map((l) => {
      const name = l.file.holderName ?? "—";
      if (l.paymentStatus !== "RETURNED") throw new ConflictError(`${name}的付款已不是“退回”状态，请刷新页面。`);
      if (l.reissuedBy) throw new DomainError(`${name}的付款已列入重发批次“${l.reissuedBy.batch.name}”。`, "ALREADY_REISSUED");
      const account = accounts.get(l.fileId);
      if (!account || account.accountHolder !== l.file.holderName)
        throw new DomainError(`${name}尚未登记本人银行账户（实名制），请先登记再重发。`, "NO_BANK_ACCOUNT");
      if (account.id === l.bankAccountId)
        throw new DomainError(`${name}的银行账户尚未更正：银行退回的就是这个账户。请先在档案中登记更正后的本人账户，再重发。`, "ACCOUNT_NOT_CORRECTED");
      return { l, account };
    });
    const batch = await tx.disbursementBatch.create({
      data: {
        idempotencyKey: input.idempotencyKey ?? randomUUID(),
        organisationId: source.organisationId,
        name: `${source.name}（退回重发）`.slice(0, 100),
        aidType: source.aidType,
        fundSource: source.fundSource,
        standardAmountFen: null,
        entryDate: dateOnly(todayInShanghai()),
        purpose: source.purpose,
        createdById: actor.userId,
        paymentMethod: "BANK",
      },
      select: { id: true },
    });
    await tx.batchLine.createMany({
      data: rows.map(({ l, account }) => ({
        batchId: batch.id,
        fileId: l.fileId,
        organisationId: l.organisationId,
        studentResidentId: l.studentResidentId,
        bankAccountId: account.id,
        amountFen: l.adjustedAmountFen ?? l.amountFen,
        tier: l.tier,
        fileLevel: l.fileLevel,
        reissuesLineId: l.id,
      })),
    });
    await recordAudit(tx, actor, {
      action: "payments.create-reissue-batch",
      entityType: "disbursement_batch",
      entityId: batch.id,
      organisationId: source.organisationId,
      detail: { fromBatchId: source.id, lines: rows.length },
    });
    return { batchId: batch.id, lines: rows.length };
  });
}

async function currentAccounts(tx: TScopedTx, fileIds: string[]) {
  const accounts = await tx.bankAccount.findMany({
    where: { fileId: { in: fileIds }, supersededAt: null },
    select: { id: true, fileId: true, accountHolder: true },
  });
  return new Map(accounts.map((a) => [a.fileId, a]));
}

/**
 * Called by approveBatch: the approved batch's lines that re-issue returned payments mark those
 * REISSUED, and each batch they came from is settled if that was its last open line.
 */
export async function markReissued(tx: TScopedTx, actor: TActor, batchId: string): Promise<void> {
  const lines = await tx.batchLine.findMany({ where: { batchId, removed: false, reissuesLineId: { not: null } }, select: { reissuesLineId: true } });
  if (lines.length === 0) return;
  const ids = lines.map((l) => l.reissuesLineId!);
  const { count } = await tx.batchLine.updateMany({
    where: { id: { in: ids }, paymentStatus: "RETURNED" },
    data: { paymentStatus: "REISSUED", paymentUpdatedAt: new Date() },
  });
  if (count !== ids.length) throw new ConflictError("批次中重发的付款有的已被关闭，请退回批次移出这些行后重新提交。");
  const sources = await tx.batchLine.findMany({ where: { id: { in: ids } }, distinct: ["batchId"], select: { batchId: true } });
  for (const s of sources) await settleBatchIfComplete(tx, actor, s.batchId);
}
