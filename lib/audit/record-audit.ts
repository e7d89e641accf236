import "server-only";
import type { TActor } from "@/lib/auth/actor";
import type { Prisma } from "@/lib/generated/prisma/client";

export type TAuditInput = {
  action: string;
  entityType: string;
  entityId?: string | null;
  organisationId?: string | null;
  detail?: Prisma.InputJsonValue;
};

/** Writes one audit row inside the caller's transaction, so the change and its record stand or fall together. */
/** Any transaction client, scoped or not: all it needs is to insert an audit row. */
type TAuditWriter = { auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): PromiseLike<unknown> } };

export function recordAudit(tx: TAuditWriter, actor: Pick<TActor, "userId" | "ip">, input: TAuditInput) {
  return tx.auditEvent.create({
    data: {
      actorId: actor.userId,
      ip: actor.ip,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      organisationId: input.organisationId ?? null,
      detail: input.detail,
    },
  });
}

/**
 * An audit row of something the public did (issue 24: a self-query, an application, an objection):
 * no user, only the client address the app's own server saw (lib/http/client-ip.ts).
 */
export function recordPublicAudit(tx: TAuditWriter, ip: string, input: TAuditInput) {
  return tx.auditEvent.create({
    data: {
      actorId: null,
      ip,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      organisationId: input.organisationId ?? null,
      detail: input.detail,
    },
  });
}
