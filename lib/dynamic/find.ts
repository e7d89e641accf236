import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { boundedCount, COUNT_LIMIT, PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb, scopeOrganisationIds } from "@/lib/data/scope";
import { addDays, dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ChangeKind } from "@/lib/generated/prisma/enums";
import { policyValue } from "@/lib/policy/policy";

const FOLLOWERS = ["CASEWORKER", "OFFICIAL"] as const;

/** Open files whose re-check is overdue or due within the region-independent reminder window. */
export async function findDueRechecks(actor: TActor, query: { which?: "overdue" | "soon"; page: number }) {
  assertRole(actor, ...FOLLOWERS);
  const today = todayInShanghai();
  const soonDays = await policyValue("RECHECK_DUE_SOON_DAYS", "", today);
  const soonLimit = dateOnly(addDays(today, soonDays));
  const db = scopedDb(actor);
  const orgIds = await scopeOrganisationIds(actor);
  const overdueWhere: Prisma.HouseholdFileWhereInput = { status: "OPEN", nextCheckDue: { lt: dateOnly(today) }, organisationId: { in: orgIds } };
  const soonWhere: Prisma.HouseholdFileWhereInput = { status: "OPEN", nextCheckDue: { gte: dateOnly(today), lte: soonLimit }, organisationId: { in: orgIds } };
  const where =
    query.which === "overdue"
      ? overdueWhere
      : query.which === "soon"
        ? soonWhere
        : { status: "OPEN" as const, nextCheckDue: { lte: soonLimit }, organisationId: { in: orgIds } };
  // Counted up to COUNT_LIMIT + 1 on household_file_recheck_due_idx (index-only); more is "超过 10,000".
  const countUpTo = async (from: string | null, toInclusive: string) => {
    const [row] = await db.$queryRaw<[{ n: bigint }]>`
      SELECT count(*)::bigint AS n FROM (
        SELECT 1 FROM household_file WHERE status = 'OPEN' AND organisation_id = ANY(${orgIds}::uuid[]) AND ${db.$orgInScope(Prisma.sql`organisation_id`)}
           AND next_check_due <= ${toInclusive}::date AND (${from}::date IS NULL OR next_check_due >= ${from}::date)
         LIMIT ${COUNT_LIMIT + 1}) x`;
    return boundedCount(Number(row.n));
  };
  const page = Math.min(query.page, COUNT_LIMIT / PAGE_SIZE);
  const [rows, overdue, soon] = await Promise.all([
    db.householdFile.findMany({
      where,
      orderBy: [{ nextCheckDue: "asc" }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        fileNumber: true,
        holderName: true,
        tier: true,
        nextCheckDue: true,
        organisation: { select: { name: true } },
        responsibleCadre: { select: { name: true } },
      },
    }),
    countUpTo(null, addDays(today, -1)),
    countUpTo(today, addDays(today, soonDays)),
  ]);
  const total =
    query.which === "overdue"
      ? overdue
      : query.which === "soon"
        ? soon
        : boundedCount(overdue.total + soon.total + (overdue.totalAtLeast || soon.totalAtLeast ? COUNT_LIMIT : 0));
  return { ...toPage(rows, total.total, page, PAGE_SIZE, total.totalAtLeast), overdue, soon, today };
}

/** Households in their observation period (渐退期), the ones ending first on top. */
export async function findObservation(actor: TActor, page: number) {
  assertRole(actor, ...FOLLOWERS, "AUDITOR");
  const db = scopedDb(actor);
  const where: Prisma.HouseholdFileWhereInput = { status: "OBSERVATION" };
  const [rows, total] = await Promise.all([
    db.householdFile.findMany({
      where,
      orderBy: [{ observationUntil: "asc" }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        fileNumber: true,
        holderName: true,
        exitedAt: true,
        observationUntil: true,
        organisation: { select: { name: true } },
        visits: { orderBy: { visitDate: "desc" }, take: 1, select: { visitDate: true } },
      },
    }),
    db.householdFile.count({ where }),
  ]);
  return toPage(rows, total, page);
}

/** 结对帮扶覆盖率 and needs → measures → resolved, for the actor's scope. */
export async function followUpFigures(actor: TActor) {
  assertRole(actor, ...FOLLOWERS, "AUDITOR");
  const db = scopedDb(actor);
  // Open files and those with a pairing cadre from report_open_now (kept exact by triggers on
  // household_file): two counts over every open file of a province took 100 ms at a million files.
  const [[files], measures] = await Promise.all([
    db.$queryRaw<[{ open: number; paired: number }]>`
      SELECT coalesce(sum(files), 0)::int AS open, coalesce(sum(files) FILTER (WHERE paired), 0)::int AS paired
        FROM report_open_now WHERE ${db.$orgInScope(Prisma.sql`organisation_id`)}`,
    db.planMeasure.groupBy({ by: ["status"], _count: true }),
  ]);
  const { open, paired } = files;
  const byStatus = Object.fromEntries(measures.map((m) => [m.status, m._count])) as Partial<Record<string, number>>;
  const total = measures.reduce((n, m) => n + m._count, 0);
  return {
    open,
    paired,
    coverage: open ? paired / open : 0,
    measures: total,
    resolved: byStatus.DONE ?? 0,
    inProgress: (byStatus.PLANNED ?? 0) + (byStatus.IN_PROGRESS ?? 0),
  };
}

/** Everything dynamic management shows on a household page. */
export async function getFileFollowUp(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const [rechecks, visits, measures, changes, tiers] = await Promise.all([
    db.recheck.findMany({
      where: { fileId },
      relationLoadStrategy: "join",
      orderBy: { checkDate: "desc" },
      include: { recordedBy: { select: { name: true } } },
    }),
    db.visit.findMany({ where: { fileId }, relationLoadStrategy: "join", orderBy: { visitDate: "desc" }, include: { recordedBy: { select: { name: true } } } }),
    db.planMeasure.findMany({ where: { fileId }, relationLoadStrategy: "join", orderBy: [{ dueDate: "asc" }] }),
    db.changeRequest.findMany({
      where: { fileId },
      relationLoadStrategy: "join",
      orderBy: { requestedAt: "desc" },
      include: {
        requestedBy: { select: { name: true } },
        decidedBy: { select: { name: true } },
        receivedBy: { select: { name: true } },
        targetOrganisation: { select: { name: true } },
      },
    }),
    db.tierDecision.findMany({
      where: { fileId },
      relationLoadStrategy: "join",
      orderBy: { decidedAt: "asc" },
      include: { decidedBy: { select: { name: true } } },
    }),
  ]);
  return { rechecks, visits, measures, changes, tiers };
}

/**
 * Who can be named a file's 帮扶责任人 (the pairing form's choices): the active caseworkers and
 * officials in the actor's scope. Read only for a user who may set the pairing — an auditor's
 * household page sent this statement for a list it never showed (issue 28).
 */
export async function findPairingCadres(actor: TActor) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  return scopedDb(actor).user.findMany({
    where: { active: true, roles: { hasSome: ["CASEWORKER", "OFFICIAL"] } },
    relationLoadStrategy: "join",
    orderBy: { name: "asc" },
    select: { id: true, name: true, organisation: { select: { name: true } } },
  });
}

/**
 * Change requests waiting for the actor: pending ones from their subtree, and approved transfers
 * into it that wait for the receiving union. Oldest first.
 */
export async function findPendingChanges(actor: TActor, query: { kind?: ChangeKind | "INBOUND"; page: number }) {
  assertRole(actor, "OFFICIAL");
  const db = scopedDb(actor);
  const path = actor.organisation.path;
  const pending: Prisma.ChangeRequestWhereInput = { status: "PENDING", organisation: { path: { startsWith: path } } };
  const inbound: Prisma.ChangeRequestWhereInput = { status: "AWAITING_RECEIVER", targetOrganisation: { path: { startsWith: path } } };
  const where: Prisma.ChangeRequestWhereInput = query.kind === "INBOUND" ? inbound : query.kind ? { ...pending, kind: query.kind } : { OR: [pending, inbound] };
  const [rows, total, counts, inboundCount] = await Promise.all([
    db.changeRequest.findMany({
      where,
      orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: {
        file: { select: { id: true, holderName: true, fileNumber: true, tier: true, perCapitaMonthlyFen: true, suggestedTier: true, version: true } },
        organisation: { select: { name: true } },
        targetOrganisation: { select: { name: true } },
        requestedBy: { select: { name: true } },
      },
    }),
    db.changeRequest.count({ where }),
    db.changeRequest.groupBy({ by: ["kind"], where: pending, _count: true }),
    db.changeRequest.count({ where: inbound }),
  ]);
  const countByKind = { TIER_CHANGE: 0, EXIT: 0, TRANSFER: 0, INBOUND: inboundCount };
  for (const c of counts) countByKind[c.kind] = c._count;
  return { ...toPage(rows, total, query.page), countByKind };
}
