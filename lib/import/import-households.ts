import "server-only";
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { describeConflict, findBulkPersonConflicts } from "@/lib/data/person-conflicts";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { nameSearchColumns } from "@/lib/filing/name-search";
import { householdFigures } from "@/lib/filing/figures";
import { suggestTier } from "@/lib/filing/suggest-tier";
import { addMonths, todayInShanghai } from "@/lib/format/datetime";
import { policyValue, tierPolicy, type TTierPolicyInForce } from "@/lib/policy/policy";
import { isUniqueViolation } from "@/lib/db/errors";
import { uuidv7 } from "@/lib/db/uuidv7";
import { ConflictError, DomainError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { canCommitImport, canDecideImport, canRevalidateImport, mayDecideImports, mayImport } from "./rules";
import { formatDateTime } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { WorkbookBudgetError } from "@/lib/xlsx/read-xlsx";
import { pausePoint } from "@/lib/testing/pause-point";
import { HOUSEHOLD_SHEET, MEMBER_SHEET, PROBLEM_HEADER } from "./household-columns";
import { readWorkbookRows } from "./read-workbook";
import { sortImportProblems, validateHouseholdRows, type TImportedHousehold, type TImportProblem } from "./validate-households";
import { IMPORT_UPLOAD_LIMIT } from "@/lib/uploads/limits";

// Importing households from Excel (台账导入). Upload → validate every row (nothing written but the
// upload and its problems) → the importer confirms → one transaction creates every file as a
// draft, or none. A workbook is recognised by its SHA-256 and imported once.
//
// 按已在档档案迁入 (mode OPEN): a union moving its existing approved files in. After validation the
// batch waits (AWAITING_APPROVAL) for an official other than the importer, who approves it —
// one transaction then creates every file as OPEN with a number from the gap-free counter, its
// next re-check date and an IMPORTED history row naming the batch and the approver — or rejects it
// with a reason, which writes no file. The database refuses an approver who is the importer
// (household_import_approver_not_importer, household_file_approver_not_submitter).

export const IMPORT_MAX_BYTES = IMPORT_UPLOAD_LIMIT.maxBytes;
const STAGE_CHUNK = 5_000;

const STATUS_LABELS = {
  VALIDATING: "校验中", INVALID: "有问题", READY: "校验通过，待确认导入", AWAITING_APPROVAL: "校验通过，待审批", COMMITTING: "导入中",
  COMMITTED: "已导入", FAILED: "导入失败", REJECTED: "已驳回",
} as const;
export { STATUS_LABELS as IMPORT_STATUS_LABELS };
export const IMPORT_MODE_LABELS = { DRAFT: "导入为草稿", OPEN: "按已在档档案迁入" } as const;
export type TImportMode = keyof typeof IMPORT_MODE_LABELS;

export async function uploadHouseholdImport(actor: TActor, input: { fileName: string; bytes: Buffer; mode?: TImportMode }): Promise<{ importId: string }> {
  assertRole(actor, "CASEWORKER");
  const { fileName, bytes } = input;
  const mode = input.mode ?? "DRAFT";
  if (bytes.length === 0) throw new DomainError("上传的文件是空的，请重新选择工作簿。", "IMPORT_EMPTY");
  if (bytes.length > IMPORT_MAX_BYTES) throw new DomainError(IMPORT_UPLOAD_LIMIT.tooLarge, "IMPORT_TOO_LARGE");
  // An .xlsx is a zip archive: it starts with "PK\x03\x04". Anything else (an .xls, a CSV renamed) is refused here.
  if (!/\.xlsx$/i.test(fileName) || bytes.subarray(0, 4).toString("binary") !== "PK\x03\x04") {
    throw new DomainError("这不是 Excel 工作簿（.xlsx）。请下载导入模板，填写后以 .xlsx 格式保存再上传。", "IMPORT_NOT_XLSX");
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const db = scopedDb(actor);
  const refuse = async () => {
    // The earlier upload may lie outside the importer's scope: say only when, not where.
    throw new ConflictError("这个工作簿已经上传过，同一工作簿不能重复导入。如需再次导入，请先核对导入记录；修改后的工作簿可以重新上传。");
  };
  const earlier = await db.householdImport.findUnique({ where: { sha256 }, select: { createdAt: true, status: true, createdBy: { select: { name: true } } } });
  if (earlier) {
    throw new ConflictError(`这个工作簿已于 ${formatDateTime(earlier.createdAt)} 由 ${earlier.createdBy.name} 上传（${STATUS_LABELS[earlier.status]}），同一工作簿不能重复导入。`);
  }
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.householdImport.create({
        data: { organisationId: actor.organisation.id, createdById: actor.userId, fileName: fileName.slice(0, 200), sizeBytes: bytes.length, sha256, workbook: new Uint8Array(bytes), mode },
        select: { id: true },
      });
      await recordAudit(tx, actor, { action: "import.upload", entityType: "household_import", entityId: created.id, organisationId: actor.organisation.id, detail: { fileName, sizeBytes: bytes.length, sha256, mode } });
      return { importId: created.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refuse();
    throw error;
  }
}

async function findImport(actor: TActor, importId: string) {
  const found = await scopedDb(actor).householdImport.findUnique({ where: { id: importId }, select: { id: true, status: true, createdById: true, organisationId: true, workbook: true, fileName: true, mode: true, batchNumber: true, approvedById: true, createdBy: { select: { name: true } } } });
  if (!found) throw new NotFoundError("导入记录不存在，或不在您的管辖范围内。");
  return found;
}

function conflictProblems(people: Array<{ residentId: string; row: number; name: string | undefined }>, conflicts: Awaited<ReturnType<typeof findBulkPersonConflicts>>): TImportProblem[] {
  if (conflicts.length === 0) return [];
  const where = new Map<string, { row: number; name: string | undefined }>();
  for (const p of people) if (!where.has(p.residentId)) where.set(p.residentId, p);
  return conflicts.flatMap((c) => {
    const at = where.get(c.residentId);
    return at ? [{ sheet: MEMBER_SHEET, row: at.row, column: "公民身份号码", message: describeConflict(c, at.name) }] : [];
  });
}

/**
 * Validates every row of an uploaded workbook. With any problem the import is INVALID and nothing
 * is staged; otherwise the households are staged for the commit and the import is READY.
 */
export async function validateHouseholdImport(actor: TActor, importId: string): Promise<void> {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const upload = await findImport(actor, importId);
  const { count } = await db.householdImport.updateMany({ where: { id: importId, status: { in: ["VALIDATING", "FAILED"] } }, data: { status: "VALIDATING", progressDone: 0, updatedAt: new Date() } });
  if (count !== 1) throw new ConflictError("该导入已校验完毕，请刷新页面查看结果。");
  const finish = (data: Prisma.HouseholdImportUpdateManyMutationInput) => db.householdImport.updateMany({ where: { id: importId }, data: { ...data, updatedAt: new Date() } });
  try {
    let sheets;
    try {
      sheets = await readWorkbookRows(Buffer.from(upload.workbook));
    } catch (error) {
      // Over a budget of lib/xlsx/workbook-budgets.ts: its own message names the limit.
      if (error instanceof WorkbookBudgetError) {
        await finish({ status: "INVALID", message: error.message });
        return;
      }
      console.error("import workbook unreadable", importId, error);
      await finish({ status: "INVALID", message: "无法读取这个工作簿：文件已损坏，或不是 Excel 保存的 .xlsx 文件。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。" });
      return;
    }
    const organisations = await db.organisation.findMany({ select: { id: true, code: true, regionCode: true } });
    const byCode = new Map(organisations.map((o) => [o.code.toUpperCase(), o.id]));
    const regionOf = new Map(organisations.map((o) => [o.id, o.regionCode]));
    const today = todayInShanghai();
    // 在档迁入: the tier suggestion each file is submitted with, under the policy of its region today
    // (as a submitted filing keeps the figures it was submitted with).
    const policies = new Map<string, TTierPolicyInForce>();
    if (upload.mode === "OPEN") {
      for (const region of new Set(regionOf.values())) policies.set(region, await tierPolicy(region, today));
    }
    const outcome = await db.$transaction(
      async (tx) => {
        await tx.householdImportRow.deleteMany({ where: { importId } });
        // Households are staged in chunks while the rest are still being checked: the database
        // writes one chunk while this process checks the next. Any problem rolls all of it back.
        const stager = householdStager(tx, importId, (h) => (h.opening ? openingOf(h, policies.get(regionOf.get(h.data.organisationId)!)!) : null));
        const result = await validateHouseholdRows(sheets, {
          defaultOrganisationId: actor.organisation.id,
          organisationIdOf: (code) => byCode.get(code.toUpperCase()),
          mode: upload.mode,
          today,
          onProgress: async (done, total) => {
            await db.householdImport.updateMany({ where: { id: importId }, data: { progressDone: done, progressTotal: total } });
          },
          onHousehold: stager.add,
        });
        if (!result.ok) throw new RollBack({ status: "INVALID", message: result.fatal });
        // Every member's number, also of households that failed other checks: a row's problems come in one pass.
        const ids = [...new Set(result.people.map((p) => p.residentId))];
        const holders = [...new Set(result.people.filter((p) => p.holder).map((p) => p.residentId))];
        const conflicts = findBulkPersonConflicts(ids, holders);
        await stager.finish();
        const problems = sortImportProblems([...result.problems, ...conflictProblems(result.people, await conflicts)]);
        const counts = { households: result.households.length, members: result.memberCount, householdRows: result.householdRows, memberRows: result.memberRows };
        if (problems.length > 0) {
          throw new RollBack({ status: "INVALID", ...counts, problemCount: problems.length, problems: problems as unknown as Prisma.InputJsonValue, message: null });
        }
        return counts;
      },
      { timeout: 600_000, maxWait: 10_000 },
    ).catch((error) => {
      if (error instanceof RollBack) return error.outcome;
      throw error;
    });
    if ("status" in outcome) {
      await finish(outcome);
      return;
    }
    await finish({ status: upload.mode === "OPEN" ? "AWAITING_APPROVAL" : "READY", ...outcome, problemCount: 0, problems: [], message: null });
    if (upload.mode === "OPEN") {
      await recordAudit(db, actor, { action: "import.submit-for-approval", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: outcome });
    }
  } catch (error) {
    console.error("import validation failed", error);
    await finish({ status: "FAILED", message: "校验过程中出现系统错误，未写入任何档案。请稍后重新校验。" });
  }
}

/** Leaves the validation's transaction with nothing staged, carrying what the import then records. */
class RollBack extends Error {
  constructor(readonly outcome: Prisma.HouseholdImportUpdateManyMutationInput & { status: "INVALID" }) {
    super("import validation found problems");
  }
}

/**
 * Stages households STAGE_CHUNK at a time, one statement in flight: `add` queues a household and
 * starts the next chunk's INSERT once the previous one is done; `finish` stages the rest and
 * throws if any chunk failed.
 */
function householdStager(tx: TScopedTx, importId: string, openingFor: (h: TImportedHousehold) => unknown) {
  let pending: TImportedHousehold[] = [];
  let seq = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = () => {
    const start = seq;
    const chunk = pending.map((h, i) => {
      const search = nameSearchColumns(h.data.members[0]?.name);
      return {
        // Time-ordered, so the commit adds each file at the right edge of the keys on file ids.
        fileId: uuidv7(), seq: start + i, sheetRow: h.row, organisationId: h.data.organisationId, data: h.data,
        nameSearch: { pinyin: search.holderNamePinyin, initials: search.holderNameInitials, grams: search.holderNameGrams },
        opening: openingFor(h),
      };
    });
    seq += pending.length;
    pending = [];
    inFlight = inFlight.then(async () => {
      // Organisations were resolved within the importer's scope; the statement checks again that
      // every row's organisation and the import itself lie in scope, and stages nothing otherwise.
      const staged = await tx.$executeRaw`
        INSERT INTO household_import_row (import_id, file_id, seq, organisation_id, sheet_row, data, name_search, opening)
        SELECT i.id, (r->>'fileId')::uuid, (r->>'seq')::int, (r->>'organisationId')::uuid, (r->>'sheetRow')::int, r->'data', r->'nameSearch', nullif(r->'opening', 'null')
          FROM household_import i, jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) AS r
         WHERE i.id = ${importId}::uuid AND ${tx.$orgInScope(Prisma.sql`i.organisation_id`)}
           AND ${tx.$orgInScope(Prisma.sql`(r->>'organisationId')::uuid`)}`;
      if (staged !== chunk.length) throw new Error(`staged ${staged} of ${chunk.length} households: an organisation lies outside the importer's scope`);
    });
    // Awaited in finish(); until then a failure must not count as unhandled.
    inFlight.catch(() => {});
  };
  return {
    add(household: TImportedHousehold) {
      pending.push(household);
      if (pending.length >= STAGE_CHUNK) flush();
    },
    async finish() {
      if (pending.length > 0) flush();
      await inFlight;
    },
  };
}

/**
 * Moves a FAILED import back to VALIDATING before its validation is started in the background, so
 * that an import outside the caseworker's scope, or one not waiting for a new validation, is
 * refused with the normal answer instead of "ok" followed by a background failure.
 */
export async function claimHouseholdImportRevalidation(actor: TActor, importId: string): Promise<void> {
  enforce(mayImport(actor));
  enforce(canRevalidateImport(actor, await findImport(actor, importId)));
  const { count } = await scopedDb(actor).householdImport.updateMany({
    where: { id: importId, status: "FAILED" },
    data: { status: "VALIDATING", progressDone: 0, message: null, updatedAt: new Date() },
  });
  if (count !== 1) throw new ConflictError("该导入不是“导入失败”状态，无需重新校验，请刷新页面。");
}

/** Moves a READY import to COMMITTING (one importer click wins; a second is told). */
export async function claimHouseholdImportCommit(actor: TActor, importId: string): Promise<void> {
  enforce(mayImport(actor));
  enforce(canCommitImport(actor, await findImport(actor, importId)));
  const { count } = await scopedDb(actor).householdImport.updateMany({ where: { id: importId, status: "READY" }, data: { status: "COMMITTING", updatedAt: new Date() } });
  if (count !== 1) throw new ConflictError("该导入不是待确认状态（可能已在导入或已导入），请刷新页面。");
}

/** What a file moved in keeps of the workbook, with the figures its tier suggestion used. */
function openingOf(h: TImportedHousehold, policy: TTierPolicyInForce) {
  const figures = householdFigures(h.data);
  const suggestion = suggestTier({ ...figures, hasSuddenEvent: h.data.suddenEvent, policy });
  return {
    ...h.opening!, householdSize: figures.householdSize, perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen,
    suggestedTier: suggestion.tier, policyFigures: policy,
  };
}

const OTHERS_HANDLED = "该导入批次已被他人处理，请刷新页面查看最新情况。";

async function findBatchForDecision(actor: TActor, importId: string, what: "批准" | "驳回") {
  enforce(mayDecideImports(actor));
  const upload = await findImport(actor, importId);
  enforce(canDecideImport(actor, upload, what));
  if (upload.status !== "AWAITING_APPROVAL") throw new ConflictError(`${OTHERS_HANDLED}（当前状态：${STATUS_LABELS[upload.status]}）`);
  return upload;
}

/**
 * 批准 an import batch of existing files: moves it to COMMITTING under this official's name (of two
 * officials at once, one wins and the other is told); the commit then runs in the background.
 */
export async function approveHouseholdImport(actor: TActor, importId: string): Promise<void> {
  const upload = await findBatchForDecision(actor, importId, "批准");
  await scopedDb(actor).$transaction(async (tx) => {
    const { count } = await tx.householdImport.updateMany({
      where: { id: importId, status: "AWAITING_APPROVAL", createdById: { not: actor.userId } },
      data: { status: "COMMITTING", approvedById: actor.userId, approvedAt: new Date(), message: null, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError(OTHERS_HANDLED);
    await recordAudit(tx, actor, { action: "import.approve", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: { batchNumber: upload.batchNumber } });
  });
}

/** 驳回 an import batch of existing files, with the reason: no file is written, the staged rows go. */
export async function rejectHouseholdImport(actor: TActor, importId: string, reason: string): Promise<void> {
  const upload = await findBatchForDecision(actor, importId, "驳回");
  const db = scopedDb(actor);
  await db.$transaction(async (tx) => {
    const { count } = await tx.householdImport.updateMany({
      where: { id: importId, status: "AWAITING_APPROVAL", createdById: { not: actor.userId } },
      data: { status: "REJECTED", rejectedById: actor.userId, rejectedAt: new Date(), rejectionReason: reason, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError(OTHERS_HANDLED);
    await tx.householdImportRow.deleteMany({ where: { importId } });
    await recordAudit(tx, actor, { action: "import.reject", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: { batchNumber: upload.batchNumber, reason } });
  });
}

/**
 * Creates every staged household in one transaction: household_file, file_person and the history
 * row, each one INSERT … SELECT from the staged rows (name-search columns and, for existing files,
 * their figures were staged at validation). A draft import makes drafts (CREATED by the importer);
 * an approved batch of existing files makes OPEN files numbered from the gap-free counter, with
 * their tier decision and an IMPORTED row by the approving official. Either all files exist
 * afterwards or none (the import is then FAILED, or INVALID when the one-person rule bites).
 */
export async function commitHouseholdImport(actor: TActor, importId: string): Promise<{ households: number }> {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const upload = await findImport(actor, importId);
  if (upload.status !== "COMMITTING") throw new ConflictError(upload.mode === "OPEN" ? "请先批准该导入批次。" : "请先确认导入。");
  const open = upload.mode === "OPEN";
  if (open ? upload.approvedById !== actor.userId : upload.createdById !== actor.userId) {
    throw new DomainError(open ? "只有批准该导入批次的工作人员可以执行导入。" : "只有上传该工作簿的经办人可以确认导入。", "IMPORT_NOT_OWNER");
  }
  const failedMessage = open
    ? "批准后导入时出现错误，已全部撤销，没有写入任何档案。经办人可以重新校验后再提交审批。"
    : "导入过程中出现错误，已全部撤销，没有写入任何档案。可以重新校验后再导入。";
  try {
    const households = await db.$transaction(
      async (tx) => {
        // First the import's row lock, held until commit: the start-up repair (lib/db/repair-at-start.ts)
        // skips a COMMITTING import whose row is locked — another server is committing it — and puts
        // back one left COMMITTING by a server killed mid-commit.
        const { count: claimed } = await tx.householdImport.updateMany({ where: { id: importId, status: "COMMITTING" }, data: { updatedAt: new Date() } });
        if (claimed !== 1) throw new ConflictError("该导入的状态已改变，请刷新页面。");
        // Each file is created with its staged row's organisation, checked in scope there; the rows
        // that follow (members, history, tier) are scoped by that same organisation, which costs an
        // array lookup where $fileInScope would join a city's whole household_file.
        const created = open ? await insertOpenFiles(tx, actor, upload) : await insertDrafts(tx, actor, upload);
        const staged = await tx.householdImportRow.count({ where: { importId } });
        if (created !== staged) throw new Error(`created ${created} of ${staged} staged households: an organisation lies outside the scope`);
        await tx.$executeRaw`
          INSERT INTO file_person (file_id, resident_id, is_holder)
          SELECT r.file_id, m.value ->> 'residentId', m.ordinality = 1
            FROM household_import_row r, jsonb_array_elements(r.data -> 'members') WITH ORDINALITY AS m
           WHERE r.import_id = ${importId}::uuid AND m.value ? 'residentId' AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)}`;
        const { count } = await tx.householdImport.updateMany({ where: { id: importId, status: "COMMITTING" }, data: { status: "COMMITTED", committedAt: new Date(), message: null, updatedAt: new Date() } });
        if (count !== 1) throw new ConflictError("该导入的状态已改变，请刷新页面。");
        await recordAudit(tx, actor, { action: open ? "import.commit-open" : "import.commit", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: { households: created, batchNumber: upload.batchNumber } });
        await pausePoint("import-commit");
        return created;
      },
      { timeout: 600_000, maxWait: 10_000 },
    );
    await db.householdImportRow.deleteMany({ where: { importId } });
    return { households };
  } catch (error) {
    console.error("import commit failed", error);
    if (isUniqueViolation(error) || isRawUniqueViolation(error)) {
      // Someone filed one of these people between validation and the commit: say who, write nothing.
      const problems = await stagedConflictProblems(actor, importId);
      if (problems.length > 0) {
        await db.householdImport.updateMany({
          where: { id: importId, status: "COMMITTING" },
          data: {
            status: "INVALID", problemCount: problems.length, problems: problems as unknown as Prisma.InputJsonValue, approvedById: null, approvedAt: null, updatedAt: new Date(),
            message: "导入时发现下列人员已在其他有效档案中（校验之后才建档），已全部撤销，没有写入任何档案。请核对后重新上传。",
          },
        });
        await db.householdImportRow.deleteMany({ where: { importId } });
        throw new DomainError("导入时发现有人员已在其他有效档案中，已全部撤销，没有写入任何档案。", "IMPORT_CONFLICT");
      }
    }
    await db.householdImport.updateMany({
      where: { id: importId, status: "COMMITTING" },
      data: { status: "FAILED", message: failedMessage, approvedById: null, approvedAt: null, updatedAt: new Date() },
    });
    if (error instanceof DomainError) throw error;
    throw new DomainError("导入过程中出现错误，已全部撤销，没有写入任何档案。", "IMPORT_FAILED");
  }
}

/** A unique violation raised by a raw statement (Prisma reports it as P2010, the SQLSTATE in the driver's error). */
function isRawUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return e?.code === "P2010" && e.meta?.driverAdapterError?.cause?.originalCode === "23505";
}

type TUpload = Awaited<ReturnType<typeof findImport>>;

async function insertDrafts(tx: TScopedTx, actor: TActor, upload: TUpload): Promise<number> {
  const note = `由 Excel 导入（${upload.fileName}）`;
  const created = await tx.$executeRaw`
    INSERT INTO household_file (id, organisation_id, status, data, holder_name, holder_resident_id, file_level, worker_category,
                                main_cause, secondary_causes, proposed_tier, created_by_id, holder_name_pinyin, holder_name_initials, holder_name_grams)
    SELECT r.file_id, r.organisation_id, 'DRAFT', r.data, r.data #>> '{members,0,name}', r.data #>> '{members,0,residentId}',
           (r.data ->> 'fileLevel')::file_level, (r.data ->> 'workerCategory')::worker_category, (r.data ->> 'mainCause')::hardship_cause,
           ARRAY(SELECT jsonb_array_elements_text(r.data -> 'secondaryCauses'))::hardship_cause[], (r.data ->> 'proposedTier')::tier,
           ${actor.userId}::uuid, r.name_search ->> 'pinyin', r.name_search ->> 'initials',
           ARRAY(SELECT jsonb_array_elements_text(coalesce(r.name_search -> 'grams', '[]')))
      FROM household_import_row r
     WHERE r.import_id = ${upload.id}::uuid AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)} ORDER BY r.seq`;
  await tx.$executeRaw`
    INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, note)
    SELECT r.file_id, 1, 'CREATED', 'DRAFT', ${actor.userId}::uuid, ${note}
      FROM household_import_row r WHERE r.import_id = ${upload.id}::uuid AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)}`;
  return created;
}

/**
 * The approved batch's files, OPEN: numbered per organisation from the gap-free counter (taken in
 * this transaction, so a rollback leaves no gap), submitted by the importer, approved by this
 * official, opened on the original filing day, next re-check one policy interval from today.
 */
async function insertOpenFiles(tx: TScopedTx, actor: TActor, upload: TUpload): Promise<number> {
  const today = todayInShanghai();
  const year = Number(today.slice(0, 4));
  const now = new Date();
  const orgs = await tx.$queryRaw<Array<{ id: string; region_code: string }>>`
    SELECT DISTINCT o.id, o.region_code FROM household_import_row r JOIN organisation o ON o.id = r.organisation_id
      JOIN household_import i ON i.id = r.import_id AND ${tx.$orgInScope(Prisma.sql`i.organisation_id`)}
     WHERE r.import_id = ${upload.id}::uuid AND ${tx.$orgInScope(Prisma.sql`o.id`)}`;
  const nextCheck = await Promise.all(orgs.map(async (o) => ({
    organisation_id: o.id,
    next_check_due: addMonths(today, await policyValue("RECHECK_INTERVAL_MONTHS", o.region_code, today)),
  })));
  const created = await tx.$executeRaw`
    WITH staged AS (
      SELECT r.*, row_number() OVER (PARTITION BY r.organisation_id ORDER BY r.seq) AS k, count(*) OVER (PARTITION BY r.organisation_id) AS n
        FROM household_import_row r
       WHERE r.import_id = ${upload.id}::uuid AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)}
    ), counted AS (
      INSERT INTO file_number_counter AS c (organisation_id, year, last_value)
      SELECT DISTINCT organisation_id, ${year}::int, n FROM staged
      ON CONFLICT (organisation_id, year) DO UPDATE SET last_value = c.last_value + EXCLUDED.last_value
      RETURNING organisation_id, last_value
    )
    INSERT INTO household_file (id, organisation_id, status, data, holder_name, holder_resident_id, file_level, worker_category,
                                main_cause, secondary_causes, proposed_tier, created_by_id, holder_name_pinyin, holder_name_initials, holder_name_grams,
                                household_size, per_capita_monthly_fen, suggested_tier, policy_figures, tier, submitted_by_id, submitted_at,
                                approved_by_id, approved_at, opened_at, file_number, next_check_due, import_id, original_file_number)
    SELECT s.file_id, s.organisation_id, 'OPEN', s.data, s.data #>> '{members,0,name}', s.data #>> '{members,0,residentId}',
           (s.data ->> 'fileLevel')::file_level, (s.data ->> 'workerCategory')::worker_category, (s.data ->> 'mainCause')::hardship_cause,
           ARRAY(SELECT jsonb_array_elements_text(s.data -> 'secondaryCauses'))::hardship_cause[], (s.data ->> 'proposedTier')::tier,
           ${upload.createdById}::uuid, s.name_search ->> 'pinyin', s.name_search ->> 'initials',
           ARRAY(SELECT jsonb_array_elements_text(coalesce(s.name_search -> 'grams', '[]'))),
           (s.opening ->> 'householdSize')::int, (s.opening ->> 'perCapitaMonthlyFen')::int, (s.opening ->> 'suggestedTier')::tier, s.opening -> 'policyFigures',
           (s.opening ->> 'tier')::tier, ${upload.createdById}::uuid, ${now}, ${actor.userId}::uuid, ${now},
           ((s.opening ->> 'openedOn')::date::timestamp AT TIME ZONE 'Asia/Shanghai'),
           o.code || '-' || ${year}::int || '-' || CASE WHEN length((c.last_value - s.n + s.k)::text) >= 5 THEN (c.last_value - s.n + s.k)::text
                                                        ELSE lpad((c.last_value - s.n + s.k)::text, 5, '0') END,
           d.next_check_due, ${upload.id}::uuid, s.opening ->> 'originalFileNumber'
      FROM staged s
      JOIN counted c ON c.organisation_id = s.organisation_id
      JOIN organisation o ON o.id = s.organisation_id
      JOIN jsonb_to_recordset(${JSON.stringify(nextCheck)}::jsonb) AS d(organisation_id uuid, next_check_due date) ON d.organisation_id = s.organisation_id
     ORDER BY s.seq`;
  await tx.$executeRaw`
    INSERT INTO tier_decision (file_id, tier, source, decided_by_id, decided_at)
    SELECT r.file_id, (r.opening ->> 'tier')::tier, 'FILING', ${actor.userId}::uuid, ${now}
      FROM household_import_row r WHERE r.import_id = ${upload.id}::uuid AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)}`;
  const note = `按已在档档案迁入：导入批次第 ${upload.batchNumber} 号（${upload.fileName}），经办人 ${upload.createdBy.name} 导入，${actor.name} 审批通过`;
  await tx.$executeRaw`
    INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, at, note)
    SELECT r.file_id, 1, 'IMPORTED', 'OPEN', ${actor.userId}::uuid, ${now},
           ${note} || '；原建档日期 ' || (r.opening ->> 'openedOn') || coalesce('；原档案编号 ' || (r.opening ->> 'originalFileNumber'), '')
      FROM household_import_row r WHERE r.import_id = ${upload.id}::uuid AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)}`;
  return created;
}

/** The staged people who hold another active file now, as row problems (after a refused commit). */
async function stagedConflictProblems(actor: TActor, importId: string): Promise<TImportProblem[]> {
  const rows = await scopedDb(actor).householdImportRow.findMany({ where: { importId }, select: { sheetRow: true, data: true } });
  const households = rows.map((r) => {
    const data = r.data as unknown as TImportedHousehold["data"];
    return { key: "", row: r.sheetRow, memberRows: data.members.map(() => r.sheetRow), data };
  });
  const ids = households.flatMap((h) => h.data.members.flatMap((m) => (m.residentId ? [m.residentId] : [])));
  const holders = households.flatMap((h) => (h.data.members[0]?.residentId ? [h.data.members[0].residentId] : []));
  const people = households.flatMap((h) => h.data.members.flatMap((m) => (m.residentId ? [{ residentId: m.residentId, row: h.row, name: m.name }] : [])));
  return conflictProblems(people, await findBulkPersonConflicts(ids, holders)).map((p) => ({ ...p, sheet: HOUSEHOLD_SHEET, column: "户编号", message: p.message }));
}

export async function getHouseholdImport(actor: TActor, importId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const found = await scopedDb(actor).householdImport.findUnique({
    where: { id: importId },
    select: {
      id: true, fileName: true, sizeBytes: true, status: true, households: true, members: true, householdRows: true, memberRows: true, problemCount: true, problems: true, progressDone: true,
      progressTotal: true, message: true, createdAt: true, updatedAt: true, committedAt: true, createdById: true, createdBy: { select: { name: true } },
      mode: true, batchNumber: true, approvedAt: true, approvedBy: { select: { name: true } }, rejectedAt: true, rejectionReason: true, rejectedBy: { select: { name: true } },
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
    select: { id: true, fileName: true, status: true, households: true, problemCount: true, createdAt: true, createdBy: { select: { name: true } }, organisation: { select: { name: true } }, mode: true, batchNumber: true },
  });
}

/** Import batches of existing files waiting for an official in scope (the review area and workbench). */
export async function findImportBatchesAwaitingApproval(actor: TActor) {
  assertRole(actor, "OFFICIAL");
  return scopedDb(actor).householdImport.findMany({
    where: { mode: "OPEN", status: "AWAITING_APPROVAL" },
    orderBy: { updatedAt: "asc" },
    take: 50,
    select: { id: true, batchNumber: true, fileName: true, households: true, members: true, updatedAt: true, createdById: true, createdBy: { select: { name: true } }, organisation: { select: { name: true } } },
  });
}

/** The first staged files of a batch waiting for approval, for the approver's preview. */
export async function importBatchPreview(actor: TActor, importId: string, take = 20) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const rows = await scopedDb(actor).householdImportRow.findMany({
    where: { importId }, orderBy: { seq: "asc" }, take,
    select: { seq: true, sheetRow: true, data: true, opening: true, organisation: { select: { name: true } } },
  });
  return rows.map((r) => {
    const data = r.data as unknown as TImportedHousehold["data"];
    const opening = r.opening as { tier: string; openedOn: string; originalFileNumber: string | null; perCapitaMonthlyFen: number } | null;
    return {
      sheetRow: r.sheetRow, organisation: r.organisation.name, holderName: data.members[0]?.name ?? "", householdSize: data.members.length,
      tier: opening?.tier ?? null, openedOn: opening?.openedOn ?? null, originalFileNumber: opening?.originalFileNumber ?? null,
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

/** The uploaded workbook back, with a 导入问题 column on each sheet naming every problem of the row. */
export async function annotatedImportWorkbook(actor: TActor, importId: string): Promise<{ fileName: string; bytes: Buffer }> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const upload = await findImport(actor, importId);
  const { problems } = await getHouseholdImport(actor, importId);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(upload.workbook as unknown as ArrayBuffer);
  for (const sheetName of [HOUSEHOLD_SHEET, MEMBER_SHEET]) {
    const sheet = workbook.worksheets.find((w) => w.name === sheetName) ?? workbook.worksheets.find((w) => String(w.getRow(1).values).includes(sheetName === HOUSEHOLD_SHEET ? "档案级别" : "与建档职工关系"));
    if (!sheet) continue;
    const byRow = new Map<number, string[]>();
    for (const p of problems) if (p.sheet === sheetName) byRow.set(p.row, [...(byRow.get(p.row) ?? []), `【${p.column}】${p.message}`]);
    const column = sheet.getRow(1).cellCount + 1;
    const head = sheet.getRow(1).getCell(column);
    head.value = PROBLEM_HEADER;
    head.font = { bold: true, color: { argb: "FFB91C1C" } };
    sheet.getColumn(column).width = 60;
    for (const [rowNumber, messages] of byRow) {
      const cell = sheet.getRow(rowNumber).getCell(column);
      cell.value = messages.join("；");
      cell.font = { color: { argb: "FFB91C1C" } };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFDE2E2" } };
    }
  }
  return { fileName: upload.fileName.replace(/\.xlsx$/i, "") + "-问题标注.xlsx", bytes: Buffer.from(await workbook.xlsx.writeBuffer()) };
}
