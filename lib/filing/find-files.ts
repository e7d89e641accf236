import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { FileLevel, FileStatus, HardshipCause, Tier, WorkerCategory } from "@/lib/generated/prisma/enums";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { maskResidentId, normalizeResidentId } from "@/lib/people/resident-id";
import type { TFilingData } from "./schemas";

const READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

export type TArchiveQuery = {
  q?: string;
  status?: FileStatus | "ALL";
  tier?: Tier;
  fileLevel?: FileLevel;
  workerCategory?: WorkerCategory;
  cause?: HardshipCause;
  organisationId?: string;
  /** Open files whose re-check date has passed. */
  overdue?: boolean;
  page: number;
};

/** What the search box means: an 18-character ID number, a file number, or the start of a name. */
function searchWhere(q: string): Prisma.HouseholdFileWhereInput {
  const id = normalizeResidentId(q);
  if (/^[0-9]{17}[0-9X]$/.test(id)) return { persons: { some: { residentId: id } } };
  if (/^[0-9A-Z]+-\d{4}-\d+$/i.test(q)) return { fileNumber: q.toUpperCase() };
  return { holderName: { startsWith: q } };
}

/**
 * The archive's filters as a WHERE, shared by the page and the export (困难职工台账) so both
 * always mean the same households.
 */
export async function archiveWhere(actor: TActor, query: Omit<TArchiveQuery, "page">): Promise<Prisma.HouseholdFileWhereInput> {
  const db = scopedDb(actor);
  const q = query.q?.trim();
  const status = query.status ?? "OPEN";
  let orgPath: string | undefined;
  if (query.organisationId) {
    orgPath = (await db.organisation.findUnique({ where: { id: query.organisationId }, select: { path: true } }))?.path;
    if (!orgPath) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
  }
  return {
    AND: [
      // Drafts are the caseworker's own work in progress, not part of the archive.
      status === "ALL" ? { status: { not: "DRAFT" } } : { status },
      q ? searchWhere(q) : {},
      query.tier ? { tier: query.tier } : {},
      query.fileLevel ? { fileLevel: query.fileLevel } : {},
      query.workerCategory ? { workerCategory: query.workerCategory } : {},
      query.cause ? { OR: [{ mainCause: query.cause }, { secondaryCauses: { has: query.cause } }] } : {},
      orgPath ? { organisation: { path: { startsWith: orgPath } } } : {},
      query.overdue ? { status: "OPEN", nextCheckDue: { lt: dateOnly(todayInShanghai()) } } : {},
    ],
  };
}

export async function findFiles(actor: TActor, query: TArchiveQuery) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  const where = await archiveWhere(actor, query);
  const [rows, total] = await Promise.all([
    db.householdFile.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true, fileNumber: true, status: true, holderName: true, holderResidentId: true, tier: true, proposedTier: true,
        fileLevel: true, workerCategory: true, mainCause: true, householdSize: true, updatedAt: true, nextCheckDue: true,
        organisation: { select: { name: true } },
      },
    }),
    db.householdFile.count({ where }),
  ]);
  return toPage(
    rows.map(({ holderResidentId, ...row }) => ({ ...row, maskedResidentId: holderResidentId ? maskResidentId(holderResidentId) : null })),
    total,
    query.page,
  );
}

/** The caseworker's drafts, including filings sent back to them, newest first. */
export async function findDrafts(actor: TActor, page: number) {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const where: Prisma.HouseholdFileWhereInput = { status: "DRAFT" };
  const [rows, total] = await Promise.all([
    db.householdFile.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, holderName: true, fileNumber: true, episode: true, rejectionReason: true, updatedAt: true, organisation: { select: { name: true } }, createdBy: { select: { name: true } } },
    }),
    db.householdFile.count({ where }),
  ]);
  return toPage(rows, total, page);
}

/** Filings waiting for an official, oldest submission first, with counts per step. */
export async function findReviewQueue(actor: TActor, query: { status?: "SUBMITTED" | "REVIEWED" | "PUBLICITY"; page: number }) {
  assertRole(actor, "OFFICIAL");
  const db = scopedDb(actor);
  const waiting = ["SUBMITTED", "REVIEWED", "PUBLICITY"] as const;
  const where: Prisma.HouseholdFileWhereInput = { status: query.status ? query.status : { in: [...waiting] } };
  const [rows, total, counts] = await Promise.all([
    db.householdFile.findMany({
      where,
      orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true, status: true, holderName: true, episode: true, fileNumber: true, proposedTier: true, suggestedTier: true, submittedAt: true,
        publicityEnd: true, civilCheckResult: true, submittedById: true,
        organisation: { select: { name: true } }, submittedBy: { select: { name: true } },
      },
    }),
    db.householdFile.count({ where }),
    db.householdFile.groupBy({ by: ["status"], where: { status: { in: [...waiting] } }, _count: true }),
  ]);
  const countByStatus = Object.fromEntries(waiting.map((s) => [s, counts.find((c) => c.status === s)?._count ?? 0])) as Record<(typeof waiting)[number], number>;
  return { ...toPage(rows, total, query.page), countByStatus };
}

/** A household's file as its page shows it: ID numbers masked (see revealResidentIds). */
export async function getFile(actor: TActor, fileId: string) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  const file = await db.householdFile.findUnique({
    where: { id: fileId },
    include: {
      organisation: { select: { id: true, name: true, regionCode: true } },
      createdBy: { select: { name: true } },
      submittedBy: { select: { name: true } },
      reviewedBy: { select: { name: true } },
      approvedBy: { select: { name: true } },
      responsibleCadre: { select: { name: true } },
      _count: { select: { rechecks: true } },
      events: { orderBy: { id: "asc" }, include: { actor: { select: { name: true } } } },
      objections: {
        orderBy: { receivedOn: "asc" },
        include: { recordedBy: { select: { name: true } }, resolution: { include: { resolvedBy: { select: { name: true } } } } },
      },
    },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const data = file.data as unknown as TFilingData;
  const masked: TFilingData = { ...data, members: data.members.map((m) => ({ ...m, residentId: m.residentId ? maskResidentId(m.residentId) : undefined })) };
  return { ...file, data: masked, holderResidentId: file.holderResidentId ? maskResidentId(file.holderResidentId) : null };
}

/** The full draft data, for the caseworker editing it (ID numbers unmasked: they typed them). */
export async function getDraftForEdit(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER");
  const file = await scopedDb(actor).householdFile.findUnique({
    where: { id: fileId },
    select: { id: true, status: true, version: true, data: true, episode: true, fileNumber: true, rejectionReason: true },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  return { ...file, data: file.data as unknown as TFilingData };
}

/** Full ID numbers of a household, for a user in scope; every such view is audited. */
export async function revealResidentIds(actor: TActor, fileId: string) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    const file = await tx.householdFile.findUnique({ where: { id: fileId }, select: { id: true, organisationId: true, data: true } });
    if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
    await recordAudit(tx, actor, { action: "filing.reveal-resident-ids", entityType: "household_file", entityId: file.id, organisationId: file.organisationId });
    return (file.data as unknown as TFilingData).members.map((m) => m.residentId ?? null);
  });
}
