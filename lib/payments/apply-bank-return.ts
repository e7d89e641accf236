import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import type { TAllowed } from "@/lib/auth/allowed";
import { assertRole } from "@/lib/auth/assert-role";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";
import { findBankLayout } from "./layouts";
import { matchReturnFile, type TReturnMatch } from "./match-return-file";
import type { TBatchPaymentLine } from "./payment-lines";
import { readReturnFile } from "./read-return-file";
import { mayHandleBankFiles } from "./rules";

// One path for a bank's return file (回盘), whether it answers a batch (apply-return-file.ts) or a
// payment run (apply-run-return-file.ts): read within the reader's budgets, matched on the
// reference before anything is written, applied all or nothing by an official who did not make
// what it answers. What differs — the row that is locked and checked, the lines and the table
// they live in, the record of the return, the audit action, what follows — is the TPaidThrough.

export type TReturnPreview = TReturnMatch & { sha256: string; fileName: string; layoutName: string; encoding: string };

type TOwner = { id: string; name: string; organisationId: string };

export type TPaidThrough<O extends TOwner> = {
  /** The row claimed for the apply; also the audit row's entity type. */
  table: "disbursement_batch" | "payment_run";
  auditAction: "payments.apply-return" | "payments.apply-run-return";
  /** Looked up within scope, its state checked (a refusal throws), or not found. */
  find(tx: TScopedTx, id: string): Promise<O>;
  canConfirm(actor: TActor, owner: O): TAllowed;
  lines(tx: TScopedTx, owner: O): Promise<TBatchPaymentLine[]>;
  /** The return's own row (its sha256 is unique: a file is applied once). */
  recordReturn(tx: TScopedTx, owner: O, data: TReturnRecord): Promise<string>;
  /** Moves the given lines still WAITING; the count moved. */
  settleLines(tx: TScopedTx, owner: O, ids: string[], returnId: string, data: TLineOutcome): Promise<number>;
  /** The ledger entry's column that names a line. */
  entryLink: "batchLineId" | "disbursementId";
  /** Who recorded the original entries: the 银行退回 reversal's maker. */
  recordedById(owner: O, actor: TActor): string;
};

export type TReturnRecord = {
  layoutId: string;
  fileName: string;
  sha256: string;
  paidLines: number;
  paidFen: number;
  returnedLines: number;
  returnedFen: number;
  statedTotalFen: number | null;
  appliedById: string;
  appliedAt: Date;
};

export type TLineOutcome = { paymentStatus: Extract<PaymentStatus, "PAID" | "RETURNED">; paymentReason?: string; paymentUpdatedAt: Date };

async function bytesOf(file: File): Promise<{ bytes: Buffer; sha256: string }> {
  const bytes = Buffer.from(await file.arrayBuffer());
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** 回盘预览: every row matched, unmatched or mismatched — read and compared, nothing written. */
export async function previewBankReturn<O extends TOwner>(
  actor: TActor,
  through: TPaidThrough<O>,
  input: { id: string; layoutId?: string; file: File },
): Promise<TReturnPreview> {
  enforce(mayHandleBankFiles(actor));
  const db = scopedDb(actor);
  const owner = await through.find(db, input.id);
  const layout = await findBankLayout(db, input.layoutId);
  const { bytes, sha256 } = await bytesOf(input.file);
  const read = await readReturnFile(bytes, layout);
  const lines = await through.lines(db, owner);
  return { ...matchReturnFile(owner.id, lines, layout, read), sha256, fileName: input.file.name, layoutName: layout.name, encoding: read.encoding };
}

/**
 * 确认回盘 (OFFICIAL, not the maker): the same file, matched again under the owner's lock, applied
 * all or nothing in one transaction — paid lines 已到账, returned lines 退回 with the bank's reason
 * and, for each, a ledger reversal of its entry (银行退回), the return's totals, the audit row; then
 * `after` (a batch is settled if nothing is left open). The SHA-256 the official saw in the preview
 * must be the file's: a different file is previewed first.
 */
export async function applyBankReturn<O extends TOwner, R>(
  actor: TActor,
  through: TPaidThrough<O>,
  input: { id: string; layoutId?: string; file: File; expectedSha256: string },
  after: (tx: TScopedTx, owner: O, match: TReturnMatch) => Promise<R>,
): Promise<R> {
  assertRole(actor, "OFFICIAL");
  const { bytes, sha256 } = await bytesOf(input.file);
  if (sha256 !== input.expectedSha256) throw new DomainError("上传的文件与预览的文件不同，请重新预览后再确认。", "FILE_CHANGED");
  const db = scopedDb(actor);
  const layout = await findBankLayout(db, input.layoutId);
  const read = await readReturnFile(bytes, layout);
  try {
    return await db.$transaction(
      async (tx) => {
        await claimRow(tx, through.table, input.id);
        const owner = await through.find(tx, input.id);
        enforce(through.canConfirm(actor, owner));
        const lines = await through.lines(tx, owner);
        const match = matchReturnFile(owner.id, lines, layout, read);
        if (!match.canApply) {
          throw new DomainError(
            `回盘文件有 ${match.unmatched} 行未匹配、${match.mismatched} 行不一致，不能确认。请向银行核实后重新上传，未写入任何数据。`,
            "NOT_APPLICABLE",
          );
        }
        const now = new Date();
        const returnId = await through.recordReturn(tx, owner, {
          layoutId: layout.id,
          fileName: input.file.name.slice(0, 200),
          sha256,
          paidLines: match.paidLines,
          paidFen: match.paidFen,
          returnedLines: match.returnedLines,
          returnedFen: match.returnedFen,
          statedTotalFen: match.statedTotalFen,
          appliedById: actor.userId,
          appliedAt: now,
        });
        const paidIds = match.rows.filter((r) => r.outcome === "PAID").map((r) => r.lineId!);
        const returnedRows = match.rows.filter((r) => r.outcome === "RETURNED");
        let changed = 0;
        for (let i = 0; i < paidIds.length; i += 5_000) {
          changed += await through.settleLines(tx, owner, paidIds.slice(i, i + 5_000), returnId, { paymentStatus: "PAID", paymentUpdatedAt: now });
        }
        // A bank gives a handful of reasons; one statement per reason.
        const byReason = new Map<string, string[]>();
        for (const row of returnedRows) byReason.set(row.reason, [...(byReason.get(row.reason) ?? []), row.lineId!]);
        for (const [reason, ids] of byReason) {
          changed += await through.settleLines(tx, owner, ids, returnId, { paymentStatus: "RETURNED", paymentReason: reason, paymentUpdatedAt: now });
        }
        if (changed !== paidIds.length + returnedRows.length) throw new ConflictError("回盘中的部分付款刚被他人处理，请刷新页面后重新预览。");
        if (returnedRows.length > 0) {
          await reverseReturned(
            tx,
            through.entryLink,
            { name: owner.name, recordedById: through.recordedById(owner, actor), approvedById: actor.userId },
            returnedRows.map((r) => ({ lineId: r.lineId!, reason: r.reason })),
          );
        }
        await recordAudit(tx, actor, {
          action: through.auditAction,
          entityType: through.table,
          entityId: owner.id,
          organisationId: owner.organisationId,
          detail: {
            fileName: input.file.name,
            sha256,
            paidLines: match.paidLines,
            paidFen: match.paidFen,
            returnedLines: match.returnedLines,
            returnedFen: match.returnedFen,
          },
        });
        return after(tx, owner, match);
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error, "sha256")) throw new DomainError("这个回盘文件已经导入过，不能重复导入。", "ALREADY_APPLIED");
    throw error;
  }
}

/**
 * 银行退回: each returned line's ledger entry gets its exact negative (reverses_entry_id, reason,
 * reversal_kind BANK_RETURN) — nothing edited. Recorded as the maker recorded the original and
 * approved by the official confirming the return (ledger_entry_maker_checker).
 */
async function reverseReturned(
  tx: TScopedTx,
  link: "batchLineId" | "disbursementId",
  by: { name: string; recordedById: string; approvedById: string },
  rows: Array<{ lineId: string; reason: string }>,
) {
  const reasonOf = new Map(rows.map((r) => [r.lineId, r.reason]));
  const ids = { in: rows.map((r) => r.lineId) };
  const entries = await tx.ledgerEntry.findMany({
    where: link === "batchLineId" ? { batchLineId: ids } : { disbursementId: ids },
    select: {
      id: true,
      organisationId: true,
      fileId: true,
      aidType: true,
      fundSource: true,
      amountFen: true,
      studentResidentId: true,
      bankAccountId: true,
      batchLineId: true,
      disbursementId: true,
      reversedBy: { select: { id: true } },
    },
  });
  if (entries.length !== rows.length || entries.some((e) => e.reversedBy))
    throw new ConflictError("退回的付款中有一笔的台账已冲正或不存在，请联系审计核实后再导入。");
  const entryDate = dateOnly(todayInShanghai());
  await tx.ledgerEntry.createMany({
    data: entries.map((e) => ({
      organisationId: e.organisationId,
      fileId: e.fileId,
      aidType: e.aidType,
      fundSource: e.fundSource,
      amountFen: -e.amountFen,
      entryDate,
      purpose: `${by.name}：银行退回`,
      studentResidentId: e.studentResidentId,
      bankAccountId: e.bankAccountId,
      reversesEntryId: e.id,
      reason: `银行退回：${reasonOf.get(e[link]!)}`,
      reversalKind: "BANK_RETURN" as const,
      recordedById: by.recordedById,
      approvedById: by.approvedById,
    })),
  });
}
