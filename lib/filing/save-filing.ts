import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { describeConflict, findPersonConflicts } from "@/lib/data/person-conflicts";
import { assertOrganisationInScope, scopedDb, type TScopedDb, type TScopedTx } from "@/lib/data/scope";
import { isPoolTimeout, isSerializationFailure } from "@/lib/db/contention";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";
import { tierPolicy } from "@/lib/policy/policy";
import { assertRequiredEvidence } from "@/lib/evidence/evidence";
import { householdFigures } from "./figures";
import { nameSearchColumns } from "./name-search";
import type { TFilingData, TSaveDraftInput, TSubmitFilingInput } from "./schemas";
import { suggestTier } from "./suggest-tier";

function peopleOf(data: TFilingData) {
  return data.members
    .map((m, index) => ({ residentId: m.residentId, isHolder: index === 0 }))
    .filter((p): p is { residentId: string; isHolder: boolean } => !!p.residentId);
}

/** The searchable copies of a filing's data, written beside it. */
function columnsOf(data: TFilingData) {
  const holder = data.members[0];
  return {
    organisationId: data.organisationId,
    data: data as unknown as Prisma.InputJsonValue,
    holderName: holder?.name ?? null,
    ...nameSearchColumns(holder?.name),
    holderResidentId: holder?.residentId ?? null,
    fileLevel: data.fileLevel ?? null,
    workerCategory: data.workerCategory ?? null,
    mainCause: data.mainCause ?? null,
    secondaryCauses: data.secondaryCauses,
    proposedTier: data.proposedTier ?? null,
  };
}

async function replacePeople(tx: TScopedTx, fileId: string, data: TFilingData) {
  await tx.filePerson.deleteMany({ where: { fileId } });
  // `holds` is set by the database from the file's status (trigger file_person_set_holds).
  await tx.filePerson.createMany({ data: peopleOf(data).map((p) => ({ fileId, ...p })) });
}

/** Loads a draft the actor may edit and claims it at the expected version. */
async function claimDraft(tx: TScopedTx, fileId: string, expectedVersion: number | undefined, changes: Prisma.HouseholdFileUncheckedUpdateManyInput) {
  const { count } = await tx.householdFile.updateMany({
    where: { id: fileId, status: "DRAFT", version: expectedVersion },
    data: { ...changes, version: { increment: 1 }, updatedAt: new Date() },
  });
  if (count === 1) return;
  const current = await tx.householdFile.findUnique({ where: { id: fileId }, select: { status: true } });
  if (!current) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  if (current.status !== "DRAFT") throw new ConflictError("该档案已提交，不能再按草稿修改。请刷新页面查看最新状态。");
  throw new ConflictError("该草稿已被他人修改，请刷新后在最新内容上继续。");
}

/**
 * A new draft, its CREATED event and audit row, in the caller's transaction (the caller writes the
 * people with it). Shared by saveDraft and the conversion of an online application (lib/applications),
 * so a draft is made one way whichever door it came through.
 */
async function insertDraft(
  tx: TScopedTx,
  actor: TActor,
  data: TFilingData,
  extra: { idempotencyKey?: string; contactName?: string; contactPhone?: string; auditDetail?: Prisma.InputJsonValue },
): Promise<string> {
  const created = await tx.householdFile.create({
    data: {
      ...columnsOf(data),
      idempotencyKey: extra.idempotencyKey,
      contactName: extra.contactName,
      contactPhone: extra.contactPhone,
      createdById: actor.userId,
    },
    select: { id: true },
  });
  await tx.filingEvent.create({ data: { fileId: created.id, episode: 1, kind: "CREATED", toStatus: "DRAFT", actorId: actor.userId } });
  await recordAudit(tx, actor, {
    action: "filing.create",
    entityType: "household_file",
    entityId: created.id,
    organisationId: data.organisationId,
    detail: extra.auditDetail,
  });
  return created.id;
}

/**
 * A new draft with its people, inside the caller's transaction: what saveDraft does for a new
 * draft, for a caller that writes more in the same transaction (an online application's
 * conversion attaches the uploads as evidence and closes the application). Returns the id and the
 * warnings about people already filed elsewhere (一人一档, as saveDraft reports them), which the
 * caller reads after commit through draftPersonWarnings.
 */
export async function createDraftIn(
  tx: TScopedTx,
  actor: TActor,
  data: TFilingData,
  extra: { idempotencyKey?: string; contactName?: string; contactPhone?: string; auditDetail?: Prisma.InputJsonValue } = {},
): Promise<string> {
  assertRole(actor, "CASEWORKER");
  const fileId = await insertDraft(tx, actor, data, extra);
  await replacePeople(tx, fileId, data);
  return fileId;
}

/** `repeated`: the form's key had already made this draft (a double click or a retry): 已处理, nothing new was written. */
export type TSaveDraftResult = { fileId: string; version: number; warnings: string[]; repeated: boolean };

export const DRAFT_KEY_TAKEN_MESSAGE = "提交标识已被使用，请刷新页面后重新填写。";

/** The draft an earlier save with this form's key made, as that save's answer; null if there is none. */
async function draftMadeWith(db: TScopedDb, actor: TActor, idempotencyKey: string): Promise<TSaveDraftResult | null> {
  const first = await db.householdFile.findUnique({ where: { idempotencyKey }, select: { id: true, version: true, createdById: true, data: true } });
  if (!first) return null;
  if (first.createdById !== actor.userId) throw new ConflictError(DRAFT_KEY_TAKEN_MESSAGE);
  return { fileId: first.id, version: first.version, warnings: await personWarnings(first.data as unknown as TFilingData, first.id), repeated: true };
}

/**
 * The answer to a keyed save whose transaction failed. Its insert lost to a twin's (the unique
 * key): the twin's draft. It could not get a connection or finish in time (P2028, P2034) while
 * twins were being written: the draft the key made as soon as it is there — a burst of identical
 * saves is answered 已处理, not 系统繁忙. Anything else, or no draft after a short while: the error.
 */
async function repeatAfterFailure(db: TScopedDb, actor: TActor, idempotencyKey: string, error: unknown): Promise<TSaveDraftResult> {
  const lost = isUniqueViolation(error, "idempotency_key");
  if (!lost && !isPoolTimeout(error) && !isSerializationFailure(error)) throw error;
  for (let attempt = 1; ; attempt++) {
    const first = await draftMadeWith(db, actor, idempotencyKey);
    if (first) return first;
    if (lost) throw new ConflictError(DRAFT_KEY_TAKEN_MESSAGE);
    if (attempt >= 5) throw error;
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
}

/**
 * Saves an incomplete filing. A draft holds nobody (一人一档 counts only submitted files), but a
 * person who already has a file elsewhere is reported at once, so the caseworker can stop early.
 *
 * A new draft carries its form's idempotency key, unique in household_file: of identical saves
 * arriving together, one inserts and the others' inserts wait for it, fail on the key and answer
 * with its draft (已处理) — exactly one draft, and no 系统繁忙.
 */
export async function saveDraft(actor: TActor, input: TSaveDraftInput): Promise<TSaveDraftResult> {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const { data, idempotencyKey } = input;
  // Before the transaction: the draft's create checks its organisation without a second connection.
  await db.$assertOrganisationInScope(data.organisationId);
  if (!input.fileId && idempotencyKey) {
    const repeat = await draftMadeWith(db, actor, idempotencyKey);
    if (repeat) return repeat;
  }
  let result: { fileId: string; version: number };
  try {
    result = await db.$transaction(async (tx) => {
      let fileId = input.fileId;
      if (fileId) {
        await claimDraft(tx, fileId, input.expectedVersion, columnsOf(data));
      } else {
        fileId = await insertDraft(tx, actor, data, { idempotencyKey });
      }
      await replacePeople(tx, fileId, data);
      const { version } = await tx.householdFile.findUniqueOrThrow({ where: { id: fileId }, select: { version: true } });
      return { fileId, version };
    });
  } catch (error) {
    // The key names the creation only: a failed edit of a saved draft is never answered with it.
    if (input.fileId || !idempotencyKey) throw error;
    return repeatAfterFailure(db, actor, idempotencyKey, error);
  }
  return { ...result, warnings: await personWarnings(data, result.fileId), repeated: false };
}

async function personWarnings(data: TFilingData, fileId: string): Promise<string[]> {
  const conflicts = await findPersonConflicts(peopleOf(data), fileId);
  const nameOf = (id: string) => data.members.find((m) => m.residentId === id)?.name;
  return conflicts.map((c) => describeConflict(c, nameOf(c.residentId)));
}

/**
 * The same warnings for a saved draft, as its edit page shows them: the first save of a new draft
 * moves to that page, so the page (not the save's reply) must say a person is already filed.
 */
export async function draftPersonWarnings(actor: TActor, fileId: string): Promise<string[]> {
  const file = await scopedDb(actor).householdFile.findUnique({ where: { id: fileId }, select: { id: true, status: true, data: true } });
  if (!file || file.status !== "DRAFT") return [];
  return personWarnings(file.data as unknown as TFilingData, file.id);
}

/**
 * Submits a complete filing for review. The database makes a second file for the same person
 * impossible (file_person_one_active_file, household_file_one_file_per_holder); when it refuses,
 * the caseworker is told which union holds the person's file.
 */
export async function submitFiling(actor: TActor, input: TSubmitFilingInput): Promise<{ fileId: string }> {
  assertRole(actor, "CASEWORKER");
  const { data } = input;
  await assertOrganisationInScope(actor, data.organisationId);
  const db = scopedDb(actor);
  const org = await db.organisation.findUniqueOrThrow({ where: { id: data.organisationId }, select: { regionCode: true } });
  const today = todayInShanghai();
  const figures = householdFigures(data);
  const policy = await tierPolicy(org.regionCode, today);
  const suggestion = suggestTier({ ...figures, hasSuddenEvent: data.suddenEvent, policy });
  const now = new Date();
  const submitted = {
    ...columnsOf(data),
    status: "SUBMITTED" as const,
    householdSize: figures.householdSize,
    perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen,
    suggestedTier: suggestion.tier,
    // The decision keeps the figures it was made with: a later policy row never changes them.
    policyFigures: policy as unknown as Prisma.InputJsonValue,
    submittedById: actor.userId,
    submittedAt: now,
    rejectionReason: null,
  };

  try {
    return await db.$transaction(async (tx) => {
      const fileId = input.fileId;
      // The people as last saved go first: claiming the draft makes its rows hold their people
      // (trigger file_person_set_holds), so a member replaced on screen since the last save would
      // still be refused as filed elsewhere. The rows are written anew from what was submitted.
      await tx.filePerson.deleteMany({ where: { fileId } });
      await claimDraft(tx, fileId, input.expectedVersion, submitted);
      await assertRequiredEvidence(tx, fileId);
      const { episode } = await tx.householdFile.findUniqueOrThrow({ where: { id: fileId }, select: { episode: true } });
      await replacePeople(tx, fileId, data);
      await tx.filingEvent.create({
        data: { fileId, episode, kind: "SUBMITTED", fromStatus: "DRAFT", toStatus: "SUBMITTED", actorId: actor.userId },
      });
      await recordAudit(tx, actor, {
        action: "filing.submit",
        entityType: "household_file",
        entityId: fileId,
        organisationId: data.organisationId,
        detail: { suggestedTier: suggestion.tier, perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen },
      });
      return { fileId };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const conflicts = await findPersonConflicts(peopleOf(data), input.fileId);
    const nameOf = (id: string) => data.members.find((m) => m.residentId === id)?.name;
    const message = conflicts.length ? conflicts.map((c) => describeConflict(c, nameOf(c.residentId))).join("\n") : "该家庭成员已在其他档案中，不能重复建档。";
    const fieldErrors = Object.fromEntries(
      conflicts.map((c) => [`data.members.${data.members.findIndex((m) => m.residentId === c.residentId)}.residentId`, "已在其他有效档案中"]),
    );
    throw new DomainError(message, "DUPLICATE_PERSON", fieldErrors);
  }
}
