import "server-only";
import { prisma } from "@/lib/db/client";

export type TAuditActor = { id: string; name: string; username: string; organisationName: string };

/**
 * The people who did what the reader's trail shows, with their union. Read unscoped on purpose:
 * a province official who approved a city's file, or a county caseworker since moved elsewhere,
 * acted inside the reader's scope, and an auditor must see who it was (issue 26). Only ids taken
 * from audit rows already read through the reader's scope come here, so nothing else leaks: the
 * name, username and union of the person, never their account.
 */
export async function nameAuditActors(actorIds: Iterable<string | null | undefined>): Promise<Map<string, TAuditActor>> {
  const ids = [...new Set([...actorIds].filter((id): id is string => !!id))];
  if (ids.length === 0) return new Map();
  const users = await prisma.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, username: true, organisation: { select: { name: true } } },
  });
  return new Map(users.map((u) => [u.id, { id: u.id, name: u.name, username: u.username, organisationName: u.organisation.name }]));
}

/** "王静（lz_caseworker，七里河区总工会）": the same words on the page and in the export. */
export function auditActorText(who: TAuditActor | null | undefined): string {
  return who ? `${who.name}（${who.username}，${who.organisationName}）` : "";
}
