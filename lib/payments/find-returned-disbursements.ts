import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { maskAccountNumber } from "@/lib/ledger/labels";

/** 发放退回待处理, single payments: returned by the bank in a payment run, oldest first. */
export async function findReturnedDisbursements(actor: TActor, options: { page: number; q?: string }) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const where = { paymentStatus: "RETURNED" as const, ...(options.q ? { file: { holderName: { contains: options.q } } } : {}) };
  const [total, rows] = await Promise.all([
    db.disbursement.count({ where }),
    db.disbursement.findMany({
      where,
      orderBy: [{ paymentUpdatedAt: "asc" }, { id: "asc" }],
      skip: (options.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        fileId: true,
        amountFen: true,
        paymentReason: true,
        paymentUpdatedAt: true,
        paymentRunId: true,
        paymentRun: { select: { name: true } },
        file: { select: { holderName: true } },
        bankAccount: { select: { accountNumber: true } },
      },
    }),
  ]);
  return toPage(
    rows.map((r) => ({
      disbursementId: r.id,
      fileId: r.fileId,
      runId: r.paymentRunId!,
      runName: r.paymentRun?.name ?? "—",
      holderName: r.file.holderName ?? "—",
      amountFen: r.amountFen,
      reason: r.paymentReason ?? "",
      returnedAt: r.paymentUpdatedAt,
      returnedAccount: r.bankAccount ? maskAccountNumber(r.bankAccount.accountNumber) : "—",
    })),
    total,
    options.page,
  );
}
