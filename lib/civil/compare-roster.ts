import "server-only";
import { canRetryComparison, mayCompareRosters, STALLED_AFTER_MS } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { suggestTier } from "@/lib/filing/suggest-tier";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { tierPolicy } from "@/lib/policy/policy";
import { readRosterSheets } from "./read-roster";
import { MAX_LISTED_PROBLEMS, validateRosterRows, type TRosterProblem, type TRosterRow } from "./validate-roster";

// 民政比对, second half (issue 28): the comparison of a stored roster, run after the upload's answer
// as the user who uploaded (decision 028; upload-roster.ts is the first half). The roster is read
// and validated in full; then its roster rows, every mismatch, the counts, DONE and the audit row
// are one transaction — all or nothing. Matching is set-based: the roster rows are inserted in
// chunks and one INSERT … SELECT joins them with file_person by ID number (an index lookup per
// roster row inside one hash or nested-loop join), never one query per row.
//
// Progress and the outcome are written to the run row, which the run page polls. Each start of the
// job takes the next `attempt` and writes only while the row still carries it: a job declared dead
// (the repair at start, or a retry of a run with no progress for STALLED_AFTER_MS) that wakes up
// again writes nothing — its DONE finds another attempt and its transaction rolls back, and its
// roster rows would collide with the retry's on the primary key (run_id, resident_id).

const CHUNK = 5_000;

export const CIVIL_FAILED_MESSAGE = "比对过程中出现系统错误，没有写入任何比对结果。请点击“重新比对”再试一次。";

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

/** Another attempt owns the run now: this job leaves without writing. */
class Superseded extends Error {}

/**
 * Compares a QUEUED run: claims it (QUEUED → READING, the next attempt), reads and validates the
 * roster (INVALID with its problems, nothing else written), then writes the roster rows and the
 * mismatches in one transaction that ends with DONE. A system error leaves the run FAILED with
 * CIVIL_FAILED_MESSAGE and nothing of the comparison written. Returns what happened to the run.
 */
export async function compareRosterRun(actor: TActor, runId: string): Promise<"DONE" | "INVALID" | "FAILED" | "NOT_CLAIMED"> {
  enforce(mayCompareRosters(actor));
  const db = scopedDb(actor);
  const run = await db.civilRosterRun.findUnique({ where: { id: runId }, select: { status: true, attempt: true } });
  if (!run) throw new NotFoundError("比对记录不存在，或不在您的管辖范围内。");
  if (run.status !== "QUEUED") return "NOT_CLAIMED";
  const attempt = run.attempt + 1;
  const claimed = await db.civilRosterRun.updateMany({
    where: { id: runId, status: "QUEUED", attempt: run.attempt },
    data: { status: "READING", attempt, progressDone: 0, progressTotal: 0, message: null, updatedAt: new Date() },
  });
  // Two starts of one run (two retries, a job started twice): the first claim wins, the other leaves.
  if (claimed.count !== 1) return "NOT_CLAIMED";
  const mine = { id: runId, attempt, status: { in: ["READING" as const, "COMPARING" as const] } };
  const write = async (data: Prisma.CivilRosterRunUpdateManyMutationInput) => {
    const { count } = await db.civilRosterRun.updateMany({ where: mine, data: { ...data, updatedAt: new Date() } });
    if (count !== 1) throw new Superseded();
  };
  const refuse = async (message: string, problems: TRosterProblem[] = [], problemCount = 0) => {
    await write({ status: "INVALID", message, problems: problems as unknown as Prisma.InputJsonValue, problemCount });
    return "INVALID" as const;
  };

  try {
    const { workbook } = await db.civilRosterRun.findUniqueOrThrow({ where: { id: runId }, select: { workbook: true } });
    const bytes = Buffer.from(workbook);
    // The upload let in only a zip named .xlsx or text named .csv (upload-roster.ts); the stored
    // name may be cut short, the bytes tell them apart.
    const format = bytes.subarray(0, 4).toString("binary") === "PK\x03\x04" ? "xlsx" : "csv";
    let sheets;
    try {
      sheets = await readRosterSheets(format, bytes);
    } catch (error) {
      // Over a budget of lib/xlsx/workbook-budgets.ts (bytes, rows, …): its own message names the limit.
      if (error instanceof DomainError) return await refuse(error.message);
      console.error("civil roster unreadable", runId, error);
      return await refuse("无法读取这个文件：文件已损坏，或不是 Excel 保存的 .xlsx 文件。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。");
    }
    const validation = validateRosterRows(sheets);
    if (!validation.ok) return await refuse(validation.fatal);
    if (validation.problems.length > 0) {
      return await refuse(
        `名单中有 ${validation.problems.length.toLocaleString("zh-CN")} 处问题，未写入任何数据。请改正后重新上传。`,
        validation.problems.slice(0, MAX_LISTED_PROBLEMS),
        validation.problems.length,
      );
    }
    const rows = validation.rows;
    const today = todayInShanghai();
    const { thresholds, own } = await thresholdsFor(actor, today);
    await write({ status: "COMPARING", rowCount: rows.length, progressDone: 0, progressTotal: rows.length, policyDate: dateOnly(today) });

    await db.$transaction(
      async (tx) => {
        // Progress goes through its own statement, outside this transaction, so the page sees it;
        // the roster rows' foreign key takes only a key-share lock on the run, which it does not wait for.
        await insertRosterRows(tx, runId, rows, (done) => write({ progressDone: done }));
        const results = await insertResults(tx, runId, thresholds, own);
        const [matched] = await tx.$queryRaw<[{ people: number; files: number }]>`
          SELECT count(DISTINCT p.resident_id)::int AS people, count(DISTINCT p.file_id)::int AS files
            FROM civil_roster_row r JOIN civil_roster_run rr ON rr.id = r.run_id AND ${tx.$orgInScope(Prisma.sql`rr.organisation_id`)}
            JOIN file_person p ON p.resident_id = r.resident_id JOIN household_file f ON f.id = p.file_id
           WHERE r.run_id = ${runId}::uuid AND f.status IN ('OPEN', 'OBSERVATION') AND ${tx.$orgInScope(Prisma.sql`f.organisation_id`)}`;
        // The last write of the run in this transaction (a progress write after it would wait for it).
        const done = await tx.civilRosterRun.updateMany({
          where: { id: runId, attempt, status: "COMPARING" },
          data: {
            status: "DONE",
            comparedAt: new Date(),
            updatedAt: new Date(),
            matchedPeople: matched.people,
            matchedFiles: matched.files,
            resultCount: results,
          },
        });
        if (done.count !== 1) throw new Superseded();
        await recordAudit(tx, actor, {
          action: "civil.compare",
          entityType: "civil_roster_run",
          entityId: runId,
          organisationId: actor.organisation.id,
          detail: { rows: rows.length, matchedPeople: matched.people, matchedFiles: matched.files, results, attempt },
        });
      },
      { timeout: 600_000, maxWait: 10_000 },
    );
    return "DONE";
  } catch (error) {
    if (error instanceof Superseded) return "NOT_CLAIMED";
    console.error("civil comparison failed", runId, error);
    // Only while the run is still this attempt's: a retry's run is left to the retry.
    await db.civilRosterRun
      .updateMany({ where: mine, data: { status: "FAILED", message: CIVIL_FAILED_MESSAGE, updatedAt: new Date() } })
      .catch((failure) => console.error("civil comparison: marking the run failed", runId, failure));
    return "FAILED";
  }
}

/**
 * 重新比对: a FAILED run, or one with no progress for STALLED_AFTER_MS (its job died with no repair
 * yet), goes back to QUEUED before the comparison is started again in the background — so a run
 * outside the user's scope, or one still running or finished, is refused with the normal answer.
 */
export async function claimRosterRetry(actor: TActor, runId: string): Promise<void> {
  enforce(mayCompareRosters(actor));
  const db = scopedDb(actor);
  const run = await db.civilRosterRun.findUnique({ where: { id: runId }, select: { status: true, updatedAt: true, organisationId: true } });
  if (!run) throw new NotFoundError("比对记录不存在，或不在您的管辖范围内。");
  const now = new Date();
  enforce(canRetryComparison(run, now));
  await db.$transaction(async (tx) => {
    const { count } = await tx.civilRosterRun.updateMany({
      where: {
        id: runId,
        OR: [{ status: "FAILED" }, { status: { in: ["QUEUED", "READING", "COMPARING"] }, updatedAt: { lt: new Date(now.getTime() - STALLED_AFTER_MS) } }],
      },
      data: { status: "QUEUED", message: null, progressDone: 0, progressTotal: 0, updatedAt: now },
    });
    // Of two people clicking 重新比对 at once, one starts it; the other is told.
    if (count !== 1) throw new ConflictError("这次比对已经重新开始或已完成，请刷新页面查看进度。");
    await recordAudit(tx, actor, {
      action: "civil.retry",
      entityType: "civil_roster_run",
      entityId: runId,
      organisationId: run.organisationId,
      detail: { previousStatus: run.status },
    });
  });
}

type TTx = Parameters<Parameters<ReturnType<typeof scopedDb>["$transaction"]>[0]>[0];

async function insertRosterRows(tx: TTx, runId: string, rows: TRosterRow[], onProgress: (done: number) => Promise<void>) {
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
    await onProgress(start + chunk.length);
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
