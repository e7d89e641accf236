import type { Role } from "@/lib/generated/prisma/enums";

/** The signed-in user as every domain function sees them: who, where in the tree, which roles. */
export type TActor = {
  userId: string;
  sessionId: string | null;
  username: string;
  name: string;
  roles: Role[];
  organisation: { id: string; name: string; path: string; depth: number };
  ip: string | null;
};

export const ROLE_LABELS: Record<Role, string> = {
  CASEWORKER: "帮扶干部",
  OFFICIAL: "审批人",
  AUDITOR: "审计",
  ADMIN: "系统管理员",
};

export function hasRole(actor: Pick<TActor, "roles">, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}
