import "server-only";
import { recordPublicAudit } from "@/lib/audit/record-audit";
import { prisma } from "@/lib/db/client";
import { isRaisedBy } from "@/lib/db/errors";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { PUBLIC_NOTICE_NOT_FOUND, PUBLIC_OBJECTION_LIMITED, PUBLIC_OBJECTION_NOT_STARTED, publicObjectionClosed } from "./labels";
import { PUBLIC_OBJECTION_LIMITS } from "./limits";
import { publicityWindow } from "./publicity-window";
import type { TPublicObjection } from "./schemas";
import { servicePhoneFor } from "./service-phone";
import { publicSubjectKey } from "./subject-key";

// An objection filed on the public notice (公示异议, issue 24 §3). It becomes a publicity objection
// of the file's current episode like one a caseworker records, so approval waits until an official
// records how it was resolved (household_file_approval_rules, 0008); the public has no actor, so
// the row names no recorder (source PUBLIC) and no history event — the audit row on the file, with
// the address, is its history entry.

export type TPublicObjectionReceipt = { receivedOn: string; deadline: string; named: boolean };

type TContext = { ip: string; now?: Date };

export async function filePublicObjection(input: TPublicObjection, context: TContext): Promise<TPublicObjectionReceipt> {
  const now = context.now ?? new Date();
  const today = todayInShanghai(now);
  const subjectKey = publicSubjectKey("OBJECTION", input.token);
  const outcome = await prisma
    .$transaction(async (tx): Promise<{ refused: string } | { receipt: TPublicObjectionReceipt }> => {
      const record = (succeeded: boolean) => tx.publicAttempt.create({ data: { at: now, kind: "OBJECTION", ip: context.ip, subjectKey, succeeded } });
      const recent = await tx.publicAttempt.count({
        where: { kind: "OBJECTION", ip: context.ip, at: { gt: new Date(now.getTime() - PUBLIC_OBJECTION_LIMITS.addressWindowHours * 3_600_000) } },
      });
      if (recent >= PUBLIC_OBJECTION_LIMITS.perAddress) {
        await record(false);
        return { refused: PUBLIC_OBJECTION_LIMITED };
      }
      const file = await tx.householdFile.findFirst({
        where: { publicityToken: input.token, status: "PUBLICITY" },
        select: { id: true, organisationId: true, episode: true, publicityStart: true, publicityEnd: true, organisation: { select: { path: true } } },
      });
      if (!file || !file.publicityStart || !file.publicityEnd) {
        await record(false);
        return { refused: PUBLIC_NOTICE_NOT_FOUND };
      }
      const window = { publicityStart: dateOnlyString(file.publicityStart), publicityEnd: dateOnlyString(file.publicityEnd) };
      const state = publicityWindow(window, today);
      if (state !== "OPEN") {
        await record(false);
        return {
          refused: state === "ENDED" ? publicObjectionClosed(window.publicityEnd, await servicePhoneFor(file.organisation.path)) : PUBLIC_OBJECTION_NOT_STARTED,
        };
      }
      const objection = await tx.publicityObjection.create({
        data: {
          fileId: file.id,
          episode: file.episode,
          receivedOn: dateOnly(today),
          content: input.content,
          source: "PUBLIC",
          objectorName: input.name ?? null,
          objectorContact: input.contact ?? null,
          submittedIp: context.ip,
          recordedAt: now,
        },
        select: { id: true },
      });
      await record(true);
      await recordPublicAudit(tx, context.ip, {
        action: "public.objection",
        entityType: "household_file",
        entityId: file.id,
        organisationId: file.organisationId,
        detail: { objectionId: objection.id, episode: file.episode, named: !!input.name, withContact: !!input.contact, chars: input.content.length },
      });
      return { receipt: { receivedOn: today, deadline: window.publicityEnd, named: !!input.name } };
    })
    .catch((error: unknown) => {
      // The database's own deadline (trigger publicity_objection_public_in_time): the day ended, or
      // the file was approved, between the read above and the insert.
      if (isRaisedBy(error, "is not in its publicity period")) throw new DomainError("该户公示已截止，不再受理网上异议。", "PUBLICITY_ENDED");
      throw error;
    });
  if ("refused" in outcome) {
    // Refusals are answers, not errors: the attempt row they wrote must stay.
    throw outcome.refused === PUBLIC_NOTICE_NOT_FOUND ? new NotFoundError(outcome.refused) : new DomainError(outcome.refused, "REFUSED");
  }
  return outcome.receipt;
}
