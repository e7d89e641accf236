import "server-only";
import { mayHandleBankFiles } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { groupableWhere } from "./run-payment-lines";

export type TCreatePaymentRunInput = { organisationId: string; fundSource: FundSource; name: string };

/** The approved single payments a run of this union and fund would take now, real-name accounts only. */
export async function findGroupableDisbursements(tx: Pick<TScopedTx, "disbursement">, organisationId: string, fundSource: FundSource) {
  const rows = await tx.disbursement.findMany({
    where: groupableWhere(organisationId, fundSource),
    orderBy: { id: "asc" },
    select: { id: true, amountFen: true, file: { select: { holderName: true } }, bankAccount: { select: { accountHolder: true } } },
  });
  // 实名制: the account must be held by the file's holder (a column comparison Prisma cannot filter on).
  return rows.filter((r) => r.bankAccount && r.bankAccount.accountHolder === r.file.holderName);
}

/**
 * 代发汇总: every approved single payment of the union and fund not yet sent to the bank, into one
 * new run, each set to 待回盘. The update keeps "not yet in a run" in its WHERE, so two people
 * grouping at once cannot put one payment in two runs: the second finds fewer rows and stops.
 */
export async function createPaymentRun(actor: TActor, input: TCreatePaymentRunInput): Promise<{ runId: string; lines: number; totalFen: number }> {
  enforce(mayHandleBankFiles(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const org = await tx.organisation.findUnique({ where: { id: input.organisationId }, select: { id: true, name: true } });
    if (!org) throw new NotFoundError("单位不存在，或不在您的管辖范围内。");
    const rows = await findGroupableDisbursements(tx, org.id, input.fundSource);
    if (rows.length === 0) {
      throw new DomainError(
        `${org.name}没有待汇总的${FUND_SOURCE_LABELS[input.fundSource]}单笔发放（须已审批、银行代发到本人实名账户、尚未汇总）。`,
        "NOTHING_TO_GROUP",
      );
    }
    if (rows.length > 99_999) throw new DomainError("一次最多汇总 99,999 笔，请分次汇总。", "TOO_MANY");
    const run = await tx.paymentRun.create({
      data: { organisationId: org.id, fundSource: input.fundSource, name: input.name.trim(), createdById: actor.userId },
      select: { id: true },
    });
    const ids = rows.map((r) => r.id);
    let changed = 0;
    for (let i = 0; i < ids.length; i += 5_000) {
      changed += (
        await tx.disbursement.updateMany({
          where: { id: { in: ids.slice(i, i + 5_000) }, status: "APPROVED", paymentRunId: null },
          data: { paymentRunId: run.id, paymentStatus: "WAITING", paymentUpdatedAt: new Date() },
        })
      ).count;
    }
    if (changed !== ids.length) throw new ConflictError("有单笔发放刚被他人汇总，请刷新页面后重试。");
    const totalFen = rows.reduce((s, r) => s + r.amountFen, 0);
    await recordAudit(tx, actor, {
      action: "payments.create-run",
      entityType: "payment_run",
      entityId: run.id,
      organisationId: org.id,
      detail: { name: input.name.trim(), fundSource: input.fundSource, lines: ids.length, totalFen },
    });
    return { runId: run.id, lines: ids.length, totalFen };
  });
}
