import "server-only";
import { canRecordBankAccount, mayRecordAid, mayRevealAccount } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { accountHeldByOtherFiles } from "@/lib/data/person-conflicts";
import { loadFileForAid, lockFile } from "./db";
import { maskAccountNumber } from "./labels";
import type { TRecordBankAccountInput } from "./schemas";

/**
 * 实名制: cash goes only to the file holder's own account. A new account supersedes the current
 * one (kept, since entries name the account they paid). The caseworker who typed the number gets
 * it back in full once, to check it; everyone else sees it masked.
 */
export async function recordBankAccount(actor: TActor, input: TRecordBankAccountInput) {
  enforce(mayRecordAid(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    await lockFile(tx, input.fileId);
    const file = await loadFileForAid(tx, input.fileId);
    enforce(canRecordBankAccount(actor, file));
    if (input.accountHolder !== file.holderName) {
      throw new DomainError("户名须与建档职工本人姓名一致（实名制），不能使用他人账户。", "NOT_HOLDER", {
        accountHolder: `户名须为建档职工本人：${file.holderName ?? "（未填写）"}`,
      });
    }
    const now = new Date();
    await tx.bankAccount.updateMany({ where: { fileId: file.id, supersededAt: null }, data: { supersededAt: now } });
    const account = await tx.bankAccount.create({
      data: {
        fileId: file.id,
        organisationId: file.organisationId,
        bankName: input.bankName,
        accountNumber: input.accountNumber,
        accountHolder: input.accountHolder,
        createdById: actor.userId,
        createdAt: now,
      },
    });
    await recordAudit(tx, actor, {
      action: "ledger.record-bank-account",
      entityType: "bank_account",
      entityId: account.id,
      organisationId: file.organisationId,
      detail: { fileId: file.id, bankName: input.bankName, accountNumber: maskAccountNumber(input.accountNumber) },
    });
    // 疑似冒领 (issue 25): told at once when the number is already another household's account;
    // the daily job raises the auditors' signal with the rows.
    const sharedWith = await accountHeldByOtherFiles(account.accountNumber, file.id);
    return {
      bankAccountId: account.id,
      bankName: account.bankName,
      accountNumber: account.accountNumber,
      masked: maskAccountNumber(account.accountNumber),
      sharedWith,
    };
  });
}

/** The full number, for an auditor who asks; every reveal is an audit row. */
export async function revealBankAccount(actor: TActor, bankAccountId: string): Promise<{ accountNumber: string }> {
  enforce(mayRevealAccount(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const account = await tx.bankAccount.findUnique({
      where: { id: bankAccountId },
      select: { id: true, organisationId: true, accountNumber: true, fileId: true },
    });
    if (!account) throw new NotFoundError("账户不存在，或不在您的管辖范围内。");
    await recordAudit(tx, actor, {
      action: "ledger.reveal-account-number",
      entityType: "bank_account",
      entityId: account.id,
      organisationId: account.organisationId,
      detail: { fileId: account.fileId },
    });
    return { accountNumber: account.accountNumber };
  });
}
