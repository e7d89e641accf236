// The answer of every rules predicate (lib/<feature>/rules.ts): allowed, or the sentence the user
// sees and a code. A page shows a step only when it is allowed (or disabled with the reason); the
// domain function passes the same answer to `enforce` (lib/errors/domain-error.ts), so the button
// and the server's refusal cannot disagree. Pure: imported by pages, components (as a type) and
// domain code alike.
import type { Role } from "@/lib/generated/prisma/enums";
import { hasRole, type TActor } from "./actor";

export type TAllowed = { ok: true } | { ok: false; reason: string; code: string };

export const ALLOWED: TAllowed = { ok: true };
export const refuse = (reason: string, code: string): TAllowed => ({ ok: false, reason, code });

/** The actor holds one of `roles`; otherwise the generic refusal `ForbiddenError` carries. */
export function roleAllows(actor: Pick<TActor, "roles">, roles: readonly Role[]): TAllowed {
  return hasRole(actor, ...roles) ? ALLOWED : refuse("您没有权限执行此操作。", "FORBIDDEN");
}

/** The first refusal among `checks`, evaluated in order (role, then state, then maker–checker). */
export function firstRefusal(...checks: (() => TAllowed)[]): TAllowed {
  for (const check of checks) {
    const answer = check();
    if (!answer.ok) return answer;
  }
  return ALLOWED;
}

/**
 * What a page says beside a step it does not offer: nothing when the actor lacks the role or the
 * record is in another state (the step simply does not apply), the reason otherwise (maker–checker,
 * a date not yet reached).
 */
export function shownRefusal(answer: TAllowed): string | null {
  return answer.ok || answer.code === "FORBIDDEN" || answer.code === "CONFLICT" ? null : answer.reason;
}
