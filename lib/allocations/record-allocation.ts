import "server-only";
import { mayRecordAllocation } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isRaisedBy, isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly } from "@/lib/format/datetime";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { rethrowShortfall } from "./balance";
import { ALLOCATION_KIND_LABELS, mayReceiveFromOutside } from "./labels";
import type { TRecordAllocationInput } from "./schemas";

// 资金下拨与额度: an ADMIN or OFFICIAL enters rows for their own union (the giving union) only:
//   拨入 — money from outside (财政, 全国总工会), entered at the top of the tree: a province or above;
//   下拨 — to a union directly below, at most what the giver still holds for that fund and year;
//   调整 — a signed correction of one of the union's own rows (the rows themselves never change).
// The database keeps the balances and refuses what does not fit (0031_allocations); the audit row
// is written in the same transaction.

export async function recordAllocation(actor: TActor, input: TRecordAllocationInput): Promise<{ allocationId: string; repeated: boolean }> {
  enforce(mayRecordAllocation(actor));
  const db = scopedDb(actor);
  const giverId = actor.organisation.id;
  const repeat = await db.allocation.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true, recordedById: true } });
  if (repeat) {
    if (repeat.recordedById !== actor.userId) throw new ConflictError("提交标识已被使用，请刷新页面后重新填写。");
    return { allocationId: repeat.id, repeated: true };
  }

  let fundSource: FundSource;
  let recipientId: string | null = null;
  let detail: Record<string, string | number | null> = {};
  if (input.kind === "RECEIVED") {
    const own = await db.organisation.findUniqueOrThrow({ where: { id: giverId }, select: { level: true } });
    if (!mayReceiveFromOutside(own.level)) {
      throw new DomainError("只有省级及以上工会登记从财政或上级拨入的资金；市、县工会的额度由上级工会下拨。", "NOT_TOP_OF_TREE", {
        kind: "本单位不能登记拨入",
      });
    }
    fundSource = input.fundSource!;
    detail = { source: input.source ?? null };
  } else if (input.kind === "PASS_DOWN") {
    const recipient = await db.organisation.findUnique({ where: { id: input.recipientId! }, select: { id: true, parentId: true, name: true } });
    if (!recipient || recipient.parentId !== giverId) {
      throw new DomainError("只能下拨给本单位的直属下级工会。", "NOT_CHILD", { recipientId: "请选择本单位的直属下级工会" });
    }
    fundSource = input.fundSource!;
    recipientId = recipient.id;
    detail = { recipient: recipient.name };
  } else {
    const adjusted = await db.allocation.findUnique({
      where: { id: input.adjustsId! },
      select: { id: true, organisationId: true, kind: true, fundSource: true, recipientId: true, entryDate: true },
    });
    if (!adjusted || adjusted.organisationId !== giverId) throw new NotFoundError("要调整的记录不存在，或不是本单位登记的。");
    if (adjusted.kind === "OPENING") throw new DomainError("期初额度由系统生成，不能调整；如需增加额度请由上级下拨。", "OPENING_FIXED");
    if (adjusted.entryDate.getUTCFullYear() !== Number(input.entryDate.slice(0, 4))) {
      throw new DomainError(`调整须在原记录的年度（${adjusted.entryDate.getUTCFullYear()} 年）内登记。`, "ADJUST_YEAR", { entryDate: "须与原记录同一年度" });
    }
    fundSource = adjusted.fundSource;
    recipientId = adjusted.recipientId;
    detail = { adjusts: adjusted.id, adjustsKind: ALLOCATION_KIND_LABELS[adjusted.kind] };
  }

  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.allocation.create({
        data: {
          idempotencyKey: input.idempotencyKey,
          organisationId: giverId,
          recipientId,
          kind: input.kind,
          fundSource,
          amountFen: BigInt(input.amountFen),
          entryDate: dateOnly(input.entryDate),
          source: input.kind === "RECEIVED" ? (input.source ?? null) : null,
          note: input.note,
          adjustsId: input.kind === "ADJUSTMENT" ? input.adjustsId! : null,
          recordedById: actor.userId,
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: `allocation.${input.kind.toLowerCase().replace("_", "-")}`,
        entityType: "allocation",
        entityId: created.id,
        organisationId: giverId,
        detail: { ...detail, fundSource, amountFen: input.amountFen, entryDate: input.entryDate, note: input.note },
      });
      return { allocationId: created.id, repeated: false };
    });
  } catch (error) {
    if (isUniqueViolation(error, "idempotency_key")) {
      const first = await db.allocation.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true } });
      if (first) return { allocationId: first.id, repeated: true };
    }
    if (isRaisedBy(error, "allocation_adjust_below_zero")) {
      throw new DomainError("调减后该笔金额将小于零，请核对调整金额。", "ADJUST_BELOW_ZERO", { amountFen: "调减金额超过原金额" });
    }
    return rethrowShortfall(actor, error, input.kind === "ADJUSTMENT" ? "本次调整需" : "本次下拨");
  }
}
