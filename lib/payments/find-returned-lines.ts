import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { maskAccountNumber } from "@/lib/ledger/labels";

/** 发放退回待处理: returned payments in scope, oldest first, with whether the account has been corrected since and a re-issue is pending. */
export async function findReturnedLines(actor: TActor, options: { page: number; q?: string }) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const where = { paymentStatus: "RETURNED" as const, ...(options.q ? { file: { holderName: { contains: options.q } } } : {}) };
  const [total, rows] = await Promise.all([
    db.batchLine.count({ where }),
    db.batchLine.findMany({
      where,
      orderBy: [{ paymentUpdatedAt: "asc" }, { id: "asc" }],
      skip: (options.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        fileId: true,
        batchId: true,
        amountFen: true,
        adjustedAmountFen: true,
        paymentReason: true,
        paymentUpdatedAt: true,
        bankAccountId: true,
        batch: { select: { name: true } },
        file: { select: { holderName: true, bankAccounts: { where: { supersededAt: null }, select: { id: true, accountNumber: true } } } },
        bankAccount: { select: { accountNumber: true } },
        reissuedBy: { select: { batchId: true, batch: { select: { name: true } } } },
      },
    }),
  ]);
  return toPage(
    rows.map((r) => {
      const current = r.file.bankAccounts[0] ?? null;
      return {
        lineId: r.id,
        fileId: r.fileId,
        batchId: r.batchId,
        batchName: r.batch.name,
        holderName: r.file.holderName ?? "—",
        amountFen: r.adjustedAmountFen ?? r.amountFen,
        reason: r.paymentReason ?? "",
        returnedAt: r.paymentUpdatedAt,
        returnedAccount: r.bankAccount ? maskAccountNumber(r.bankAccount.accountNumber) : "—",
        corrected: !!current && current.id !== r.bankAccountId,
        currentAccount: current ? maskAccountNumber(current.accountNumber) : null,
        reissue: r.reissuedBy ? { batchId: r.reissuedBy.batchId, name: r.reissuedBy.batch.name } : null,
      };
    }),
    total,
    options.page,
  );
}
