import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isRowTaken } from "@/lib/db/contention";
import { isUniqueViolation } from "@/lib/db/errors";
import { loadOpenFile, openChangeRequest } from "@/lib/dynamic/changes";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import type { CivilResultStatus } from "@/lib/generated/prisma/enums";
import { Prisma } from "@/lib/generated/prisma/client";
import { CIVIL_REASON_LABELS, CIVIL_STATUS_LABELS } from "./roster-columns";
import { canDismiss, canOpenRecheck, canProposeExit, mayCompareRosters, mayProposeExitFromResult, type TCivilAllowed } from "./rules";
import type { TDismissResultInput, TOpenRecheckInput, TProposeExitFromResultInput } from "./schemas";

// One click on a mismatch: 发起复核, 提出退档 or 不属实. Each claims the mismatch row first
// (FOR UPDATE NOWAIT: of two people at once one holds it, the other is told at once), checks its
// status and version, does what the normal page does with the normal domain functions, and moves
// the mismatch on with its status and version in the WHERE — in one transaction with the audit row.

const TAKEN = "该比对结果已被他人处理，请刷新页面查看。";

async function claimResult(tx: TScopedTx, resultId: string, expectedVersion: number, allowed: (r: Parameters<typeof canDismiss>[0]) => TCivilAllowed) {
  try {
    await tx.$queryRaw`
      SELECT c.id FROM civil_comparison_result c JOIN civil_roster_run run ON run.id = c.run_id
       WHERE c.id = ${resultId}::uuid AND ${tx.$orgInScope(Prisma.sql`run.organisation_id`)} FOR NO KEY UPDATE OF c NOWAIT`;
  } catch (error) {
    if (isRowTaken(error)) throw new ConflictError(TAKEN);
    throw error;
  }
  const result = await tx.civilComparisonResult.findUnique({
    where: { id: resultId },
    include: {
      run: { select: { id: true, fileName: true, createdAt: true, organisationId: true } },
      file: { select: { id: true, status: true, organisationId: true } },
    },
  });
  if (!result) throw new NotFoundError("比对结果不存在，或不在您的管辖范围内。");
  if (result.version !== expectedVersion) throw new ConflictError(TAKEN);
  const verdict = allowed(result);
  if (!verdict.ok) throw result.status === "OPEN" ? new DomainError(verdict.reason, "WRONG_STATUS") : new ConflictError(verdict.reason);
  return result;
}

async function settle(
  tx: TScopedTx,
  actor: TActor,
  result: { id: string; version: number },
  status: CivilResultStatus,
  extra: { note?: string; changeRequestId?: string },
) {
  const { count } = await tx.civilComparisonResult.updateMany({
    where: { id: result.id, status: "OPEN", version: result.version },
    data: {
      status,
      handledById: actor.userId,
      handledAt: new Date(),
      note: extra.note ?? null,
      changeRequestId: extra.changeRequestId ?? null,
      version: { increment: 1 },
    },
  });
  if (count !== 1) throw new ConflictError(TAKEN);
}

/** Already handled: told with one read, without taking a connection for a transaction. */
async function notYetHandled(actor: TActor, resultId: string, expectedVersion: number) {
  const current = await scopedDb(actor).civilComparisonResult.findUnique({ where: { id: resultId }, select: { status: true, version: true } });
  if (current && (current.status !== "OPEN" || current.version !== expectedVersion)) {
    throw new ConflictError(`该比对结果已被他人处理（${CIVIL_STATUS_LABELS[current.status]}），请刷新页面查看。`);
  }
}

const citation = (run: { fileName: string; createdAt: Date }) => `民政比对（${dateOnlyString(dateOnly(todayInShanghai(run.createdAt)))}，${run.fileName}）`;

/**
 * 发起复核: the file's next re-check is brought forward to today and the 复核到期 work item the daily
 * calendar job would create for it is created now, so the re-check is on the caseworker's list at
 * once; the re-check itself is recorded with the normal form (lib/dynamic/recheck.ts).
 */
export async function openRecheckFromResult(actor: TActor, input: TOpenRecheckInput) {
  enforce(mayCompareRosters(actor));
  await notYetHandled(actor, input.resultId, input.expectedVersion);
  const today = todayInShanghai();
  return scopedDb(actor).$transaction(async (tx) => {
    const result = await claimResult(tx, input.resultId, input.expectedVersion, canOpenRecheck);
    const file = await loadOpenFile(tx, result.fileId!, input.fileVersion);
    const due = file.nextCheckDue && dateOnlyString(file.nextCheckDue) < today ? dateOnlyString(file.nextCheckDue) : today;
    const { count } = await tx.householdFile.updateMany({
      where: { id: file.id, version: file.version, status: "OPEN" },
      data: { nextCheckDue: dateOnly(due), version: { increment: 1 }, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError("该档案已被他人修改，请刷新页面后重新操作。");
    await tx.workItem.upsert({
      where: { kind_fileId_sourceKey: { kind: "RECHECK_DUE", fileId: file.id, sourceKey: due } },
      create: {
        kind: "RECHECK_DUE",
        fileId: file.id,
        sourceKey: due,
        dueDate: dateOnly(due),
        note: `${citation(result.run)}：${CIVIL_REASON_LABELS[result.reason]}`,
      },
      update: {},
    });
    await settle(tx, actor, result, "RECHECK_OPENED", {});
    await recordAudit(tx, actor, {
      action: "civil.recheck",
      entityType: "household_file",
      entityId: file.id,
      organisationId: file.organisationId,
      detail: { resultId: result.id, runId: result.runId, reason: result.reason, dueDate: due },
    });
    return { fileId: file.id, dueDate: due };
  });
}

/** 提出退档: an exit request exactly as the file page's form opens it, pinned to the file's version. */
export async function proposeExitFromResult(actor: TActor, input: TProposeExitFromResultInput) {
  enforce(mayProposeExitFromResult(actor));
  await notYetHandled(actor, input.resultId, input.expectedVersion);
  try {
    return await scopedDb(actor).$transaction(async (tx) => {
      const result = await claimResult(tx, input.resultId, input.expectedVersion, canProposeExit);
      const file = await loadOpenFile(tx, result.fileId!, input.fileVersion);
      const request = await openChangeRequest(tx, actor, file, "EXIT", input.reason, {
        exitReason: input.exitReason!,
        cancelReason: input.exitReason === "CANCELLED" ? input.cancelReason! : null,
        exitPath: input.exitReason === "RESOLVED" ? (input.exitPath ?? null) : null,
      });
      await settle(tx, actor, result, "EXIT_PROPOSED", { changeRequestId: request.id });
      await recordAudit(tx, actor, {
        action: "civil.exit",
        entityType: "household_file",
        entityId: file.id,
        organisationId: file.organisationId,
        detail: { resultId: result.id, runId: result.runId, reason: result.reason, changeRequestId: request.id },
      });
      return { fileId: file.id, changeRequestId: request.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("该档案已有待审批的“退档”申请，请等待审批结果。");
    throw error;
  }
}

/** 不属实: the mismatch is set aside with the caseworker's explanation (kept, and audited). */
export async function dismissResult(actor: TActor, input: TDismissResultInput) {
  enforce(mayCompareRosters(actor));
  await notYetHandled(actor, input.resultId, input.expectedVersion);
  return scopedDb(actor).$transaction(async (tx) => {
    const result = await claimResult(tx, input.resultId, input.expectedVersion, canDismiss);
    await settle(tx, actor, result, "DISMISSED", { note: input.note });
    await recordAudit(tx, actor, {
      action: "civil.dismiss",
      entityType: "civil_roster_run",
      entityId: result.runId,
      organisationId: result.run.organisationId,
      detail: { resultId: result.id, reason: result.reason, fileId: result.fileId, note: input.note },
    });
    return { resultId: result.id };
  });
}
