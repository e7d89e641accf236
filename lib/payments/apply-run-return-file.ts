import "server-only";
import { canConfirmRunReturn } from "./rules";
import type { TActor } from "@/lib/auth/actor";
import type { TScopedTx } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { applyBankReturn, previewBankReturn, type TPaidThrough, type TReturnPreview } from "./apply-bank-return";
import { loadRunPaymentLines } from "./run-payment-lines";

// A run's return file (回盘) through the one return path (apply-bank-return.ts): the lines are the
// run's disbursements, the record a payment_run_return. A returned payment's ledger entry gets its
// exact negative (reversal_kind BANK_RETURN, no request and no batch line of its own:
// ledger_entry_one_source), recorded as the run's maker grouped it.

export type TRunReturnFileInput = { runId: string; layoutId?: string; file: File };

async function runFor(tx: Pick<TScopedTx, "paymentRun">, runId: string) {
  const run = await tx.paymentRun.findUnique({ where: { id: runId } });
  if (!run) throw new NotFoundError("代发汇总不存在，或不在您的管辖范围内。");
  return run;
}

const throughRun: TPaidThrough<Awaited<ReturnType<typeof runFor>>> = {
  table: "payment_run",
  auditAction: "payments.apply-run-return",
  find: runFor,
  canConfirm: canConfirmRunReturn,
  lines: (tx, run) => loadRunPaymentLines(tx, run.id),
  recordReturn: async (tx, run, data) => (await tx.paymentRunReturn.create({ data: { runId: run.id, ...data }, select: { id: true } })).id,
  settleLines: async (tx, run, ids, returnId, data) =>
    (
      await tx.disbursement.updateMany({
        where: { id: { in: ids }, paymentRunId: run.id, paymentStatus: "WAITING" },
        data: { ...data, paymentRunReturnId: returnId },
      })
    ).count,
  entryLink: "disbursementId",
  recordedById: (run) => run.createdById,
};

/** 回盘预览 of a run: nothing written. */
export async function previewRunReturnFile(actor: TActor, input: TRunReturnFileInput): Promise<TReturnPreview> {
  return previewBankReturn(actor, throughRun, { id: input.runId, layoutId: input.layoutId, file: input.file });
}

/** 确认回盘 of a run (OFFICIAL, not the run's maker): paid → 已到账, returned → 退回 with a 银行退回 reversal, in one transaction. */
export async function applyRunReturnFile(actor: TActor, input: TRunReturnFileInput & { expectedSha256: string }) {
  return applyBankReturn(actor, throughRun, { ...input, id: input.runId }, async (_tx, run, match) => ({
    runId: run.id,
    paidLines: match.paidLines,
    returnedLines: match.returnedLines,
  }));
}
