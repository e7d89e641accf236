import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { NotFoundError } from "@/lib/errors/domain-error";
import type { CivilMismatchReason, CivilResultStatus } from "@/lib/generated/prisma/enums";
import { maskResidentId } from "@/lib/people/resident-id";
import { CIVIL_REASONS, CIVIL_STATUS_LABELS } from "./roster-columns";
import type { TRosterProblem } from "./validate-roster";

export const CIVIL_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

export type TRosterDetail = {
  roster: {
    name: string;
    sheetRow: number;
    onDibao: boolean;
    dibaoMonthlyFen: number | null;
    householdIncomeFen: number | null;
    householdSize: number | null;
    hasVehicle?: boolean;
    hasProperty?: boolean;
    deceased?: boolean;
    perCapitaMonthlyFen: number | null;
    workplace?: string | null;
  };
  file?: {
    fileNumber: string | null;
    holderName: string | null;
    status: string;
    tier: string | null;
    householdSize: number | null;
    perCapitaMonthlyFen: number | null;
    isHolder: boolean;
  };
  thresholds: { deep: number | null; relative: number | null };
};

export async function findRosterRuns(actor: TActor, input: { page: number }) {
  assertRole(actor, ...CIVIL_READERS);
  const db = scopedDb(actor);
  const [total, rows] = await Promise.all([
    db.civilRosterRun.count(),
    db.civilRosterRun.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        fileName: true,
        createdAt: true,
        rowCount: true,
        matchedPeople: true,
        matchedFiles: true,
        resultCount: true,
        status: true,
        createdBy: { select: { name: true } },
        organisation: { select: { name: true } },
      },
    }),
  ]);
  return toPage(rows, total, input.page);
}

export async function getRosterRun(actor: TActor, runId: string) {
  assertRole(actor, ...CIVIL_READERS);
  const db = scopedDb(actor);
  const run = await db.civilRosterRun.findUnique({
    where: { id: runId },
    select: {
      id: true,
      fileName: true,
      sizeBytes: true,
      sha256: true,
      createdAt: true,
      policyDate: true,
      rowCount: true,
      matchedPeople: true,
      matchedFiles: true,
      resultCount: true,
      organisationId: true,
      status: true,
      progressDone: true,
      progressTotal: true,
      message: true,
      problems: true,
      problemCount: true,
      updatedAt: true,
      comparedAt: true,
      createdBy: { select: { name: true } },
      organisation: { select: { name: true } },
    },
  });
  if (!run) throw new NotFoundError("比对记录不存在，或不在您的管辖范围内。");
  const problems = run.problems as unknown as TRosterProblem[];
  if (run.status !== "DONE") {
    // Waiting, running, refused or failed: nothing of the comparison is written yet.
    const none = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));
    return {
      ...run,
      problems,
      reasonCounts: none(CIVIL_REASONS) as Record<CivilMismatchReason, number>,
      statusCounts: none(Object.keys(CIVIL_STATUS_LABELS)) as Record<CivilResultStatus, number>,
      filesWithMismatch: 0,
    };
  }
  const [byReason, byStatus, files] = await Promise.all([
    db.civilComparisonResult.groupBy({ by: ["reason"], where: { runId }, _count: { _all: true } }),
    db.civilComparisonResult.groupBy({ by: ["status"], where: { runId }, _count: { _all: true } }),
    db.civilComparisonResult.findMany({ where: { runId, fileId: { not: null } }, distinct: ["fileId"], select: { fileId: true } }),
  ]);
  const reasonCounts = Object.fromEntries(CIVIL_REASONS.map((r) => [r, byReason.find((x) => x.reason === r)?._count._all ?? 0])) as Record<
    CivilMismatchReason,
    number
  >;
  const statusCounts = Object.fromEntries(Object.keys(CIVIL_STATUS_LABELS).map((s) => [s, byStatus.find((x) => x.status === s)?._count._all ?? 0])) as Record<
    CivilResultStatus,
    number
  >;
  return { ...run, problems, reasonCounts, statusCounts, filesWithMismatch: files.length };
}

export type TCompareOutcome =
  { ok: true; runId: string; rows: number; results: number } | { ok: false; message: string; problems: TRosterProblem[]; problemCount: number };

/** Where a run stands, and for a finished one what the comparison came to (run-roster.ts). */
export async function findRosterRunOutcome(actor: TActor, runId: string) {
  assertRole(actor, ...CIVIL_READERS);
  const run = await scopedDb(actor).civilRosterRun.findUnique({
    where: { id: runId },
    select: { status: true, message: true, problems: true, problemCount: true, rowCount: true, resultCount: true },
  });
  if (!run) throw new NotFoundError("比对记录不存在，或不在您的管辖范围内。");
  const outcome: TCompareOutcome =
    run.status === "DONE"
      ? { ok: true, runId, rows: run.rowCount, results: run.resultCount }
      : { ok: false, message: run.message ?? "", problems: run.problems as unknown as TRosterProblem[], problemCount: run.problemCount };
  return { status: run.status, message: run.message, outcome };
}

export type TResultFilter = { reason?: CivilMismatchReason; status?: CivilResultStatus; page: number };

/** A run's mismatches, grouped by file (a file's reasons next to each other), ID numbers masked. */
export async function findRunResults(actor: TActor, runId: string, filter: TResultFilter) {
  assertRole(actor, ...CIVIL_READERS);
  const db = scopedDb(actor);
  const run = await db.civilRosterRun.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new NotFoundError("比对记录不存在，或不在您的管辖范围内。");
  const where = { runId, ...(filter.reason ? { reason: filter.reason } : {}), ...(filter.status ? { status: filter.status } : {}) };
  const [total, rows] = await Promise.all([
    db.civilComparisonResult.count({ where }),
    db.civilComparisonResult.findMany({
      where,
      orderBy: [{ fileId: { sort: "asc", nulls: "last" } }, { reason: "asc" }, { id: "asc" }],
      skip: (filter.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        fileId: true,
        residentId: true,
        reason: true,
        detail: true,
        status: true,
        handledAt: true,
        note: true,
        version: true,
        changeRequestId: true,
        handledBy: { select: { name: true } },
        // The file is read through the result only for its number, holder, status and version; out of
        // scope (transferred away since) it is shown as such and no action is offered.
        file: {
          select: {
            id: true,
            fileNumber: true,
            holderName: true,
            status: true,
            version: true,
            tier: true,
            organisation: { select: { path: true, name: true } },
          },
        },
      },
    }),
  ]);
  return toPage(
    rows.map(({ residentId, file, ...r }) => {
      const inScope = !!file && file.organisation.path.startsWith(actor.organisation.path);
      return {
        ...r,
        residentIdMasked: maskResidentId(residentId),
        detail: r.detail as unknown as TRosterDetail,
        file:
          file && inScope
            ? {
                id: file.id,
                fileNumber: file.fileNumber,
                holderName: file.holderName,
                status: file.status,
                version: file.version,
                tier: file.tier,
                organisationName: file.organisation.name,
              }
            : null,
        fileOutOfScope: !!file && !inScope,
      };
    }),
    total,
    filter.page,
  );
}

/** Runs in scope whose roster named a member of the file — what a filing's civil-affairs check may cite. */
export async function findRunsCoveringFile(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const people = await db.filePerson.findMany({ where: { fileId }, select: { residentId: true } });
  if (people.length === 0) return [];
  return db.civilRosterRun.findMany({
    where: { rows: { some: { residentId: { in: people.map((p) => p.residentId) } } } },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, fileName: true, createdAt: true },
  });
}
