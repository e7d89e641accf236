import "server-only";
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { describeConflict, findBulkPersonConflicts } from "@/lib/data/person-conflicts";
import { scopedDb } from "@/lib/data/scope";
import { nameSearchColumns } from "@/lib/filing/name-search";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { formatDateTime } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { pausePoint } from "@/lib/testing/pause-point";
import { HOUSEHOLD_SHEET, MEMBER_SHEET, PROBLEM_HEADER } from "./household-columns";
import { readWorkbookRows } from "./read-workbook";
import { validateHouseholdRows, type TImportedHousehold, type TImportProblem } from "./validate-households";

// Importing households from Excel (台账导入). Upload → validate every row (nothing written but the
// upload and its problems) → the importer confirms → one transaction creates every file as a
// draft, or none. A workbook is recognised by its SHA-256 and imported once.

export const IMPORT_MAX_BYTES = 30 * 1024 * 1024;
const STAGE_CHUNK = 5_000;

const STATUS_LABELS = { VALIDATING: "校验中", INVALID: "有问题", READY: "校验通过，待确认导入", COMMITTING: "导入中", COMMITTED: "已导入", FAILED: "导入失败" } as const;
export { STATUS_LABELS as IMPORT_STATUS_LABELS };

export async function uploadHouseholdImport(actor: TActor, input: { fileName: string; bytes: Buffer }): Promise<{ importId: string }> {
  assertRole(actor, "CASEWORKER");
  const { fileName, bytes } = input;
  if (bytes.length === 0) throw new DomainError("上传的文件是空的，请重新选择工作簿。", "IMPORT_EMPTY");
  if (bytes.length > IMPORT_MAX_BYTES) throw new DomainError(`文件超过 ${IMPORT_MAX_BYTES / 1024 / 1024} MB，请分成几个工作簿分批导入。`, "IMPORT_TOO_LARGE");
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
        data: { organisationId: actor.organisation.id, createdById: actor.userId, fileName: fileName.slice(0, 200), sizeBytes: bytes.length, sha256, workbook: new Uint8Array(bytes) },
        select: { id: true },
      });
      await recordAudit(tx, actor, { action: "import.upload", entityType: "household_import", entityId: created.id, organisationId: actor.organisation.id, detail: { fileName, sizeBytes: bytes.length, sha256 } });
      return { importId: created.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refuse();
    throw error;
  }
}

async function findImport(actor: TActor, importId: string) {
  const found = await scopedDb(actor).householdImport.findUnique({ where: { id: importId }, select: { id: true, status: true, createdById: true, organisationId: true, workbook: true, fileName: true } });
  if (!found) throw new NotFoundError("导入记录不存在，或不在您的管辖范围内。");
  return found;
}

function conflictProblems(households: TImportedHousehold[], conflicts: Awaited<ReturnType<typeof findBulkPersonConflicts>>): TImportProblem[] {
  if (conflicts.length === 0) return [];
  const where = new Map<string, { row: number; name?: string }>();
  for (const h of households) h.data.members.forEach((m, i) => m.residentId && where.set(m.residentId, { row: h.memberRows[i]!, name: m.name }));
  return conflicts.map((c) => {
    const at = where.get(c.residentId)!;
    return { sheet: MEMBER_SHEET, row: at.row, column: "公民身份号码", message: describeConflict(c, at.name) };
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
      console.error("import workbook unreadable", importId, error);
      await finish({ status: "INVALID", message: "无法读取这个工作簿：文件已损坏，或不是 Excel 保存的 .xlsx 文件。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。" });
      return;
    }
    const organisations = await db.organisation.findMany({ select: { id: true, code: true } });
    const byCode = new Map(organisations.map((o) => [o.code.toUpperCase(), o.id]));
    const result = await validateHouseholdRows(sheets, {
      defaultOrganisationId: actor.organisation.id,
      organisationIdOf: (code) => byCode.get(code.toUpperCase()),
      onProgress: async (done, total) => {
        await db.householdImport.updateMany({ where: { id: importId }, data: { progressDone: done, progressTotal: total } });
      },
    });
    if (!result.ok) {
      await finish({ status: "INVALID", message: result.fatal });
      return;
    }
    const ids = result.households.flatMap((h) => h.data.members.flatMap((m) => (m.residentId ? [m.residentId] : [])));
    const holders = result.households.flatMap((h) => (h.data.members[0]?.residentId ? [h.data.members[0].residentId] : []));
    const problems = [...result.problems, ...conflictProblems(result.households, await findBulkPersonConflicts(ids, holders))];
    const counts = { households: result.households.length, members: result.memberCount };
    if (problems.length > 0) {
      await finish({ status: "INVALID", ...counts, problemCount: problems.length, problems: problems as unknown as Prisma.InputJsonValue, message: null });
      return;
    }
    await db.householdImportRow.deleteMany({ where: { importId } });
    for (let start = 0; start < result.households.length; start += STAGE_CHUNK) {
      const chunk = result.households.slice(start, start + STAGE_CHUNK).map((h, i) => ({ seq: start + i, sheetRow: h.row, organisationId: h.data.organisationId, data: h.data }));
      // Organisations were resolved within the importer's scope above; the statement checks again that
      // every row's organisation and the import itself lie in scope, and stages nothing otherwise.
      const staged = await db.$executeRaw`
        INSERT INTO household_import_row (import_id, seq, organisation_id, sheet_row, data)
        SELECT i.id, (r->>'seq')::int, (r->>'organisationId')::uuid, (r->>'sheetRow')::int, r->'data'
          FROM household_import i, jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) AS r
         WHERE i.id = ${importId}::uuid AND ${db.$orgInScope(Prisma.sql`i.organisation_id`)}
           AND ${db.$orgInScope(Prisma.sql`(r->>'organisationId')::uuid`)}`;
      if (staged !== chunk.length) throw new Error(`staged ${staged} of ${chunk.length} households: an organisation lies outside the importer's scope`);
    }
    await finish({ status: "READY", ...counts, problemCount: 0, problems: [], message: null });
  } catch (error) {
    console.error("import validation failed", error);
    await finish({ status: "FAILED", message: "校验过程中出现系统错误，未写入任何档案。请稍后重新校验。" });
  }
}

/** Moves a READY import to COMMITTING (one importer click wins; a second is told). */
export async function claimHouseholdImportCommit(actor: TActor, importId: string): Promise<void> {
  assertRole(actor, "CASEWORKER");
  const upload = await findImport(actor, importId);
  if (upload.createdById !== actor.userId) throw new DomainError("只有上传该工作簿的经办人可以确认导入。", "IMPORT_NOT_OWNER");
  const { count } = await scopedDb(actor).householdImport.updateMany({ where: { id: importId, status: "READY" }, data: { status: "COMMITTING", updatedAt: new Date() } });
  if (count !== 1) throw new ConflictError("该导入不是待确认状态（可能已在导入或已导入），请刷新页面。");
}

/**
 * Creates every staged household as a draft in one transaction: household_file, file_person and
 * the CREATED history row, each one INSERT … SELECT from the staged rows. Either all files exist
 * afterwards or none (the import is then FAILED, or INVALID when the one-person rule bites).
 */
export async function commitHouseholdImport(actor: TActor, importId: string): Promise<{ households: number }> {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const upload = await findImport(actor, importId);
  if (upload.status !== "COMMITTING") throw new ConflictError("请先确认导入。");
  try {
    const households = await db.$transaction(
      async (tx) => {
        // First the import's row lock, held until commit: the start-up repair (lib/db/repair-at-start.ts)
        // skips a COMMITTING import whose row is locked — another server is committing it — and puts
        // back to READY one left COMMITTING by a server killed mid-commit.
        const { count: claimed } = await tx.householdImport.updateMany({ where: { id: importId, status: "COMMITTING" }, data: { updatedAt: new Date() } });
        if (claimed !== 1) throw new ConflictError("该导入的状态已改变，请刷新页面。");
        const note = `由 Excel 导入（${upload.fileName}）`;
        const created = await tx.$executeRaw`
          INSERT INTO household_file (id, organisation_id, status, data, holder_name, holder_resident_id, file_level, worker_category,
                                      main_cause, secondary_causes, proposed_tier, created_by_id)
          SELECT r.file_id, r.organisation_id, 'DRAFT', r.data, r.data #>> '{members,0,name}', r.data #>> '{members,0,residentId}',
                 (r.data ->> 'fileLevel')::file_level, (r.data ->> 'workerCategory')::worker_category, (r.data ->> 'mainCause')::hardship_cause,
                 ARRAY(SELECT jsonb_array_elements_text(r.data -> 'secondaryCauses'))::hardship_cause[], (r.data ->> 'proposedTier')::tier,
                 ${actor.userId}::uuid
            FROM household_import_row r
           WHERE r.import_id = ${importId}::uuid AND ${tx.$orgInScope(Prisma.sql`r.organisation_id`)} ORDER BY r.seq`;
        const staged = await tx.householdImportRow.findMany({ where: { importId }, select: { fileId: true, data: true } });
        if (created !== staged.length) throw new Error(`created ${created} of ${staged.length} staged households: an organisation lies outside the importer's scope`);
        // The name-search columns (pinyin, initials, grams) of the new files, from the same code a saved filing uses.
        const named = staged.map((r) => ({ id: r.fileId, ...nameSearchColumns((r.data as { members?: Array<{ name?: string }> }).members?.[0]?.name) }));
        await tx.$executeRaw`
          UPDATE household_file f SET holder_name_pinyin = u.pinyin, holder_name_initials = u.initials,
                 holder_name_grams = ARRAY(SELECT jsonb_array_elements_text(u.grams))
            FROM jsonb_to_recordset(${JSON.stringify(named.map((n) => ({ id: n.id, pinyin: n.holderNamePinyin, initials: n.holderNameInitials, grams: n.holderNameGrams })))}::jsonb)
                 AS u(id uuid, pinyin text, initials text, grams jsonb)
           WHERE f.id = u.id AND ${tx.$fileInScope(Prisma.sql`f.id`)}`;
        await tx.$executeRaw`
          INSERT INTO file_person (file_id, resident_id, is_holder)
          SELECT r.file_id, m.value ->> 'residentId', m.ordinality = 1
            FROM household_import_row r, jsonb_array_elements(r.data -> 'members') WITH ORDINALITY AS m
           WHERE r.import_id = ${importId}::uuid AND m.value ? 'residentId' AND ${tx.$fileInScope(Prisma.sql`r.file_id`)}`;
        await tx.$executeRaw`
          INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, note)
          SELECT r.file_id, 1, 'CREATED', 'DRAFT', ${actor.userId}::uuid, ${note}
            FROM household_import_row r WHERE r.import_id = ${importId}::uuid AND ${tx.$fileInScope(Prisma.sql`r.file_id`)}`;
        const { count } = await tx.householdImport.updateMany({ where: { id: importId, status: "COMMITTING" }, data: { status: "COMMITTED", committedAt: new Date(), message: null, updatedAt: new Date() } });
        if (count !== 1) throw new ConflictError("该导入的状态已改变，请刷新页面。");
        await recordAudit(tx, actor, { action: "import.commit", entityType: "household_import", entityId: importId, organisationId: upload.organisationId, detail: { households: created } });
        await pausePoint("import-commit");
        return created;
      },
      { timeout: 600_000, maxWait: 10_000 },
    );
    await db.householdImportRow.deleteMany({ where: { importId } });
    return { households };
  } catch (error) {
    console.error("import commit failed", error);
    await db.householdImport.updateMany({
      where: { id: importId, status: "COMMITTING" },
      data: { status: "FAILED", message: "导入过程中出现错误，已全部撤销，没有写入任何档案。可以重新校验后再导入。", updatedAt: new Date() },
    });
    if (error instanceof DomainError) throw error;
    throw new DomainError("导入过程中出现错误，已全部撤销，没有写入任何档案。", "IMPORT_FAILED");
  }
}

export async function getHouseholdImport(actor: TActor, importId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const found = await scopedDb(actor).householdImport.findUnique({
    where: { id: importId },
    select: {
      id: true, fileName: true, sizeBytes: true, status: true, households: true, members: true, problemCount: true, problems: true, progressDone: true,
      progressTotal: true, message: true, createdAt: true, updatedAt: true, committedAt: true, createdById: true, createdBy: { select: { name: true } },
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
    select: { id: true, fileName: true, status: true, households: true, problemCount: true, createdAt: true, createdBy: { select: { name: true } }, organisation: { select: { name: true } } },
  });
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
