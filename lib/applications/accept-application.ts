import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { ConflictError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import type { TAllowed } from "@/lib/filing/rules";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { OnlineApplicationStatus } from "@/lib/generated/prisma/enums";
import { APPLICATION_NOT_FOUND } from "./find-applications";
import { canAcceptApplication, mayHandleApplications } from "./rules";
import type { TApplicationActionInput } from "./schemas";

/**
 * Claims an application in scope at the version the caseworker saw, in a state `rule` allows:
 * status and version are in the WHERE, so of two caseworkers acting at once exactly one wins and
 * the other is told to refresh. Returns the organisation, for the audit row.
 */
export async function claimApplication(
  tx: TScopedTx,
  input: TApplicationActionInput,
  from: OnlineApplicationStatus[],
  rule: (application: { status: OnlineApplicationStatus }) => TAllowed,
  changes: Prisma.OnlineApplicationUncheckedUpdateManyInput,
): Promise<{ organisationId: string; number: string }> {
  if (!isUuid(input.applicationId)) throw new NotFoundError(APPLICATION_NOT_FOUND);
  const { count } = await tx.onlineApplication.updateMany({
    where: { id: input.applicationId, version: input.expectedVersion, status: { in: from } },
    data: { ...changes, version: { increment: 1 } },
  });
  const current = await tx.onlineApplication.findUnique({ where: { id: input.applicationId }, select: { status: true, organisationId: true, number: true } });
  if (!current) throw new NotFoundError(APPLICATION_NOT_FOUND);
  if (count === 1) return current;
  enforce(rule(current));
  throw new ConflictError("该申请已被他人处理或修改，请刷新页面查看最新状态。");
}

/** 受理: the applicant's query now says 受理中. */
export async function acceptApplication(actor: TActor, input: TApplicationActionInput): Promise<void> {
  enforce(mayHandleApplications(actor));
  await scopedDb(actor).$transaction(async (tx) => {
    const application = await claimApplication(tx, input, ["SUBMITTED"], canAcceptApplication, {
      status: "ACCEPTED",
      acceptedById: actor.userId,
      acceptedAt: new Date(),
    });
    await recordAudit(tx, actor, {
      action: "application.accept",
      entityType: "online_application",
      entityId: input.applicationId,
      organisationId: application.organisationId,
      detail: { number: application.number },
    });
  });
}
