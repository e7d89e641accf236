import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import type { Prisma } from "@/lib/generated/prisma/client";
import { PAYMENT_LINE_SELECT, toPaymentLines, type TBatchPaymentLine } from "./payment-lines";

// A payment run's lines are its disbursements, numbered by their own id exactly as a batch's lines
// are (payment-lines.ts): the reference is "BF" + the run's code + the 序号, so a run's return file
// is matched by the same matcher, and a return file of a batch or another run is recognised.

/**
 * 可汇总: an approved single cash payment (not a reversal, a positive amount) to the payee's own
 * current real-name account, paid by this union from this fund, not yet in a run. The CHECK
 * disbursement_payment_run keeps the state part true in the database as well.
 */
export function groupableWhere(organisationId: string, fundSource: Prisma.DisbursementWhereInput["fundSource"]): Prisma.DisbursementWhereInput {
  return {
    status: "APPROVED",
    paymentRunId: null,
    reversesEntryId: null,
    amountFen: { gt: 0 },
    fundSource,
    ledgerEntry: { payingOrganisationId: organisationId, reversedBy: null },
    bankAccount: { supersededAt: null },
  };
}

export async function loadRunPaymentLines(tx: Pick<TScopedTx, "disbursement">, runId: string): Promise<TBatchPaymentLine[]> {
  const rows = await tx.disbursement.findMany({
    where: { paymentRunId: runId },
    orderBy: { id: "asc" },
    select: { ...PAYMENT_LINE_SELECT, aidType: true },
  });
  return toPaymentLines(runId, rows, "发放时的账户已被更换：请关闭这笔退回并按新账户另行申请发放", "run of more than 99,999 payments");
}
