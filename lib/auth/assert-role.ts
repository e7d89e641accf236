import type { Role } from "@/lib/generated/prisma/enums";
import { ForbiddenError } from "@/lib/errors/domain-error";
import { hasRole, type TActor } from "./actor";

/** Domain functions re-check the role themselves: an action's check does not protect a later caller. */
export function assertRole(actor: Pick<TActor, "roles">, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) throw new ForbiddenError();
}
