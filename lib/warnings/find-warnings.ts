import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { dateOnly } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";
import { WARNING_READERS } from "./rules";
import type { TWarningQuery } from "./schemas";

// The warnings list (/warnings) and a file's warnings: in scope through their files, newest first.

function whereOf(query: TWarningQuery): Prisma.HardshipWarningWhereInput {
  return {
    ...(query.status ? { status: query.status } : {}),
    ...(query.rule ? { rule: query.rule } : {}),
    ...(query.from || query.to ? { raisedOn: { ...(query.from ? { gte: dateOnly(query.from) } : {}), ...(query.to ? { lte: dateOnly(query.to) } : {}) } } : {}),
    ...(query.q ? { file: { OR: [{ holderName: { contains: query.q } }, { fileNumber: { startsWith: query.q.toUpperCase() } }] } } : {}),
  };
}

const SELECT = {
  id: true,
  rule: true,
  reason: true,
  raisedOn: true,
  status: true,
  version: true,
  note: true,
  actedAt: true,
  actedBy: { select: { name: true } },
  file: { select: { id: true, fileNumber: true, holderName: true, status: true, version: true, organisation: { select: { name: true } } } },
} satisfies Prisma.HardshipWarningSelect;

export async function findWarnings(actor: TActor, query: TWarningQuery, page: number) {
  assertRole(actor, ...WARNING_READERS);
  const db = scopedDb(actor);
  const where = whereOf(query);
  const [total, rows] = await Promise.all([
    db.hardshipWarning.count({ where }),
    db.hardshipWarning.findMany({ where, orderBy: [{ raisedOn: "desc" }, { id: "asc" }], skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE, select: SELECT }),
  ]);
  return toPage(rows, total, page);
}

export type TWarningRow = Awaited<ReturnType<typeof findWarnings>>["rows"][number];

export async function findFileWarnings(actor: TActor, fileId: string) {
  assertRole(actor, ...WARNING_READERS);
  // Joined: one statement on the household page instead of one per relation (issue 28).
  return scopedDb(actor).hardshipWarning.findMany({
    where: { fileId },
    relationLoadStrategy: "join",
    orderBy: [{ raisedOn: "desc" }, { id: "asc" }],
    take: 50,
    select: SELECT,
  });
}

/** For the caseworker's workbench: how many wait, and the newest few with their reasons. */
export async function openWarningsSummary(actor: TActor) {
  const db = scopedDb(actor);
  const [count, newest] = await Promise.all([
    db.hardshipWarning.count({ where: { status: "OPEN" } }),
    // Joined: the file, its union and who acted come in this statement, not three more (issue 28).
    db.hardshipWarning.findMany({
      where: { status: "OPEN" },
      relationLoadStrategy: "join",
      orderBy: [{ raisedOn: "desc" }, { raisedAt: "desc" }, { id: "asc" }],
      take: 5,
      select: SELECT,
    }),
  ]);
  return { count, newest };
}
