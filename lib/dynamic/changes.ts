import "server-only";
import { canDecideChange, canEndObservationAs, canReceiveTransfer, mayDecideChanges, mayFollowUp, mayPlanAndPropose } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, unscopedSql, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { CHANGE_KIND_LABELS } from "@/lib/filing/labels";
import { addMonths, dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ChangeKind, FileStatus } from "@/lib/generated/prisma/enums";
import { policyValue } from "@/lib/policy/policy";
import type { TDecideChangeInput, TEndObservationInput, TProposeExitInput, TProposeTierChangeInput, TProposeTransferInput } from "./schemas";

// Change requests to an open file. One open request of a kind per file (partial unique index
// change_request_one_open_per_kind); the proposer never decides (CHECKs); a decision names the
// request's version and is refused when the file changed after the request was made.

export async function loadOpenFile(tx: TScopedTx, fileId: string, expectedVersion: number, statuses: FileStatus[] = ["OPEN"]) {
  const file = await tx.householdFile.findUnique({ where: { id: fileId }, include: { organisation: { select: { regionCode: true } } } });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  if (file.version !== expectedVersion) throw new ConflictError("该档案已被他人修改，请刷新页面后重新操作。");
  if (!statuses.includes(file.status)) throw new DomainError("只有在档的档案可以办理此项。", "WRONG_STATUS");
  return file;
}

type TRequestData = Omit<
  Prisma.ChangeRequestUncheckedCreateInput,
  "fileId" | "organisationId" | "fileVersion" | "currentTier" | "requestedById" | "kind" | "reason"
>;

/** Opens a change request inside the caller's transaction (also used by re-checks). */
export async function openChangeRequest(
  tx: TScopedTx,
  actor: TActor,
  file: {
    id: string;
    organisationId: string;
    version: number;
    tier: Prisma.HouseholdFileGetPayload<object>["tier"];
    suggestedTier: Prisma.HouseholdFileGetPayload<object>["suggestedTier"];
  },
  kind: ChangeKind,
  reason: string,
  data: TRequestData,
) {
  if (!file.tier) throw new DomainError("档案尚未审定困难类别。", "WRONG_STATUS");
  const request = await tx.changeRequest.create({
    data: {
      ...data,
      fileId: file.id,
      organisationId: file.organisationId,
      kind,
      reason,
      fileVersion: file.version,
      currentTier: file.tier,
      suggestedTier: file.suggestedTier,
      requestedById: actor.userId,
    },
    select: { id: true },
  });
  await recordAudit(tx, actor, {
    action: `change.propose.${kind.toLowerCase()}`,
    entityType: "change_request",
    entityId: request.id,
    organisationId: file.organisationId,
  });
  return request;
}

async function propose(
  actor: TActor,
  ref: { fileId: string; expectedVersion: number },
  kind: ChangeKind,
  reason: string,
  data: (tx: TScopedTx) => Promise<TRequestData> | TRequestData,
) {
  enforce(mayPlanAndPropose(actor));
  try {
    return await scopedDb(actor).$transaction(async (tx) => {
      const file = await loadOpenFile(tx, ref.fileId, ref.expectedVersion);
      return openChangeRequest(tx, actor, file, kind, reason, await data(tx));
    });
  } catch (error) {
    if (isUniqueViolation(error, "change_request_one_open_per_kind") || isUniqueViolation(error)) {
      throw new ConflictError(`该档案已有待审批的“${CHANGE_KIND_LABELS[kind]}”申请，请等待审批结果。`);
    }
    throw error;
  }
}

export async function proposeTierChange(actor: TActor, input: TProposeTierChangeInput) {
  return propose(actor, input, "TIER_CHANGE", input.reason, () => ({ proposedTier: input.proposedTier }));
}

export async function proposeExit(actor: TActor, input: TProposeExitInput) {
  return propose(actor, input, "EXIT", input.reason, () => ({
    exitReason: input.exitReason!,
    cancelReason: input.exitReason === "CANCELLED" ? input.cancelReason! : null,
    exitPath: input.exitReason === "RESOLVED" ? (input.exitPath ?? null) : null,
  }));
}

export async function proposeTransfer(actor: TActor, input: TProposeTransferInput) {
  return propose(actor, input, "TRANSFER", input.reason, async (tx) => {
    // The receiving union is usually outside the proposer's scope: it is named by its code.
    const target = await tx.$queryRaw<Array<{ id: string }>>`
      ${unscopedSql("the receiving union of a transfer lies outside the proposer's scope; only its id is read")}
      SELECT id FROM organisation WHERE code = ${input.targetOrganisationCode}`;
    if (!target[0]) throw new DomainError(`没有代码为 ${input.targetOrganisationCode} 的工会组织。`, "INVALID", { targetOrganisationCode: "组织代码不存在" });
    const file = await tx.householdFile.findUniqueOrThrow({ where: { id: input.fileId }, select: { organisationId: true } });
    if (target[0].id === file.organisationId)
      throw new DomainError("接收单位不能是档案当前所属单位。", "INVALID", { targetOrganisationCode: "不能转给本单位" });
    return { targetOrganisationId: target[0].id };
  });
}

/** 审批: an official other than the proposer approves or rejects a pending request. */
export async function decideChange(actor: TActor, input: TDecideChangeInput) {
  enforce(mayDecideChanges(actor));
  const db = scopedDb(actor);
  const today = todayInShanghai();
  return db.$transaction(async (tx) => {
    await claimRow(tx, "change_request", input.requestId);
    const request = await tx.changeRequest.findUnique({ where: { id: input.requestId }, include: { file: true, organisation: { select: { path: true } } } });
    // Deciding belongs to the sending side; the receiving side only accepts transfers (receiveTransfer).
    if (!request || !request.organisation.path.startsWith(actor.organisation.path)) throw new NotFoundError("申请不存在，或不在您的管辖范围内。");
    if (request.status !== "PENDING" || request.version !== input.expectedVersion) throw new ConflictError("该申请已被他人处理，请刷新页面查看结果。");
    enforce(canDecideChange(actor, request));
    const { file } = request;
    if (input.approve && (file.version !== request.fileVersion || file.status !== "OPEN")) {
      throw new ConflictError("档案在申请提出后已有变化（如重新核查或其他变更），请退回后按最新情况重新申请。");
    }
    const nextStatus = !input.approve ? "REJECTED" : request.kind === "TRANSFER" ? "AWAITING_RECEIVER" : "APPROVED";
    const claimed = await tx.changeRequest.updateMany({
      where: { id: request.id, status: "PENDING", version: request.version },
      data: { status: nextStatus, decidedById: actor.userId, decidedAt: new Date(), decisionComment: input.comment ?? null, version: { increment: 1 } },
    });
    if (claimed.count !== 1) throw new ConflictError("该申请刚被他人处理，请刷新页面查看结果。");

    if (input.approve && request.kind !== "TRANSFER") {
      let fileChange: Prisma.HouseholdFileUncheckedUpdateManyInput;
      let event: "TIER_CHANGED" | "EXITED";
      let toStatus: FileStatus = "OPEN";
      if (request.kind === "TIER_CHANGE") {
        fileChange = { tier: request.proposedTier! };
        event = "TIER_CHANGED";
        await tx.tierDecision.create({
          data: { fileId: file.id, tier: request.proposedTier!, source: "CHANGE", changeRequestId: request.id, decidedById: actor.userId },
        });
      } else if (request.exitReason === "RESOLVED") {
        const months = await policyValue(
          "OBSERVATION_MONTHS",
          (await tx.organisation.findUniqueOrThrow({ where: { id: file.organisationId } })).regionCode,
          today,
        );
        toStatus = "OBSERVATION";
        fileChange = {
          status: toStatus,
          exitReason: "RESOLVED",
          exitPath: request.exitPath,
          cancelReason: null,
          exitedAt: new Date(),
          observationUntil: dateOnly(addMonths(today, months)),
        };
        event = "EXITED";
      } else {
        toStatus = "CLOSED";
        fileChange = {
          status: toStatus,
          exitReason: "CANCELLED",
          exitPath: null,
          cancelReason: request.cancelReason,
          exitedAt: new Date(),
          observationUntil: null,
        };
        event = "EXITED";
      }
      const updated = await tx.householdFile.updateMany({
        where: { id: file.id, version: request.fileVersion, status: "OPEN" },
        data: { ...fileChange, version: { increment: 1 }, updatedAt: new Date() },
      });
      if (updated.count !== 1) throw new ConflictError("档案在申请提出后已有变化，请退回后重新申请。");
      await tx.filingEvent.create({
        data: { fileId: file.id, episode: file.episode, kind: event, fromStatus: "OPEN", toStatus, actorId: actor.userId, note: request.reason },
      });
    }
    await recordAudit(tx, actor, {
      action: `change.${input.approve ? "approve" : "reject"}.${request.kind.toLowerCase()}`,
      entityType: "change_request",
      entityId: request.id,
      organisationId: request.organisationId,
      detail: input.comment ? { comment: input.comment } : undefined,
    });
    return { status: nextStatus };
  });
}

/**
 * What travels with a transferred file, in the transfer's transaction. Records of the file are
 * scoped through it (lib/data/scope.ts) and follow it by themselves; these rows also carry an
 * organisation_id, brought in step here: the bank accounts and the requests not yet decided (the
 * receiving union decides and pays them now). A batch not yet approved belongs to the sending union
 * and will not pay a file it no longer holds: the file's lines leave it, with the reason. Ledger
 * entries, decided requests and paid batch lines keep the organisation that paid (append-only
 * history); the receiving union sees the entries through the file.
 */
async function moveFileRecords(tx: TScopedTx, fileId: string, targetOrganisationId: string) {
  await tx.bankAccount.updateMany({ where: { fileId }, data: { organisationId: targetOrganisationId } });
  await tx.disbursement.updateMany({ where: { fileId, status: "PENDING" }, data: { organisationId: targetOrganisationId } });
  await tx.batchLine.updateMany({
    where: { fileId, removed: false, batch: { status: { in: ["DRAFT", "SUBMITTED"] } } },
    data: { removed: true, removedReason: "档案已转出至其他单位" },
  });
}

/** 转入: an official of the receiving union accepts (the file moves, history and all) or declines. */
export async function receiveTransfer(actor: TActor, input: TDecideChangeInput) {
  enforce(mayDecideChanges(actor));
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    await claimRow(tx, "change_request", input.requestId);
    const request = await tx.changeRequest.findUnique({
      where: { id: input.requestId },
      include: { file: true, targetOrganisation: { select: { path: true } } },
    });
    if (!request || request.kind !== "TRANSFER" || !request.targetOrganisation?.path.startsWith(actor.organisation.path)) {
      throw new NotFoundError("申请不存在，或不在您的管辖范围内。");
    }
    if (request.status !== "AWAITING_RECEIVER" || request.version !== input.expectedVersion)
      throw new ConflictError("该申请已被他人处理，请刷新页面查看结果。");
    enforce(canReceiveTransfer(actor, request));
    const claimed = await tx.changeRequest.updateMany({
      where: { id: request.id, status: "AWAITING_RECEIVER", version: request.version },
      data: {
        status: input.approve ? "APPROVED" : "REJECTED",
        receivedById: actor.userId,
        receivedAt: new Date(),
        decisionComment: input.comment ?? request.decisionComment,
        version: { increment: 1 },
      },
    });
    if (claimed.count !== 1) throw new ConflictError("该申请刚被他人处理，请刷新页面查看结果。");
    if (input.approve) {
      // The file is outside the receiver's scope until this moment: it is moved through the
      // request that was just accepted, whose receiving union is in scope.
      const moved = await tx.$executeRaw`
        UPDATE household_file f SET organisation_id = r.target_organisation_id, version = f.version + 1, updated_at = now()
          FROM change_request r
         WHERE r.id = ${request.id}::uuid AND r.status = 'APPROVED' AND r.kind = 'TRANSFER' AND ${tx.$orgInScope(Prisma.sql`r.target_organisation_id`)}
           AND f.id = r.file_id AND f.version = r.file_version AND f.status = 'OPEN'`;
      if (moved !== 1) throw new ConflictError("档案在申请提出后已有变化，无法接收，请与转出单位联系。");
      await tx.filingEvent.create({
        data: {
          fileId: request.fileId,
          episode: request.file.episode,
          kind: "TRANSFERRED",
          fromStatus: "OPEN",
          toStatus: "OPEN",
          actorId: actor.userId,
          note: request.reason,
        },
      });
      await moveFileRecords(tx, request.fileId, request.targetOrganisationId!);
    }
    await recordAudit(tx, actor, {
      action: `change.${input.approve ? "receive" : "decline"}.transfer`,
      entityType: "change_request",
      entityId: request.id,
      organisationId: request.targetOrganisationId,
    });
    return { status: input.approve ? "APPROVED" : "REJECTED" };
  });
}

/** 渐退期满: a household that stayed resolved through its observation period is closed. */
export async function endObservation(actor: TActor, input: TEndObservationInput) {
  enforce(mayFollowUp(actor));
  return scopedDb(actor).$transaction(async (tx) => {
    const file = await loadOpenFile(tx, input.fileId, input.expectedVersion, ["OBSERVATION"]);
    enforce(canEndObservationAs(actor, file, todayInShanghai()));
    const { count } = await tx.householdFile.updateMany({
      where: { id: file.id, version: file.version, status: "OBSERVATION" },
      data: { status: "CLOSED", version: { increment: 1 }, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError();
    await tx.filingEvent.create({
      data: { fileId: file.id, episode: file.episode, kind: "OBSERVATION_ENDED", fromStatus: "OBSERVATION", toStatus: "CLOSED", actorId: actor.userId },
    });
    await recordAudit(tx, actor, { action: "file.end-observation", entityType: "household_file", entityId: file.id, organisationId: file.organisationId });
  });
}
