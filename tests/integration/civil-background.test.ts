// Guards the civil-affairs comparison in the background (issue 28): the upload only stores the
// roster and answers; the comparison then reports its progress on the run (what the run page
// polls) and ends DONE with its results, INVALID with the roster's problems, or FAILED with a
// Chinese message and a 重新比对. Roles and another organisation are refused at every step; two
// starts of one comparison, two retries at once and a job declared dead that wakes up again write
// the roster rows and results exactly once; the repair at start marks a run whose server died.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { claimRosterRetry, compareRosterRun } from "@/lib/civil/compare-roster";
import { getRosterRun } from "@/lib/civil/find-runs";
import { canRetryComparison, isComparing } from "@/lib/civil/rules";
import { uploadRoster } from "@/lib/civil/upload-roster";
import { prisma } from "@/lib/db/client";
import { repairAtStart } from "@/lib/db/repair-at-start";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";

let sql: pg.Client;
let owner: pg.Client;
let caseworker: TActor;
let official: TActor;
let auditor: TActor;
let tsCaseworker: TActor;
/** A member of an open Lanzhou file: listed with a vehicle, one mismatch per comparison. */
let holderId: string;
let rosters = 0;

const HEADER = "公民身份号码*,姓名*,是否享受低保*,低保金额（元/月）,家庭年收入（元）,家庭人口数,是否有车辆*,是否有房产*,是否死亡*,是否工会会员,工作单位";

/** Valid, distinct ID numbers that belong to nobody on file (born 1940–1999 in 620102). */
function strangerId(n: number): string {
  const year = 1940 + (n % 60);
  const month = String(1 + (Math.floor(n / 60) % 12)).padStart(2, "0");
  const day = String(1 + (Math.floor(n / 720) % 28)).padStart(2, "0");
  const body = `620102${year}${month}${day}${String(Math.floor(n / 20_160) % 1000).padStart(3, "0")}`;
  return body + residentIdCheckCharacter(body);
}

/** A CSV roster: the file's holder with a vehicle, then `strangers` people in no file (row 2 is the holder). */
function roster(strangers: number): { fileName: string; bytes: Buffer } {
  rosters += 1;
  const lines = [HEADER, `${holderId},有车户主,否,,,,是,否,否,否,`];
  for (let i = 0; i < strangers; i++) lines.push(`${strangerId(rosters * 100_000 + i)},名单${rosters}-${i},否,,,,否,否,否,否,`);
  return { fileName: `名单${rosters}.csv`, bytes: Buffer.from(lines.join("\r\n"), "utf8") };
}

const stored = async (runId: string) => ({
  rows: await prisma.civilRosterRow.count({ where: { runId } }),
  results: await prisma.civilComparisonResult.count({ where: { runId } }),
});

/** Holds the comparison's transaction at the roster row of `sheetRow` until `release()`. */
async function holdAtRow(sheetRow: number) {
  await owner.query(`CREATE OR REPLACE FUNCTION test_hold_roster_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.sheet_row = ${sheetRow} THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF; RETURN NEW; END $$`);
  await owner.query("CREATE TRIGGER test_hold_roster_row BEFORE INSERT ON civil_roster_row FOR EACH ROW EXECUTE FUNCTION test_hold_roster_row()");
  await owner.query("SELECT pg_advisory_lock(4242)");
  return async () => {
    await owner.query("SELECT pg_advisory_unlock(4242)");
    await owner.query("DROP TRIGGER test_hold_roster_row ON civil_roster_row; DROP FUNCTION test_hold_roster_row()");
  };
}

/** Waits until the run, read as the run page reads it, satisfies `test`. */
async function until(actor: TActor, runId: string, test: (run: Awaited<ReturnType<typeof getRosterRun>>) => boolean) {
  for (let i = 0; i < 600; i++) {
    const run = await getRosterRun(actor, runId);
    if (test(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${runId} never reached the expected state`);
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  auditor = await actorFor("lz_auditor");
  tsCaseworker = await actorFor("ts_caseworker");
  const file = await insertOpenFile(sql, { caseworker, official }, (await orgByCode("GSLZ")).id);
  holderId = file.data.members[0]!.residentId!;
});

afterAll(async () => {
  await sql.end();
  await owner.end();
});

describe("upload, progress, result", () => {
  it("answers the upload with a waiting run, shows the rows written while it compares, then the result", async () => {
    const { runId } = await uploadRoster(caseworker, roster(11_999));
    // The answer: the roster is stored and waits; nothing of the comparison yet.
    const queued = await getRosterRun(caseworker, runId);
    expect(queued).toMatchObject({ status: "QUEUED", rowCount: 0, resultCount: 0, progressDone: 0, message: null });
    expect(isComparing(queued)).toBe(true);
    expect(await stored(runId)).toEqual({ rows: 0, results: 0 });
    expect((await prisma.auditEvent.findMany({ where: { entityId: runId } })).map((a) => a.action)).toEqual(["civil.upload"]);

    // 12,000 rows go in 5,000 at a time: held at the first row of the second chunk, the page reads 5,000 of 12,000.
    const release = await holdAtRow(5_002);
    const job = compareRosterRun(caseworker, runId);
    try {
      const midway = await until(caseworker, runId, (r) => r.progressDone > 0);
      expect(midway).toMatchObject({ status: "COMPARING", progressDone: 5_000, progressTotal: 12_000, rowCount: 12_000 });
      // Still nothing visible of the comparison: the rows are in a transaction not yet committed.
      expect(await stored(runId)).toEqual({ rows: 0, results: 0 });
    } finally {
      await release();
    }
    expect(await job).toBe("DONE");
    const done = await getRosterRun(caseworker, runId);
    expect(done).toMatchObject({ status: "DONE", rowCount: 12_000, progressDone: 12_000, matchedPeople: 1, matchedFiles: 1, resultCount: 1 });
    expect(done.comparedAt).not.toBeNull();
    expect(done.reasonCounts.VEHICLE_OR_PROPERTY).toBe(1);
    expect(await stored(runId)).toEqual({ rows: 12_000, results: 1 });
    expect((await prisma.auditEvent.findMany({ where: { entityId: runId }, orderBy: { at: "asc" } })).map((a) => a.action)).toEqual([
      "civil.upload",
      "civil.compare",
    ]);
    expect(canRetryComparison(done, new Date())).toMatchObject({ ok: false, reason: "这次比对已经完成，无需重新比对。" });
  });

  it("keeps a bad roster as refused, with its problems and nothing else written", async () => {
    const bad = roster(2);
    const text = bad.bytes.toString("utf8").replace(`${holderId},有车户主,否`, `${holderId},有车户主,也许`);
    const { runId } = await uploadRoster(caseworker, { fileName: bad.fileName, bytes: Buffer.from(text, "utf8") });
    expect(await compareRosterRun(caseworker, runId)).toBe("INVALID");
    const run = await getRosterRun(caseworker, runId);
    expect(run).toMatchObject({ status: "INVALID", message: "名单中有 1 处问题，未写入任何数据。请改正后重新上传。", problemCount: 1 });
    expect(run.problems).toEqual([{ sheet: "CSV", row: 2, column: "是否享受低保", message: "只能填写“是”或“否”，不能填写“也许”。" }]);
    expect(await stored(runId)).toEqual({ rows: 0, results: 0 });
    expect(canRetryComparison(run, new Date()).ok).toBe(false);
    // The same bytes again are told what happened to them.
    await expect(uploadRoster(caseworker, { fileName: "再传.csv", bytes: Buffer.from(text, "utf8") })).rejects.toThrow(/未通过校验/);
  });

  it("refuses a roster over a reading budget after reading it, naming the limit in Chinese", async () => {
    // A line over CSV_BUDGETS.lineCharacters (an unclosed quote makes the rest of a file one line).
    const text = `${HEADER}\r\n${holderId},"${"长".repeat(70_000)},否,,,,否,否,否,否,\r\n`;
    const { runId } = await uploadRoster(caseworker, { fileName: "引号.csv", bytes: Buffer.from(text, "utf8") });
    expect(await compareRosterRun(caseworker, runId)).toBe("INVALID");
    expect((await getRosterRun(caseworker, runId)).message).toBe("CSV 文件第 2 行超过 65,536 个字符的上限，请检查引号是否成对。");
    expect(await stored(runId)).toEqual({ rows: 0, results: 0 });
  });
});

describe("who may start and see a comparison", () => {
  it("refuses an auditor or an administrator at the upload, the comparison and the retry; an auditor reads the run", async () => {
    await expect(uploadRoster(auditor, roster(1))).rejects.toThrow("没有权限");
    await expect(uploadRoster(await actorFor("lz_admin"), roster(1))).rejects.toThrow("没有权限");
    const { runId } = await uploadRoster(official, roster(1));
    await expect(compareRosterRun(auditor, runId)).rejects.toThrow("没有权限");
    await expect(claimRosterRetry(auditor, runId)).rejects.toThrow("没有权限");
    expect((await getRosterRun(auditor, runId)).status).toBe("QUEUED");
    expect(await compareRosterRun(official, runId)).toBe("DONE");
  });

  it("does not let another city see, compare or retry a Lanzhou run", async () => {
    const { runId } = await uploadRoster(caseworker, roster(1));
    await expect(getRosterRun(tsCaseworker, runId)).rejects.toThrow("不在您的管辖范围内");
    await expect(compareRosterRun(tsCaseworker, runId)).rejects.toThrow("不在您的管辖范围内");
    await owner.query("UPDATE civil_roster_run SET status = 'FAILED', message = '测试' WHERE id = $1", [runId]);
    await expect(claimRosterRetry(tsCaseworker, runId)).rejects.toThrow("不在您的管辖范围内");
    expect((await getRosterRun(caseworker, runId)).status).toBe("FAILED");
  });
});

describe("two at once, failures and retries", () => {
  it("of two people uploading the same roster at once, one run is stored and the other is told", async () => {
    const same = roster(1);
    const outcomes = await Promise.allSettled([uploadRoster(caseworker, same), uploadRoster(official, same)]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason.message)).toMatch(/上传比对过，同一份名单不能重复比对/);
    expect(await prisma.civilRosterRun.count({ where: { fileName: same.fileName } })).toBe(1);
  });

  it("started twice at once, the comparison runs once: the roster rows and results are written once", async () => {
    const { runId } = await uploadRoster(caseworker, roster(3_000));
    const both = await Promise.all([compareRosterRun(caseworker, runId), compareRosterRun(official, runId)]);
    expect([...both].sort()).toEqual(["DONE", "NOT_CLAIMED"]);
    expect(await stored(runId)).toEqual({ rows: 3_001, results: 1 });
    expect(await prisma.auditEvent.count({ where: { entityId: runId, action: "civil.compare" } })).toBe(1);
  });

  it("a comparison that fails is FAILED with its Chinese error and nothing written; compared again, its results once", async () => {
    await owner.query(`CREATE FUNCTION test_fail_results() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await owner.query("CREATE TRIGGER test_fail_results BEFORE INSERT ON civil_comparison_result FOR EACH ROW EXECUTE FUNCTION test_fail_results()");
    const { runId } = await uploadRoster(caseworker, roster(10));
    try {
      expect(await compareRosterRun(caseworker, runId)).toBe("FAILED");
    } finally {
      await owner.query("DROP TRIGGER test_fail_results ON civil_comparison_result; DROP FUNCTION test_fail_results()");
    }
    const failed = await getRosterRun(caseworker, runId);
    expect(failed).toMatchObject({ status: "FAILED", message: "比对过程中出现系统错误，没有写入任何比对结果。请点击“重新比对”再试一次。" });
    expect(await stored(runId)).toEqual({ rows: 0, results: 0 });
    expect(canRetryComparison(failed, new Date()).ok).toBe(true);

    // Two people click 重新比对 at once: one starts it, the other is told.
    const retries = await Promise.allSettled([claimRosterRetry(caseworker, runId), claimRosterRetry(official, runId)]);
    expect(retries.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(String((retries.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message)).toMatch(/已经重新开始或已完成|比对正在进行中/);
    expect((await getRosterRun(caseworker, runId)).status).toBe("QUEUED");
    expect(await compareRosterRun(official, runId)).toBe("DONE");
    expect(await stored(runId)).toEqual({ rows: 11, results: 1 });
    const actions = (await prisma.auditEvent.findMany({ where: { entityId: runId }, orderBy: { at: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["civil.upload", "civil.retry", "civil.compare"]);
    // Done: no second retry.
    await expect(claimRosterRetry(caseworker, runId)).rejects.toThrow("这次比对已经完成，无需重新比对。");
  });

  it("a job declared dead that wakes up writes nothing beside its retry", async () => {
    const { runId } = await uploadRoster(caseworker, roster(5_500));
    const release = await holdAtRow(5_002);
    const first = compareRosterRun(caseworker, runId);
    let second: Promise<string> | undefined;
    try {
      await until(caseworker, runId, (r) => r.progressDone === 5_000);
      // While it runs, a retry is refused; ten minutes without progress, the run may be compared again.
      await expect(claimRosterRetry(official, runId)).rejects.toThrow("比对正在进行中");
      await owner.query("UPDATE civil_roster_run SET updated_at = now() - interval '11 minutes' WHERE id = $1", [runId]);
      expect(canRetryComparison(await getRosterRun(official, runId), new Date()).ok).toBe(true);
      await claimRosterRetry(official, runId);
      second = compareRosterRun(official, runId);
      // The retry takes the next attempt while the first job still holds its uncommitted rows.
      await until(official, runId, (r) => r.status === "COMPARING");
    } finally {
      await release();
    }
    // The first job wakes up, finds another attempt on the run and rolls back; the retry completes.
    expect(await first).toBe("NOT_CLAIMED");
    expect(await second).toBe("DONE");
    const run = await getRosterRun(official, runId);
    expect(run).toMatchObject({ status: "DONE", rowCount: 5_501, resultCount: 1 });
    expect(await stored(runId)).toEqual({ rows: 5_501, results: 1 });
    expect(await prisma.auditEvent.count({ where: { entityId: runId, action: "civil.compare" } })).toBe(1);
  });

  it("the repair at start marks a comparison whose server died as failed, and leaves another server's running one alone", async () => {
    const dead = await uploadRoster(caseworker, roster(1));
    const running = await uploadRoster(caseworker, roster(1));
    await owner.query("UPDATE civil_roster_run SET status = 'COMPARING', updated_at = now() - interval '20 minutes' WHERE id = $1", [dead.runId]);
    await owner.query("UPDATE civil_roster_run SET status = 'READING', updated_at = now() WHERE id = $1", [running.runId]);
    const dir = await mkdtemp(path.join(tmpdir(), "civil-repair-"));
    try {
      const report = await repairAtStart({
        databaseUrl: process.env.MIGRATION_DATABASE_URL!,
        evidenceDir: path.join(dir, "evidence"),
        backupDir: path.join(dir, "backups"),
        graceMs: 15 * 60_000,
      });
      expect(report.interruptedComparisons).toEqual([dead.runId]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(await getRosterRun(caseworker, dead.runId)).toMatchObject({
      status: "FAILED",
      message: "比对在服务器中断时停止，没有写入任何比对结果。请点击“重新比对”再试一次。",
    });
    expect((await getRosterRun(caseworker, running.runId)).status).toBe("READING");
    await claimRosterRetry(caseworker, dead.runId);
    expect(await compareRosterRun(caseworker, dead.runId)).toBe("DONE");
    expect(await stored(dead.runId)).toEqual({ rows: 2, results: 1 });
  });
});
