import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { hashPassword } from "@/lib/auth/password";
import { scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { roleChangeRefusal } from "./rules";
import type { TCreateUserInput, TResetPasswordInput, TSetUserActiveInput, TSetUserRolesInput } from "./schemas";

// Users are managed by administrators, only within their own organisation's subtree. Disabling a
// user or changing their roles bumps session_version, which ends their sessions on the next request.

export async function createUser(actor: TActor, input: TCreateUserInput) {
  assertRole(actor, "ADMIN");
  const passwordHash = await hashPassword(input.password);
  const db = scopedDb(actor);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          username: input.username,
          name: input.name,
          organisationId: input.organisationId,
          roles: input.roles,
          passwordHash,
        },
        select: { id: true, organisationId: true },
      });
      await recordAudit(tx, actor, {
        action: "user.create",
        entityType: "user",
        entityId: user.id,
        organisationId: user.organisationId,
        // A new account's roles are grants like any other: recorded as before (none) and after.
        detail: { username: input.username, roles: input.roles, before: [], after: [...new Set(input.roles)] },
      });
      return { id: user.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, "username")) {
      throw new DomainError("该登录名已被使用，请换一个。", "DUPLICATE", { username: "该登录名已被使用" });
    }
    throw error;
  }
}

async function updateUserInScope(
  actor: TActor,
  userId: string,
  action: string,
  change: (current: { id: string; roles: string[]; active: boolean }) => Record<string, unknown>,
  detail: Record<string, unknown> | ((current: { roles: string[] }) => Record<string, unknown>),
) {
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    const current = await tx.user.findUnique({ where: { id: userId }, select: { id: true, roles: true, active: true, organisationId: true } });
    if (!current) throw new NotFoundError("用户不存在，或不在您的管辖范围内。");
    await tx.user.update({ where: { id: userId }, data: change(current) });
    const recorded = typeof detail === "function" ? detail(current) : detail;
    await recordAudit(tx, actor, { action, entityType: "user", entityId: userId, organisationId: current.organisationId, detail: recorded as never });
  });
}

export async function setUserActive(actor: TActor, input: TSetUserActiveInput) {
  assertRole(actor, "ADMIN");
  if (input.userId === actor.userId && !input.active) throw new DomainError("不能停用自己的账户。");
  await updateUserInScope(
    actor,
    input.userId,
    input.active ? "user.enable" : "user.disable",
    () => ({ active: input.active, sessionVersion: { increment: 1 } }),
    { active: input.active },
  );
}

/**
 * Separation of duties for people: an administrator never changes their own roles (or they could
 * grant themselves the official role and approve filings); another administrator must. Every
 * grant and removal is audited with the roles before and after.
 */
export async function setUserRoles(actor: TActor, input: TSetUserRolesInput) {
  assertRole(actor, "ADMIN");
  const refusal = roleChangeRefusal(actor.userId, input.userId);
  if (refusal) throw new DomainError(refusal, "SELF_CHANGE");
  const roles = [...new Set(input.roles)];
  await updateUserInScope(
    actor,
    input.userId,
    "user.roles",
    () => ({ roles, sessionVersion: { increment: 1 } }),
    (current) => ({
      roles,
      before: current.roles,
      after: roles,
      granted: roles.filter((r) => !current.roles.includes(r)),
      removed: current.roles.filter((r) => !roles.includes(r as never)),
    }),
  );
}

export async function resetUserPassword(actor: TActor, input: TResetPasswordInput) {
  assertRole(actor, "ADMIN");
  const passwordHash = await hashPassword(input.password);
  // A reset also unlocks the account and signs the user out everywhere.
  await updateUserInScope(
    actor,
    input.userId,
    "user.reset-password",
    // lockedUntil = now (not null) so failures from before the reset no longer slow sign-in down.
    () => ({ passwordHash, lockedUntil: new Date(), sessionVersion: { increment: 1 } }),
    {},
  );
}

export async function unlockUser(actor: TActor, userId: string) {
  assertRole(actor, "ADMIN");
  await updateUserInScope(actor, userId, "user.unlock", () => ({ lockedUntil: new Date() }), {});
}
