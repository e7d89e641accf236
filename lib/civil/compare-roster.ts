import "server-only";
import { mayCompareRosters } from "./rules";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, enforce } from "@/lib/errors/domain-error";
import { suggestTier } from "@/lib/filing/suggest-tier";
import { dateOnly, formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { tierPolicy } from "@/lib/policy/policy";
import { readRosterSheets, rosterFormatOf } from "./read-roster";
import { MAX_LISTED_PROBLEMS, validateRosterRows, type TRosterProblem, type TRosterRow } from "./validate-roster";
import { ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";

// 民政比对: the roster is validated in full, then the run, its roster rows and every mismatch are
// written in one transaction — all or nothing. Matching is set-based: the roster rows are inserted
// in chunks and one INSERT … SELECT joins them with file_person by ID number (an index lookup per
// roster row inside one hash or nested-loop join), never one query per row.

export const ROSTER_MAX_BYTES = ROSTER_UPLOAD_LIMIT.maxBytes;
const CHUNK = 5_000;

export type TCompareOutcome =
  { ok: true; runId: string; rows: number; results: number } | { ok: false; message: string; problems: TRosterProblem[]; problemCount: number };

type TThreshold = { region_code: string; deep: number; relative: number };

/** The tier thresholds in force today for every region of the uploader's scope, from the policy rows. */
async function thresholdsFor(actor: TActor, today: string): Promise<{ thresholds: TThreshold[]; own: TThreshold }> {
  const db = scopedDb(actor);
  const [home, regions] = await Promise.all([
    db.organisation.findUniqueOrThrow({ where: { id: actor.organisation.id }, select: { regionCode: true } }),
    db.organisation.findMany({ distinct: ["regionCode"], select: { regionCode: true } }),
  ]);
  const thresholds = await Promise.all(
    [...new Set([home.regionCode, ...regions.map((r) => r.regionCode)])].map(async (region_code) => {
      const policy = await tierPolicy(region_code, today);
      // The same arithmetic as the tier suggestion: 低保 and ⌈低保 × multiplier⌉, in fen per person and month.
      const lines = suggestTier({ annualIncomeFen: 0, annualRigidExpenditureFen: 0, householdSize: 1, hasSuddenEvent: false, policy });
      return { region_code, deep: lines.deepThresholdFen, relative: lines.relativeThresholdFen };
    }),
  );
  return { thresholds, own: thresholds.find((t) => t.region_code === home.regionCode)! };
}

export async function compareRoster(actor: TActor, input: { fileName: string; bytes: Buffer }): Promise<TCompareOutcome> {
  enforce(mayCompareRosters(actor));
  const { fileName, bytes } = input;
  if (bytes.length === 0) throw new DomainError("上传的文件是空的，请重新选择民政比对名单。", "CIVIL_EMPTY");
  if (bytes.length > ROSTER_MAX_BYTES) throw new DomainError(ROSTER_UPLOAD_LIMIT.tooLarge, "CIVIL_TOO_LARGE");
  const format = rosterFormatOf(fileName, bytes);
  if (!format)
    throw new DomainError("这不是 Excel 工作簿（.xlsx）或 CSV 文件。请下载民政比对名单模板，填写后以 .xlsx 或 .csv 格式保存再上传。", "CIVIL_NOT_WORKBOOK");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const db = scopedDb(actor);
  const earlier = await db.civilRosterRun.findUnique({ where: { sha256 }, select: { createdAt: true, createdBy: { select: { name: true } } } });
  if (earlier) throw new ConflictError(`这份名单已于 ${formatDateTime(earlier.createdAt)} 由 ${earlier.createdBy.name} 上传比对过，同一份名单不能重复比对。`);
  const duplicateElsewhere = () => new ConflictError("这份名单已经上传比对过，同一份名单不能重复比对。");

  let sheets;
  try {
    sheets = await readRosterSheets(format, bytes);
  } catch (error) {
    // Over a budget of lib/xlsx/workbook-budgets.ts: its own message names the limit.
    if (error instanceof DomainError) throw error;
    console.error("civil roster unreadable", error);
    throw new DomainError("无法读取这个文件：文件已损坏，或不是 Excel 保存的 .xlsx 文件。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。", "CIVIL_UNREADABLE");
  }
  const validation = validateRosterRows(sheets);
  if (!validation.ok) return { ok: false, message: validation.fatal, problems: [], problemCount: 0 };
  if (validation.problems.length > 0) {
    return {
      ok: false,
      message: `名单中有 ${validation.problems.length.toLocaleString("zh-CN")} 处问题，未写入任何数据。请改正后重新上传。`,
      problems: validation.problems.slice(0, MAX_LISTED_PROBLEMS),
      problemCount: validation.problems.length,
    };
  }
  const rows = validation.rows;
  const today = todayInShanghai();
  const { thresholds, own } = await thresholdsFor(actor, today);

  try {
    const outcome = await db.$transaction(
      async (tx) => {
        const run = await tx.civilRosterRun.create({
          data: {
            organisationId: actor.organisation.id,
            createdById: actor.userId,
            fileName: fileName.slice(0, 200),
            sizeBytes: bytes.length,
            sha256,
            workbook: new Uint8Array(bytes),
            policyDate: dateOnly(today),
            rowCount: rows.length,
          },
          select: { id: true },
        });
        await recordAudit(tx, actor, {
          action: "civil.upload",
          entityType: "civil_roster_run",
          entityId: run.id,
          organisationId: actor.organisation.id,
          detail: { fileName, sizeBytes: bytes.length, sha256, rows: rows.length },
        });
        await insertRosterRows(tx, run.id, rows);
        const results = await insertResults(tx, run.id, thresholds, own);
        const [matched] = await tx.$queryRaw<[{ people: number; files: number }]>`
          SELECT count(DISTINCT p.resident_id)::int AS people, count(DISTINCT p.file_id)::int AS files
            FROM civil_roster_row r JOIN civil_roster_run rr ON rr.id = r.run_id AND ${tx.$orgInScope(Prisma.sql`rr.organisation_id`)}
            JOIN file_person p ON p.resident_id = r.resident_id JOIN household_file f ON f.id = p.file_id
           WHERE r.run_id = ${run.id}::uuid AND f.status IN ('OPEN', 'OBSERVATION') AND ${tx.$orgInScope(Prisma.sql`f.organisation_id`)}`;
        await tx.civilRosterRun.update({ where: { id: run.id }, data: { matchedPeople: matched.people, matchedFiles: matched.files, resultCount: results } });
        await recordAudit(tx, actor, {
          action: "civil.compare",
          entityType: "civil_roster_run",
          entityId: run.id,
          organisationId: actor.organisation.id,
          detail: { rows: rows.length, matchedPeople: matched.people, matchedFiles: matched.files, results },
        });
        return { runId: run.id, results };
      },
      { timeout: 600_000, maxWait: 10_000 },
    );
    return { ok: true, runId: outcome.runId, rows: rows.length, results: outcome.results };
  } catch (error) {
    if (isUniqueViolation(error, "sha256")) throw duplicateElsewhere();
    throw error;
  }
}

type TTx = Parameters<Parameters<ReturnType<typeof scopedDb>["$transaction"]>[0]>[0];

async function insertRosterRows(tx: TTx, runId: string, rows: TRosterRow[]) {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    // The run was created in scope above; the statement checks its organisation again.
    const inserted = await tx.$executeRaw`
      INSERT INTO civil_roster_row (run_id, resident_id, sheet_row, name, on_dibao, dibao_monthly_fen, household_income_fen, household_size,
                                    has_vehicle, has_property, deceased, union_member, workplace)
      SELECT run.id, r."residentId", r."sheetRow", r.name, r."onDibao", r."dibaoMonthlyFen", r."householdIncomeFen", r."householdSize",
             r."hasVehicle", r."hasProperty", r.deceased, r."unionMember", r.workplace
        FROM civil_roster_run run,
             jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS r("residentId" text, "sheetRow" int, name text, "onDibao" boolean,
               "dibaoMonthlyFen" int, "householdIncomeFen" bigint, "householdSize" int, "hasVehicle" boolean, "hasProperty" boolean,
               deceased boolean, "unionMember" boolean, workplace text)
       WHERE run.id = ${runId}::uuid AND ${tx.$orgInScope(Prisma.sql`run.organisation_id`)}`;
    if (inserted !== chunk.length) throw new Error(`inserted ${inserted} of ${chunk.length} roster rows`);
  }
}

/**
 * Every mismatch in one statement (reasons in docs/decisions/010-civil-affairs-comparison.md):
 * roster people matched by ID number to members of open and observation files in scope, and
 * union members on 低保 or below the relative line who are in no file anywhere (漏评 candidates).
 */
async function insertResults(tx: TTx, runId: string, thresholds: TThreshold[], own: TThreshold): Promise<number> {
  return tx.$executeRaw`
    WITH t AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(thresholds)}::jsonb) AS t(region_code text, deep bigint, relative bigint)),
    m AS (
      SELECT r.*, p.file_id, p.is_holder, f.status AS file_status, f.tier, f.household_size AS file_size, f.file_number, f.holder_name,
             f.per_capita_monthly_fen AS file_per_capita, t.deep, t.relative,
             CASE WHEN r.household_income_fen IS NOT NULL AND coalesce(r.household_size, f.household_size) > 0
                  THEN floor(r.household_income_fen::numeric / (12 * coalesce(r.household_size, f.household_size)))::bigint END AS per_capita
        FROM civil_roster_row r
        JOIN civil_roster_run rr ON rr.id = r.run_id AND ${tx.$orgInScope(Prisma.sql`rr.organisation_id`)}
        JOIN file_person p ON p.resident_id = r.resident_id
        JOIN household_file f ON f.id = p.file_id
        JOIN organisation o ON o.id = f.organisation_id
        LEFT JOIN t ON t.region_code = o.region_code
       WHERE r.run_id = ${runId}::uuid AND f.status IN ('OPEN', 'OBSERVATION') AND ${tx.$orgInScope(Prisma.sql`f.organisation_id`)}
    ),
    d AS (
      SELECT m.*, jsonb_build_object(
               'roster', jsonb_build_object('name', m.name, 'sheetRow', m.sheet_row, 'onDibao', m.on_dibao, 'dibaoMonthlyFen', m.dibao_monthly_fen,
                 'householdIncomeFen', m.household_income_fen, 'householdSize', m.household_size, 'hasVehicle', m.has_vehicle,
                 'hasProperty', m.has_property, 'deceased', m.deceased, 'perCapitaMonthlyFen', m.per_capita),
               'file', jsonb_build_object('fileNumber', m.file_number, 'holderName', m.holder_name, 'status', m.file_status, 'tier', m.tier,
                 'householdSize', m.file_size, 'perCapitaMonthlyFen', m.file_per_capita, 'isHolder', m.is_holder),
               'thresholds', jsonb_build_object('deep', m.deep, 'relative', m.relative)) AS detail
        FROM m
    )
    INSERT INTO civil_comparison_result (run_id, file_id, resident_id, reason, detail)
    SELECT ${runId}::uuid, file_id, resident_id, 'INCOME_ABOVE_THRESHOLD'::civil_mismatch_reason, detail FROM d
     WHERE is_holder AND file_status = 'OPEN' AND per_capita IS NOT NULL
       AND ((tier = 'DEEP' AND per_capita >= deep) OR (tier = 'RELATIVE' AND per_capita >= relative))
    UNION ALL
    SELECT ${runId}::uuid, file_id, resident_id, 'DIBAO_BUT_RELATIVE', detail FROM d WHERE file_status = 'OPEN' AND tier = 'RELATIVE' AND on_dibao
    UNION ALL
    SELECT ${runId}::uuid, file_id, resident_id, 'VEHICLE_OR_PROPERTY', detail FROM d WHERE has_vehicle OR has_property
    UNION ALL
    SELECT ${runId}::uuid, file_id, resident_id, 'DECEASED', detail FROM d WHERE deceased
    UNION ALL
    SELECT ${runId}::uuid, file_id, resident_id, 'HOUSEHOLD_SIZE_DIFFERS', detail FROM d
     WHERE is_holder AND household_size IS NOT NULL AND file_size IS NOT NULL AND household_size <> file_size
    UNION ALL
    SELECT ${runId}::uuid, NULL, r.resident_id, 'MISSED_FILING',
           jsonb_build_object('roster', jsonb_build_object('name', r.name, 'sheetRow', r.sheet_row, 'onDibao', r.on_dibao, 'dibaoMonthlyFen', r.dibao_monthly_fen,
               'householdIncomeFen', r.household_income_fen, 'householdSize', r.household_size, 'workplace', r.workplace,
               'perCapitaMonthlyFen', floor(r.household_income_fen::numeric / (12 * coalesce(r.household_size, 1)))::bigint),
             'thresholds', jsonb_build_object('deep', ${own.deep}::bigint, 'relative', ${own.relative}::bigint))
      FROM civil_roster_row r
      JOIN civil_roster_run rr ON rr.id = r.run_id AND ${tx.$orgInScope(Prisma.sql`rr.organisation_id`)}
     WHERE r.run_id = ${runId}::uuid AND r.union_member AND NOT r.deceased
       AND (r.on_dibao OR (r.household_income_fen IS NOT NULL AND floor(r.household_income_fen::numeric / (12 * coalesce(r.household_size, 1))) < ${own.relative}))
       -- In no file that is not closed, anywhere: a person filed by another union is not missed (only absence is read, nothing of that file).
       AND NOT EXISTS (SELECT 1 FROM file_person p JOIN household_file f ON f.id = p.file_id WHERE p.resident_id = r.resident_id AND f.status <> 'CLOSED'
                        ${tx.$scopeDeclared("p f", "one person, one file (一人一档) is national: only whether the person is in any open file is read")})`;
}
