import "server-only";
import { enforce } from "@/lib/errors/domain-error";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { claimApplication } from "./accept-application";
import { canDeclineApplication, mayHandleApplications } from "./rules";
import type { TDeclineApplicationInput } from "./schemas";

/** 不予受理: the reason is what the applicant reads on the query page, so it is written for them. */
export async function declineApplication(actor: TActor, input: TDeclineApplicationInput): Promise<void> {
  enforce(mayHandleApplications(actor));
  await scopedDb(actor).$transaction(async (tx) => {
    const application = await claimApplication(tx, input, ["SUBMITTED", "ACCEPTED"], canDeclineApplication, {
      status: "DECLINED",
      declineReason: input.reason,
      decidedById: actor.userId,
      decidedAt: new Date(),
    });
    await recordAudit(tx, actor, {
      action: "application.decline",
      entityType: "online_application",
      entityId: input.applicationId,
      organisationId: application.organisationId,
      detail: { number: application.number, reason: input.reason },
    });
  });
}
