import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { describeConflict, findBulkPersonConflicts } from "@/lib/data/person-conflicts";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { nameSearchColumns } from "@/lib/filing/name-search";
import { householdFigures } from "@/lib/filing/figures";
import { suggestTier } from "@/lib/filing/suggest-tier";
import { todayInShanghai } from "@/lib/format/datetime";
import { tierPolicy, type TTierPolicyInForce } from "@/lib/policy/policy";
import { uuidv7 } from "@/lib/db/uuidv7";
import { ConflictError, enforce } from "@/lib/errors/domain-error";
import { canRevalidateImport, mayImport } from "./rules";
import { Prisma } from "@/lib/generated/prisma/client";
import { WorkbookBudgetError } from "@/lib/xlsx/read-xlsx";
import { MEMBER_SHEET } from "./household-columns";
import { readWorkbookSheets } from "./read-workbook";
import { sortImportProblems, validateHouseholdRows, type TImportedHousehold, type TImportProblem } from "./validate-households";
import { findImport } from "./find-imports";

// Validating an upload: every row checked, nothing written but the upload's outcome; a clean one staged for the commit.

const STAGE_CHUNK = 5_000;
export function conflictProblems(
  people: Array<{ residentId: string; row: number; name: string | undefined }>,
  conflicts: Awaited<ReturnType<typeof findBulkPersonConflicts>>,
): TImportProblem[] {
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
  const { count } = await db.householdImport.updateMany({
    where: { id: importId, status: { in: ["VALIDATING", "FAILED"] } },
    data: { status: "VALIDATING", progressDone: 0, updatedAt: new Date() },
  });
  if (count !== 1) throw new ConflictError("该导入已校验完毕，请刷新页面查看结果。");
  const finish = (data: Prisma.HouseholdImportUpdateManyMutationInput) =>
    db.householdImport.updateMany({ where: { id: importId }, data: { ...data, updatedAt: new Date() } });
  try {
    let sheets;
    try {
      sheets = await readWorkbookSheets(Buffer.from(upload.workbook));
    } catch (error) {
      // Over a budget of lib/xlsx/workbook-budgets.ts: its own message names the limit.
      if (error instanceof WorkbookBudgetError) {
        await finish({ status: "INVALID", message: error.message });
        return;
      }
      console.error("import workbook unreadable", importId, error);
      await finish({
        status: "INVALID",
        message: "无法读取这个工作簿：文件已损坏，或不是 Excel 保存的 .xlsx 文件。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。",
      });
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
    const outcome = await db
      .$transaction(
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
          const counts = {
            households: result.householdCount,
            members: result.memberCount,
            householdRows: result.householdRows,
            memberRows: result.memberRows,
          };
          if (problems.length > 0) {
            throw new RollBack({
              status: "INVALID",
              ...counts,
              problemCount: problems.length,
              problems: problems as unknown as Prisma.InputJsonValue,
              message: null,
            });
          }
          return counts;
        },
        { timeout: 600_000, maxWait: 10_000 },
      )
      .catch((error) => {
        if (error instanceof RollBack) return error.outcome;
        throw error;
      });
    if ("status" in outcome) {
      await finish(outcome);
      return;
    }
    await finish({ status: upload.mode === "OPEN" ? "AWAITING_APPROVAL" : "READY", ...outcome, problemCount: 0, problems: [], message: null });
    if (upload.mode === "OPEN") {
      await recordAudit(db, actor, {
        action: "import.submit-for-approval",
        entityType: "household_import",
        entityId: importId,
        organisationId: upload.organisationId,
        detail: outcome,
      });
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
        fileId: uuidv7(),
        seq: start + i,
        sheetRow: h.row,
        organisationId: h.data.organisationId,
        data: h.data,
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
/** What a file moved in keeps of the workbook, with the figures its tier suggestion used. */
function openingOf(h: TImportedHousehold, policy: TTierPolicyInForce) {
  const figures = householdFigures(h.data);
  const suggestion = suggestTier({ ...figures, hasSuddenEvent: h.data.suddenEvent, policy });
  return {
    ...h.opening!,
    householdSize: figures.householdSize,
    perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen,
    suggestedTier: suggestion.tier,
    policyFigures: policy,
  };
}
