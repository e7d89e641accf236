import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { roleAllows } from "@/lib/auth/allowed";
import { claimRow } from "@/lib/data/row-lock";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { addMonths, dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { FileStatus } from "@/lib/generated/prisma/enums";
import { removeEvidenceBytes } from "@/lib/evidence/storage";
import { policyValue } from "@/lib/policy/policy";
import { pausePoint } from "@/lib/testing/pause-point";
import { settleWarningsOnReopen } from "@/lib/warnings/close-on-reopen";
import {
  approvalProblem,
  DRAFT_ROLES,
  FILING_STEPS,
  filingStepRoles,
  isSubmitter,
  publicityLastDay,
  publicityStartProblem,
  submitterRefusal,
  type TFilingStepName,
} from "./filing-rules";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { isDeletableDraft } from "./rules";
import type {
  TApproveFilingInput,
  TFileActionInput,
  TRecordCivilCheckInput,
  TRecordObjectionInput,
  TRejectFilingInput,
  TResolveObjectionInput,
  TReviewFilingInput,
  TStartPublicityInput,
} from "./schemas";

// Every step names the status and version it acts on, and the update carries both in its WHERE:
// of two officials acting on one file at once, exactly one changes it and the other is told.

type TFileRow = Prisma.HouseholdFileGetPayload<{ include: { organisation: { select: { code: true; regionCode: true } } } }>;

async function loadFile(tx: TScopedTx, fileId: string): Promise<TFileRow> {
  const file = await tx.householdFile.findUnique({ where: { id: fileId }, include: { organisation: { select: { code: true, regionCode: true } } } });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  return file;
}

// What a step is — its history kind, the statuses it acts on, who may take it and whether its
// submitter is barred — comes from FILING_STEPS (./filing-rules.ts), the table the page's
// filingSteps reads; a TStep adds only what the step writes and checks beyond that.
type TStep = {
  to: (file: TFileRow) => FileStatus;
  changes: (file: TFileRow, tx: TScopedTx) => Promise<Prisma.HouseholdFileUncheckedUpdateManyInput> | Prisma.HouseholdFileUncheckedUpdateManyInput;
  note?: string | null;
  check?: (file: TFileRow, tx: TScopedTx) => void | Promise<void>;
  /** The comparison run a civil-affairs check cites, kept on the step's history row. */
  civilCheckRunId?: string | null;
  /** More writes that belong to the step, in its transaction (reopening settles the file's warnings). */
  after?: (file: TFileRow, tx: TScopedTx) => Promise<void>;
};

async function step(actor: TActor, ref: TFileActionInput, name: TFilingStepName, s: TStep) {
  const { kind, notSubmitter } = FILING_STEPS[name];
  const from: readonly FileStatus[] = FILING_STEPS[name].from;
  const db = scopedDb(actor);
  // Already decided by someone else: told with one read, without taking a connection for a transaction.
  const current = await db.householdFile.findUnique({ where: { id: ref.fileId }, select: { status: true, version: true } });
  if (current && (current.version !== ref.expectedVersion || !from.includes(current.status))) {
    throw new ConflictError(`该档案已被他人处理，当前状态为“${FILE_STATUS_LABELS[current.status]}”。请刷新页面查看最新情况。`);
  }
  return db.$transaction(async (tx) => {
    await claimRow(tx, "household_file", ref.fileId);
    const file = await loadFile(tx, ref.fileId);
    if (file.version !== ref.expectedVersion || !from.includes(file.status)) {
      throw new ConflictError(`该档案已被他人处理，当前状态为“${FILE_STATUS_LABELS[file.status]}”。请刷新页面查看最新情况。`);
    }
    // Separation of duties: whoever submitted the current episode takes no later step on it, whatever
    // roles they hold (the trigger filing_event_not_by_submitter says the same in the database).
    if (notSubmitter && isSubmitter(actor, file)) throw new DomainError(submitterRefusal(name), "MAKER_CHECKER");
    await s.check?.(file, tx);
    const to = s.to(file);
    const changes = await s.changes(file, tx);
    const { count } = await tx.householdFile.updateMany({
      where: { id: file.id, status: file.status, version: file.version },
      data: { ...changes, status: to, version: { increment: 1 }, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError("该档案刚被他人处理，请刷新页面查看最新情况。");
    const episode = typeof changes.episode === "number" ? changes.episode : file.episode;
    await tx.filingEvent.create({
      data: {
        fileId: file.id,
        episode,
        kind,
        fromStatus: file.status,
        toStatus: to,
        actorId: actor.userId,
        note: s.note ?? null,
        civilCheckRunId: s.civilCheckRunId ?? null,
      },
    });
    await recordAudit(tx, actor, {
      action: `filing.${kind.toLowerCase()}`,
      entityType: "household_file",
      entityId: file.id,
      organisationId: file.organisationId,
      detail:
        s.note || s.civilCheckRunId ? { ...(s.note ? { note: s.note } : {}), ...(s.civilCheckRunId ? { civilCheckRunId: s.civilCheckRunId } : {}) } : undefined,
    });
    await s.after?.(file, tx);
    return { fileId: file.id };
  });
}

/** The step's roles, checked before anything is read (a domain function's own guard, whoever calls it). */
const mayTake = (actor: TActor, name: TFilingStepName) => enforce(roleAllows(actor, filingStepRoles(name)));

/** The Shanghai calendar date of the first review. */
const reviewedOn = (file: { reviewedAt: Date | null }) => (file.reviewedAt ? todayInShanghai(file.reviewedAt) : null);

export function unresolvedObjectionCount(tx: TScopedTx, file: { id: string; episode: number }) {
  return tx.publicityObjection.count({ where: { fileId: file.id, episode: file.episode, resolution: { is: null } } });
}

function notFuture(date: string, label: string) {
  if (date > todayInShanghai()) throw new DomainError(`${label}不能晚于今天。`, "INVALID", {});
}

/** 初审: an official other than the submitter records the home visit. */
export async function reviewFiling(actor: TActor, input: TReviewFilingInput) {
  mayTake(actor, "review");
  notFuture(input.homeVisitDate, "入户核查日期");
  return step(actor, input, "review", {
    to: () => "REVIEWED",
    changes: () => ({ reviewedById: actor.userId, reviewedAt: new Date(), homeVisitDate: dateOnly(input.homeVisitDate) }),
    note: input.note,
  });
}

/** 公示: starts on the day the notice went up and lasts the region's publicity period. */
// A start in the past would let an official approve at once and skip the wait: publicity starts no
// earlier than the first review and at most PUBLICITY_START_MAX_DAYS_AHEAD days from today.
export async function startPublicity(actor: TActor, input: TStartPublicityInput) {
  mayTake(actor, "startPublicity");
  const today = todayInShanghai();
  return step(actor, input, "startPublicity", {
    to: () => "PUBLICITY",
    check: async (file) => {
      const maxDaysAhead = await policyValue("PUBLICITY_START_MAX_DAYS_AHEAD", file.organisation.regionCode, today);
      const problem = publicityStartProblem({ startDate: input.startDate, reviewedOn: reviewedOn(file), today, maxDaysAhead });
      if (problem) throw new DomainError(problem, "INVALID", { startDate: problem });
    },
    changes: async (file) => {
      const days = await policyValue("PUBLICITY_DAYS", file.organisation.regionCode, input.startDate);
      return { publicityStart: dateOnly(input.startDate), publicityEnd: dateOnly(publicityLastDay(input.startDate, days)) };
    },
  });
}

export async function recordObjection(actor: TActor, input: TRecordObjectionInput) {
  mayTake(actor, "recordObjection");
  notFuture(input.receivedOn, "收到异议日期");
  return step(actor, input, "recordObjection", {
    to: () => "PUBLICITY",
    changes: async (file, tx) => {
      await tx.publicityObjection.create({
        data: {
          fileId: file.id,
          episode: file.episode,
          receivedOn: dateOnly(input.receivedOn),
          content: input.content,
          handling: input.handling ?? null,
          recordedById: actor.userId,
        },
      });
      return {};
    },
    note: input.content,
  });
}

/** 异议处理: an official other than the submitter records how an objection was resolved; approval waits for it. */
export async function resolveObjection(actor: TActor, input: TResolveObjectionInput) {
  mayTake(actor, "resolveObjection");
  return step(actor, input, "resolveObjection", {
    to: () => "PUBLICITY",
    check: async (file, tx) => {
      const objection = await tx.publicityObjection.findFirst({ where: { id: input.objectionId, fileId: file.id }, include: { resolution: true } });
      if (!objection || objection.episode !== file.episode) throw new NotFoundError("该异议不存在，或不属于本期公示。");
      if (objection.resolution) throw new ConflictError("该异议已登记处理结果，请刷新页面查看。");
    },
    changes: async (_file, tx) => {
      // objection_resolution's primary key is the objection: of two officials at once, one wins.
      await tx.objectionResolution.create({ data: { objectionId: input.objectionId, resolution: input.resolution, resolvedById: actor.userId } });
      return {};
    },
    note: input.resolution,
  }).catch((error: unknown) => {
    if (isUniqueViolation(error)) throw new ConflictError("该异议刚被他人登记了处理结果，请刷新页面查看。");
    throw error;
  });
}

/** 民政核对: the civil-affairs financial check's result, needed before approval; never by the submitter. */
export async function recordCivilCheck(actor: TActor, input: TRecordCivilCheckInput) {
  mayTake(actor, "civilCheck");
  notFuture(input.checkDate, "核对日期");
  return step(actor, input, "civilCheck", {
    check: async (file, tx) => {
      if (input.comparisonRunId) await assertRunCoversFile(tx, input.comparisonRunId, file.id);
    },
    to: (file) => file.status,
    changes: () => ({
      civilCheckDate: dateOnly(input.checkDate),
      civilCheckResult: input.result,
      civilCheckNote: input.note ?? null,
      civilCheckRunId: input.comparisonRunId ?? null,
    }),
    note: input.note,
    civilCheckRunId: input.comparisonRunId ?? null,
  });
}

/** A cited comparison run must be in scope and its roster must name a member of the household. */
async function assertRunCoversFile(tx: TScopedTx, runId: string, fileId: string) {
  const people = await tx.filePerson.findMany({ where: { fileId }, select: { residentId: true } });
  const run = await tx.civilRosterRun.findFirst({
    where: { id: runId, rows: { some: { residentId: { in: people.map((p) => p.residentId) } } } },
    select: { id: true },
  });
  if (!run) throw new DomainError("所选民政比对记录不存在、不在您的管辖范围内，或其名单中没有该户成员。", "INVALID", { comparisonRunId: "所选比对未覆盖该户" });
}

async function nextFileNumber(tx: TScopedTx, organisationId: string, orgCode: string, year: number): Promise<string> {
  // Taken inside the approving transaction: the counter row stays locked until it commits, and a
  // rolled-back approval leaves no gap.
  const [row] = await tx.$queryRaw<[{ last_value: number }]>`
    INSERT INTO file_number_counter (organisation_id, year, last_value)
    SELECT ${organisationId}::uuid, ${year}, 1 WHERE ${tx.$orgInScope(Prisma.sql`${organisationId}::uuid`)}
    ON CONFLICT (organisation_id, year) DO UPDATE SET last_value = file_number_counter.last_value + 1
    RETURNING last_value`;
  return `${orgCode}-${year}-${String(row.last_value).padStart(5, "0")}`;
}

/** 审定: opens the file. Only after publicity has ended and the civil-affairs check agreed. */
export async function approveFiling(actor: TActor, input: TApproveFilingInput) {
  mayTake(actor, "approve");
  const today = todayInShanghai();
  return step(actor, input, "approve", {
    to: () => "OPEN",
    check: async (file, tx) => {
      const problem = approvalProblem({
        publicityEnd: file.publicityEnd ? dateOnlyString(file.publicityEnd) : null,
        today,
        unresolvedObjections: await unresolvedObjectionCount(tx, file),
        civilCheckResult: file.civilCheckResult,
      });
      if (problem) throw new DomainError(problem.message, problem.code);
    },
    changes: async (file, tx) => {
      const now = new Date();
      const fileNumber = file.fileNumber ?? (await nextFileNumber(tx, file.organisationId, file.organisation.code, Number(today.slice(0, 4))));
      const interval = await policyValue("RECHECK_INTERVAL_MONTHS", file.organisation.regionCode, today);
      await tx.tierDecision.create({ data: { fileId: file.id, tier: input.tier, source: "FILING", decidedById: actor.userId } });
      await pausePoint("filing-approve");
      return {
        tier: input.tier,
        approvedById: actor.userId,
        approvedAt: now,
        openedAt: now,
        fileNumber,
        nextCheckDue: dateOnly(addMonths(today, interval)),
        exitReason: null,
        exitPath: null,
        cancelReason: null,
        exitedAt: null,
        observationUntil: null,
      };
    },
    note: input.note,
  });
}

/** Any step can send the filing back to the caseworker, who corrects and resubmits it. */
export async function rejectFiling(actor: TActor, input: TRejectFilingInput) {
  mayTake(actor, "reject");
  return step(actor, input, "reject", {
    to: () => "DRAFT",
    changes: () => ({
      rejectionReason: input.reason,
      reviewedById: null,
      reviewedAt: null,
      homeVisitDate: null,
      publicityStart: null,
      publicityEnd: null,
      civilCheckDate: null,
      civilCheckResult: null,
      civilCheckNote: null,
      civilCheckRunId: null,
    }),
    note: input.reason,
  });
}

/** 返困: a closed file, or one in its observation period, becomes a draft again in a new episode; the same file, never a new one. */
export async function reopenFile(actor: TActor, input: TFileActionInput) {
  mayTake(actor, "reopen");
  return step(actor, input, "reopen", {
    to: () => "DRAFT",
    changes: (file) => ({
      episode: file.episode + 1,
      submittedById: null,
      submittedAt: null,
      reviewedById: null,
      reviewedAt: null,
      homeVisitDate: null,
      publicityStart: null,
      publicityEnd: null,
      civilCheckDate: null,
      civilCheckResult: null,
      civilCheckNote: null,
      civilCheckRunId: null,
      approvedById: null,
      approvedAt: null,
      rejectionReason: null,
      proposedTier: null,
    }),
    after: (file, tx) => settleWarningsOnReopen(tx, actor, file),
  });
}

/** Discards a draft that was never submitted. Nothing is numbered yet, so nothing leaves a gap. */
export async function deleteDraft(actor: TActor, input: TFileActionInput) {
  enforce(roleAllows(actor, DRAFT_ROLES));
  const db = scopedDb(actor);
  const storageKeys = await db.$transaction(async (tx) => {
    const file = await loadFile(tx, input.fileId);
    if (!isDeletableDraft(file)) throw new DomainError("只有从未提交过的草稿可以删除。", "NOT_DELETABLE");
    const evidence = await tx.evidenceFile.findMany({ where: { fileId: file.id }, select: { storageKey: true } });
    const { count } = await tx.householdFile.deleteMany({ where: { id: file.id, version: input.expectedVersion, status: "DRAFT" } });
    if (count !== 1) throw new ConflictError();
    await recordAudit(tx, actor, { action: "filing.delete-draft", entityType: "household_file", entityId: file.id, organisationId: file.organisationId });
    return evidence.map((e) => e.storageKey);
  });
  // The documents go only once the deletion is committed.
  await Promise.all(storageKeys.map((key) => removeEvidenceBytes(key).catch(() => {})));
}
