import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { Prisma } from "@/lib/generated/prisma/client";
import { type TImportedHousehold, type TImportProblem } from "./validate-households";

// Reading imports in scope: one upload, the list, batches waiting for an official and their preview.

export async function findImport(actor: TActor, importId: string) {
  const found = await scopedDb(actor).householdImport.findUnique({
    where: { id: importId },
    select: {
      id: true,
      status: true,
      createdById: true,
      organisationId: true,
      workbook: true,
      fileName: true,
      mode: true,
      batchNumber: true,
      approvedById: true,
      createdBy: { select: { name: true } },
    },
  });
  if (!found) throw new NotFoundError("导入记录不存在，或不在您的管辖范围内。");
  return found;
}
export type TUpload = Awaited<ReturnType<typeof findImport>>;
export async function getHouseholdImport(actor: TActor, importId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const found = await scopedDb(actor).householdImport.findUnique({
    where: { id: importId },
    select: {
      id: true,
      fileName: true,
      sizeBytes: true,
      status: true,
      households: true,
      members: true,
      householdRows: true,
      memberRows: true,
      problemCount: true,
      problems: true,
      progressDone: true,
      progressTotal: true,
      message: true,
      createdAt: true,
      updatedAt: true,
      committedAt: true,
      createdById: true,
      createdBy: { select: { name: true } },
      mode: true,
      batchNumber: true,
      approvedAt: true,
      approvedBy: { select: { name: true } },
      rejectedAt: true,
      rejectionReason: true,
      rejectedBy: { select: { name: true } },
      organisation: { select: { name: true } },
    },
  });
  if (!found) throw new NotFoundError("导入记录不存在，或不在您的管辖范围内。");
  return { ...found, problems: found.problems as unknown as TImportProblem[] };
}

export async function findHouseholdImports(actor: TActor) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  return scopedDb(actor).householdImport.findMany({
    orderBy: { createdAt: "desc" },
    take: 50,
    select: {
      id: true,
      fileName: true,
      status: true,
      households: true,
      problemCount: true,
      createdAt: true,
      createdBy: { select: { name: true } },
      organisation: { select: { name: true } },
      mode: true,
      batchNumber: true,
    },
  });
}
/** Import batches of existing files waiting for an official in scope (the review area and workbench). */
export async function findImportBatchesAwaitingApproval(actor: TActor) {
  assertRole(actor, "OFFICIAL");
  return scopedDb(actor).householdImport.findMany({
    where: { mode: "OPEN", status: "AWAITING_APPROVAL" },
    orderBy: { updatedAt: "asc" },
    take: 50,
    select: {
      id: true,
      batchNumber: true,
      fileName: true,
      households: true,
      members: true,
      updatedAt: true,
      createdById: true,
      createdBy: { select: { name: true } },
      organisation: { select: { name: true } },
    },
  });
}

/** The first staged files of a batch waiting for approval, for the approver's preview. */
export async function importBatchPreview(actor: TActor, importId: string, take = 20) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const rows = await scopedDb(actor).householdImportRow.findMany({
    where: { importId },
    orderBy: { seq: "asc" },
    take,
    select: { seq: true, sheetRow: true, data: true, opening: true, organisation: { select: { name: true } } },
  });
  return rows.map((r) => {
    const data = r.data as unknown as TImportedHousehold["data"];
    const opening = r.opening as { tier: string; openedOn: string; originalFileNumber: string | null; perCapitaMonthlyFen: number } | null;
    return {
      sheetRow: r.sheetRow,
      organisation: r.organisation.name,
      holderName: data.members[0]?.name ?? "",
      householdSize: data.members.length,
      tier: opening?.tier ?? null,
      openedOn: opening?.openedOn ?? null,
      originalFileNumber: opening?.originalFileNumber ?? null,
      perCapitaMonthlyFen: opening?.perCapitaMonthlyFen ?? null,
    };
  });
}

/** How many staged files of a waiting batch fall to each tier (the approver's counts). */
export async function importBatchTierCounts(actor: TActor, importId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  return db.$queryRaw<Array<{ tier: string | null; files: number }>>`
    SELECT r.opening ->> 'tier' AS tier, count(*)::int AS files FROM household_import_row r
     WHERE r.import_id = ${importId}::uuid AND ${db.$orgInScope(Prisma.sql`r.organisation_id`)} GROUP BY 1 ORDER BY 1`;
}
