import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AID_TYPE_LABELS } from "@/lib/ledger/labels";
import { referenceOf, type TBatchPaymentLine } from "./payment-lines";

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
    select: {
      id: true,
      fileId: true,
      organisationId: true,
      amountFen: true,
      aidType: true,
      bankAccountId: true,
      paymentStatus: true,
      file: { select: { holderName: true, holderResidentId: true } },
      bankAccount: { select: { bankName: true, accountNumber: true, accountHolder: true, supersededAt: true } },
    },
  });
  if (rows.length > 99_999) throw new Error("a run of more than 99,999 payments has no five-digit reference");
  return rows.map((row, i) => {
    const seq = i + 1;
    const reference = referenceOf(runId, seq);
    const account = row.bankAccount;
    const holder = row.file.holderName ?? "";
    const notPayable = !account
      ? "未登记本人银行账户（实名制）"
      : account.accountHolder !== holder
        ? `账户户名“${account.accountHolder}”不是建档职工本人“${holder}”（实名制）`
        : account.supersededAt
          ? "发放时的账户已被更换：请关闭这笔退回并按新账户另行申请发放"
          : null;
    return {
      lineId: row.id,
      fileId: row.fileId,
      organisationId: row.organisationId,
      bankAccountId: row.bankAccountId,
      paymentStatus: row.paymentStatus,
      notPayable,
      seq,
      reference,
      name: account?.accountHolder ?? holder,
      account: account?.accountNumber ?? "",
      bank: account?.bankName ?? "",
      amountFen: row.amountFen,
      idNumber: row.file.holderResidentId ?? "",
      memo: `${reference} ${AID_TYPE_LABELS[row.aidType]}`,
    };
  });
}
