import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import type { Prisma } from "@/lib/generated/prisma/client";

export async function findUsers(actor: TActor, query: { q?: string; page: number }) {
  assertRole(actor, "ADMIN");
  const db = scopedDb(actor);
  const q = query.q?.trim();
  const where: Prisma.UserWhereInput = q ? { OR: [{ name: { contains: q } }, { username: { contains: q.toLowerCase() } }] } : {};
  const [rows, total] = await Promise.all([
    db.user.findMany({
      where,
      orderBy: [{ organisation: { path: "asc" } }, { username: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        username: true,
        name: true,
        roles: true,
        active: true,
        lockedUntil: true,
        lastSignInAt: true,
        organisation: { select: { id: true, name: true } },
      },
    }),
    db.user.count({ where }),
  ]);
  return toPage(rows, total, query.page);
}

export async function getUser(actor: TActor, userId: string) {
  assertRole(actor, "ADMIN");
  return scopedDb(actor).user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      username: true,
      name: true,
      roles: true,
      active: true,
      lockedUntil: true,
      lastSignInAt: true,
      createdAt: true,
      organisation: { select: { id: true, name: true } },
    },
  });
}

/** Accounts in scope that both file and approve (帮扶干部 and 审批人), for the users page to list. */
export async function findDualRoleUsers(actor: TActor) {
  assertRole(actor, "ADMIN");
  return scopedDb(actor).user.findMany({
    where: { active: true, roles: { hasEvery: ["CASEWORKER", "OFFICIAL"] } },
    orderBy: [{ organisation: { path: "asc" } }, { username: "asc" }],
    take: 50,
    select: { id: true, name: true, username: true, organisation: { select: { name: true } } },
  });
}
