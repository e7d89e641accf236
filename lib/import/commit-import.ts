import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { findBulkPersonConflicts } from "@/lib/data/person-conflicts";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { addMonths, todayInShanghai } from "@/lib/format/datetime";
import { policyValue } from "@/lib/policy/policy";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce } from "@/lib/errors/domain-error";
import { canCommitImport, mayImport } from "./rules";
import { Prisma } from "@/lib/generated/prisma/client";
import { pausePoint } from "@/lib/testing/pause-point";
import { HOUSEHOLD_SHEET } from "./household-columns";
import { type TImportedHousehold, type TImportProblem } from "./validate-households";
import { findImport, type TUpload } from "./find-imports";
import { conflictProblems } from "./validate-import";

// The commit: every staged household becomes a file in one transaction, or none does.

/** Moves a READY import to COMMITTING (one importer click wins; a second is told). */
export async function claimHouseholdImportCommit(actor: TActor, importId: string): Promise<void> {
  enforce(mayImport(actor));
  enforce(canCommitImport(actor, await findImport(actor, importId)));
  const { count } = await scopedDb(actor).householdImport.updateMany({
    where: { id: importId, status: "READY" },
    data: { status: "COMMITTING", updatedAt: new Date() },
  });
  if (count !== 1) throw new ConflictError("该导入不是待确认状态（可能已在导入或已导入），请刷新页面。");
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
        const { count } = await tx.householdImport.updateMany({
          where: { id: importId, status: "COMMITTING" },
          data: { status: "COMMITTED", committedAt: new Date(), message: null, updatedAt: new Date() },
        });
        if (count !== 1) throw new ConflictError("该导入的状态已改变，请刷新页面。");
        await recordAudit(tx, actor, {
          action: open ? "import.commit-open" : "import.commit",
          entityType: "household_import",
          entityId: importId,
          organisationId: upload.organisationId,
          detail: { households: created, batchNumber: upload.batchNumber },
        });
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
            status: "INVALID",
            problemCount: problems.length,
            problems: problems as unknown as Prisma.InputJsonValue,
            approvedById: null,
            approvedAt: null,
            updatedAt: new Date(),
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
  const nextCheck = await Promise.all(
    orgs.map(async (o) => ({
      organisation_id: o.id,
      next_check_due: addMonths(today, await policyValue("RECHECK_INTERVAL_MONTHS", o.region_code, today)),
    })),
  );
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
  return conflictProblems(people, await findBulkPersonConflicts(ids, holders)).map((p) => ({
    ...p,
    sheet: HOUSEHOLD_SHEET,
    column: "户编号",
    message: p.message,
  }));
}
