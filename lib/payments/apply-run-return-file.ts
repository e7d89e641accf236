import "server-only";
import { canConfirmRunReturn, mayHandleBankFiles } from "./rules";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import type { TReturnPreview } from "./apply-return-file";
import { findBankLayout } from "./layouts";
import { matchReturnFile } from "./match-return-file";
import { readReturnFile } from "./read-return-file";
import { loadRunPaymentLines } from "./run-payment-lines";

// A run's return file (回盘), exactly as a batch's (apply-return-file.ts): read within the reader's
// budgets, matched on the reference before anything is written, applied all or nothing by an
// official who did not group the run. A returned payment's ledger entry gets its exact negative
// (reversal_kind BANK_RETURN, no request and no batch line of its own: ledger_entry_one_source).

export type TRunReturnFileInput = { runId: string; layoutId?: string; file: File };

async function bytesOf(file: File) {
  const bytes = Buffer.from(await file.arrayBuffer());
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function runFor(tx: Pick<TScopedTx, "paymentRun">, runId: string) {
  const run = await tx.paymentRun.findUnique({ where: { id: runId } });
  if (!run) throw new NotFoundError("代发汇总不存在，或不在您的管辖范围内。");
  return run;
}

/** 回盘预览: every row matched, unmatched or mismatched — nothing written. */
export async function previewRunReturnFile(actor: TActor, input: TRunReturnFileInput): Promise<TReturnPreview> {
  enforce(mayHandleBankFiles(actor));
  const db = scopedDb(actor);
  const run = await runFor(db, input.runId);
  const layout = await findBankLayout(db, input.layoutId);
  const { bytes, sha256 } = await bytesOf(input.file);
  const read = await readReturnFile(bytes, layout);
  const lines = await loadRunPaymentLines(db, run.id);
  return { ...matchReturnFile(run.id, lines, layout, read), sha256, fileName: input.file.name, layoutName: layout.name, encoding: read.encoding };
}

/** 确认回盘 (OFFICIAL, not the run's maker): paid → 已到账, returned → 退回 with a 银行退回 reversal, in one transaction. */
export async function applyRunReturnFile(actor: TActor, input: TRunReturnFileInput & { expectedSha256: string }) {
  assertRole(actor, "OFFICIAL");
  const { bytes, sha256 } = await bytesOf(input.file);
  if (sha256 !== input.expectedSha256) throw new DomainError("上传的文件与预览的文件不同，请重新预览后再确认。", "FILE_CHANGED");
  const db = scopedDb(actor);
  const layout = await findBankLayout(db, input.layoutId);
  const read = await readReturnFile(bytes, layout);
  try {
    return await db.$transaction(
      async (tx) => {
        await claimRow(tx, "payment_run", input.runId);
        const run = await runFor(tx, input.runId);
        enforce(canConfirmRunReturn(actor, run));
        const lines = await loadRunPaymentLines(tx, run.id);
        const match = matchReturnFile(run.id, lines, layout, read);
        if (!match.canApply) {
          throw new DomainError(
            `回盘文件有 ${match.unmatched} 行未匹配、${match.mismatched} 行不一致，不能确认。请向银行核实后重新上传，未写入任何数据。`,
            "NOT_APPLICABLE",
          );
        }
        const now = new Date();
        const applied = await tx.paymentRunReturn.create({
          data: {
            runId: run.id,
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
          },
          select: { id: true },
        });
        const paidIds = match.rows.filter((r) => r.outcome === "PAID").map((r) => r.lineId!);
        const returnedRows = match.rows.filter((r) => r.outcome === "RETURNED");
        let changed = 0;
        for (let i = 0; i < paidIds.length; i += 5_000) {
          changed += (
            await tx.disbursement.updateMany({
              where: { id: { in: paidIds.slice(i, i + 5_000) }, paymentRunId: run.id, paymentStatus: "WAITING" },
              data: { paymentStatus: "PAID", paymentUpdatedAt: now, paymentRunReturnId: applied.id },
            })
          ).count;
        }
        const byReason = new Map<string, string[]>();
        for (const row of returnedRows) byReason.set(row.reason, [...(byReason.get(row.reason) ?? []), row.lineId!]);
        for (const [reason, ids] of byReason) {
          changed += (
            await tx.disbursement.updateMany({
              where: { id: { in: ids }, paymentRunId: run.id, paymentStatus: "WAITING" },
              data: { paymentStatus: "RETURNED", paymentReason: reason, paymentUpdatedAt: now, paymentRunReturnId: applied.id },
            })
          ).count;
        }
        if (changed !== paidIds.length + returnedRows.length) throw new ConflictError("回盘中的部分付款刚被他人处理，请刷新页面后重新预览。");
        if (returnedRows.length > 0)
          await reverseReturned(
            tx,
            actor,
            run,
            returnedRows.map((r) => ({ disbursementId: r.lineId!, reason: r.reason })),
          );
        await recordAudit(tx, actor, {
          action: "payments.apply-run-return",
          entityType: "payment_run",
          entityId: run.id,
          organisationId: run.organisationId,
          detail: {
            fileName: input.file.name,
            sha256,
            paidLines: match.paidLines,
            paidFen: match.paidFen,
            returnedLines: match.returnedLines,
            returnedFen: match.returnedFen,
          },
        });
        return { runId: run.id, paidLines: match.paidLines, returnedLines: match.returnedLines };
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error, "sha256")) throw new DomainError("这个回盘文件已经导入过，不能重复导入。", "ALREADY_APPLIED");
    throw error;
  }
}

/** 银行退回: the exact negative of each returned payment's entry, recorded as the run's maker grouped it and approved by the confirming official. */
async function reverseReturned(
  tx: TScopedTx,
  actor: TActor,
  run: { name: string; createdById: string },
  rows: Array<{ disbursementId: string; reason: string }>,
) {
  const reasonOf = new Map(rows.map((r) => [r.disbursementId, r.reason]));
  const entries = await tx.ledgerEntry.findMany({
    where: { disbursementId: { in: rows.map((r) => r.disbursementId) } },
    select: {
      id: true,
      organisationId: true,
      fileId: true,
      aidType: true,
      fundSource: true,
      amountFen: true,
      studentResidentId: true,
      bankAccountId: true,
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
      purpose: `${run.name}：银行退回`,
      studentResidentId: e.studentResidentId,
      bankAccountId: e.bankAccountId,
      reversesEntryId: e.id,
      reason: `银行退回：${reasonOf.get(e.disbursementId!)}`,
      reversalKind: "BANK_RETURN" as const,
      recordedById: run.createdById,
      approvedById: actor.userId,
    })),
  });
}
