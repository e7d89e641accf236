import "server-only";
import { mayPlanAndPropose } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce } from "@/lib/errors/domain-error";
import { householdFigures } from "@/lib/filing/figures";
import type { TFilingData } from "@/lib/filing/schemas";
import { suggestTier } from "@/lib/filing/suggest-tier";
import { addMonths, dateOnly, todayInShanghai } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";
import { policyValue, tierPolicy } from "@/lib/policy/policy";
import { loadOpenFile, openChangeRequest } from "./changes";
import { recheckDisagreement } from "./recheck-rules";
import type { TRecordRecheckInput } from "./schemas";

/**
 * 动态核查: records a visit's figures on an open file, moves its next check date on by the
 * region's interval, and — when the outcome proposes a tier change or an exit — opens that
 * request in the same transaction, pinned to the file as the re-check left it.
 */
export async function recordRecheck(actor: TActor, input: TRecordRecheckInput) {
  enforce(mayPlanAndPropose(actor));
  const today = todayInShanghai();
  if (input.checkDate > today) throw new DomainError("核查日期不能晚于今天。", "INVALID", { checkDate: "不能晚于今天" });
  try {
    return await scopedDb(actor).$transaction(async (tx) => {
      const file = await loadOpenFile(tx, input.fileId, input.expectedVersion);
      const data = file.data as unknown as TFilingData;
      const updated: TFilingData = { ...data, incomes: input.incomes, expenditures: input.expenditures };
      const figures = householdFigures(updated);
      const regionCode = file.organisation.regionCode;
      const policy = await tierPolicy(regionCode, input.checkDate);
      const suggestion = suggestTier({ ...figures, hasSuddenEvent: updated.suddenEvent, policy });
      const disagreement = recheckDisagreement({ ...input, currentTier: file.tier, suggestedTier: suggestion.tier });
      if (disagreement && !input.deviationReason) throw new DomainError(disagreement, "INVALID", { deviationReason: disagreement });
      const interval = await policyValue("RECHECK_INTERVAL_MONTHS", regionCode, input.checkDate);
      const { count } = await tx.householdFile.updateMany({
        where: { id: file.id, version: file.version, status: "OPEN" },
        data: {
          data: updated as unknown as Prisma.InputJsonValue,
          perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen,
          suggestedTier: suggestion.tier,
          nextCheckDue: dateOnly(addMonths(input.checkDate, interval)),
          version: { increment: 1 },
          updatedAt: new Date(),
        },
      });
      if (count !== 1) throw new ConflictError("该档案已被他人修改，请刷新页面后重新录入。");
      const recheck = await tx.recheck.create({
        data: {
          fileId: file.id,
          episode: file.episode,
          checkDate: dateOnly(input.checkDate),
          visitors: input.visitors,
          recordedById: actor.userId,
          figures: { ...figures, incomes: input.incomes, expenditures: input.expenditures } as unknown as Prisma.InputJsonValue,
          perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen,
          suggestedTier: suggestion.tier,
          tierAtCheck: file.tier!,
          policyFigures: policy as unknown as Prisma.InputJsonValue,
          outcome: input.outcome,
          finding: input.finding,
          dueDate: file.nextCheckDue,
          note: input.note ?? null,
          deviationReason: disagreement ? input.deviationReason! : null,
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: "file.recheck",
        entityType: "household_file",
        entityId: file.id,
        organisationId: file.organisationId,
        detail: { outcome: input.outcome, suggestedTier: suggestion.tier, ...(disagreement ? { deviationReason: input.deviationReason } : {}) },
      });
      const after = { ...file, version: file.version + 1, suggestedTier: suggestion.tier };
      if (input.outcome === "PROPOSE_TIER_CHANGE") {
        if (input.proposedTier === file.tier)
          throw new DomainError("建议的类别与现类别相同，请选择“维持原类别”。", "INVALID", { proposedTier: "与现类别相同" });
        await openChangeRequest(tx, actor, after, "TIER_CHANGE", input.note!, { proposedTier: input.proposedTier! });
      }
      if (input.outcome === "PROPOSE_EXIT") {
        await openChangeRequest(tx, actor, after, "EXIT", input.note!, {
          exitReason: input.exitReason!,
          cancelReason: input.exitReason === "CANCELLED" ? input.cancelReason! : null,
          exitPath: input.exitReason === "RESOLVED" ? (input.exitPath ?? null) : null,
        });
      }
      return { recheckId: recheck.id, suggestedTier: suggestion.tier, perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("该档案已有同类待审批申请，请等待审批后再提出。");
    throw error;
  }
}
