// Guards what a crash leaves behind (故障恢复): a real process runs a batch approval of 10,000
// lines, an evidence upload or a filing approval, stops inside its transaction
// (BANGFU_TEST_PAUSE_AT, lib/testing/pause-point.ts) and is killed with SIGKILL — alone, or
// together with the database's postmaster, which then recovers from its WAL on restart. After the
// start-up repair step: no partial batch (all its ledger entries or none), no evidence row without
// its bytes and no bytes without a row, file numbers without a gap — and the interrupted action
// succeeds when done again. Also: a `kill -9` of the process owning the embedded database leaves
// the postmaster running; the next start takes the folder over instead of failing. And an Excel
// import killed before its commit transaction commits: no file of it, the repair puts the import
// back to 待确认导入, and confirming again creates every household exactly once.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { PROJECT_DIR } from "@/lib/db/paths";
import { repairAtStart } from "@/lib/db/repair-at-start";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import { ZSaveDraftInput, ZSubmitFilingInput } from "@/lib/filing/schemas";
import { approveFiling, recordCivilCheck, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput } from "@/lib/ledger/schemas";
import { uploadEvidence } from "@/lib/evidence/evidence";
import { claimHouseholdImportCommit, commitHouseholdImport } from "@/lib/import/commit-import";
import { getHouseholdImport } from "@/lib/import/find-imports";
import { uploadHouseholdImport } from "@/lib/import/upload-import";
import { validateHouseholdImport } from "@/lib/import/validate-import";
import { buildImportTemplate } from "@/lib/import/import-template";
import { actorFor, orgByCode } from "../support/factories";
import { attachRequiredEvidence, backdateReview, filingValues } from "../support/filing-factory";
import { CLUSTER_PASSWORD, startOwnCluster, type TOwnCluster } from "../support/own-cluster";
import { residentId } from "../support/resident-ids";
import { insertPayableFiles } from "../support/ledger-fixtures";
import { freePort } from "@/lib/net/free-port";

const today = todayInShanghai();
let cluster: TOwnCluster;
let evidenceDir: string;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let batchId: string;
let county: string;

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const version = async (fileId: string) => (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version;

/** Starts the child and resolves once it is paused inside the transaction. */
async function runUntilPaused(input: Record<string, string | number>): Promise<ChildProcess> {
  // node with tsx as a loader, not the tsx command: that is a wrapper around a second node process,
  // and killing the wrapper would leave the real one (and its transaction) alive.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "tests/support/crash-child.ts"], {
    cwd: PROJECT_DIR,
    env: {
      ...process.env,
      DATABASE_URL: cluster.db.url,
      EVIDENCE_DIR: evidenceDir,
      BANGFU_TEST_PAUSE_AT: String(input.run),
      CRASH_INPUT: JSON.stringify(input),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not pause within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`BANGFU_PAUSED ${input.run}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before pausing:\n${output}`));
    });
  });
  return child;
}

/** kill -9 of the paused "server", and with `database` of the postmaster too; then PostgreSQL is running again. */
async function crash(child: ChildProcess, database: boolean) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  if (database) process.kill(Number(readFileSync(path.join(cluster.db.dataDir, "postmaster.pid"), "utf8").split("\n")[0]), "SIGKILL");
  await exited;
  if (database) await cluster.restart();
}

const repair = () => repairAtStart({ databaseUrl: cluster.db.url, evidenceDir, backupDir: path.join(cluster.dir, "backups"), graceMs: 0 });

function evidenceOnDisk(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else found.push(path.relative(evidenceDir, path.join(dir, entry.name)));
    }
  };
  try {
    walk(evidenceDir);
  } catch {
    /* no folder yet: nothing stored */
  }
  return found.sort();
}

/** A file in publicity that has ended, with the civil-affairs check recorded: ready for 审定. */
async function readyForApproval(): Promise<string> {
  const values = filingValues(county);
  const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: values }));
  await attachRequiredEvidence(draft.fileId, lzCaseworker.userId);
  const { fileId } = await submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values }));
  await reviewFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), homeVisitDate: today, note: undefined });
  await backdateReview(fileId, 11);
  await startPublicity(lzOfficial, { fileId, expectedVersion: await version(fileId), startDate: addDays(today, -10) });
  await recordCivilCheck(lzOfficial, { fileId, expectedVersion: await version(fileId), checkDate: today, result: "CONSISTENT", note: undefined });
  return fileId;
}

/** The real import template with one single-person household per holder name, as a caseworker fills it in. */
async function importWorkbook(names: string[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await buildImportTemplate()) as unknown as ArrayBuffer);
  const fill = (sheetName: string, rows: Record<string, string>[]) => {
    const sheet = workbook.getWorksheet(sheetName)!;
    const headers = (sheet.getRow(1).values as string[]).map((h) => (h ? String(h).replace(/\*$/, "") : h));
    for (const row of rows) sheet.addRow(headers.map((h) => (h ? (row[h] ?? "") : undefined)).slice(1));
  };
  fill(
    "户信息",
    names.map((_, i) => ({
      户编号: `C${i}`,
      档案级别: "县级",
      职工类别: "城镇困难职工",
      住房情况: "租房",
      建档职工是否工会会员: "是",
      主要致困原因: "因病",
      "工资性收入（元/月）": "1800",
      建议困难类别: "深度困难",
      困难需求: "医疗救助",
    })),
  );
  fill(
    "家庭成员",
    names.map((name, i) => {
      const birth = `1970-0${(i % 9) + 1}-1${i % 10}`;
      return {
        户编号: `C${i}`,
        姓名: name,
        与建档职工关系: "本人",
        公民身份号码: residentId({ birthDate: birth }),
        出生日期: birth,
        性别: "男",
        健康状况: "慢性病",
        在学情况: "不在学",
        就业状况: "灵活就业",
        是否共同生活: "是",
      };
    }),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

beforeAll(async () => {
  cluster = await startOwnCluster("crash");
  evidenceDir = path.join(cluster.dir, "evidence");
  process.env.EVIDENCE_DIR = evidenceDir;
  lzCaseworker = await actorFor("lz_caseworker");
  lzOfficial = await actorFor("lz_official");
  county = (await orgByCode("GSLZQLH")).id;
  // 10,000 open files with the holder's own account, then a submitted batch paying all of them.
  const grassroots = await orgByCode("GSTSMJ01");
  const [tsCaseworker, tsOfficial] = [await actorFor("ts_caseworker"), await actorFor("ts_official")];
  await insertPayableFiles(query, { organisationId: grassroots.id, count: 10_000, caseworkerId: tsCaseworker.userId, officialId: tsOfficial.userId });
  const created = await createBatch(
    tsCaseworker,
    ZCreateBatchInput.parse({
      idempotencyKey: "00000000-0000-4000-8000-000000000014",
      name: "送温暖",
      aidType: "WARMTH",
      fundSource: "UNION_FUNDS",
      standardAmountFen: "500",
      entryDate: today,
      purpose: "元旦春节慰问",
      organisationId: grassroots.id,
      tiers: [],
      fileLevels: [],
    }),
  );
  expect(created.lineCount).toBe(10_000);
  batchId = created.batchId;
  await submitBatch(tsCaseworker, { batchId, expectedVersion: (await getBatch(tsCaseworker, batchId)).version });
}, 120_000);

afterAll(async () => {
  delete process.env.EVIDENCE_DIR;
  await cluster?.dispose();
});

describe("crashes (故障恢复)", () => {
  it("a batch approval of 10,000 lines killed in its transaction, together with the database, leaves no entry; done again, all", async () => {
    const tsOfficial = await actorFor("ts_official");
    // Server and database at once, the harder case (crash recovery); the other cases also kill the server alone.
    for (const database of [true]) {
      const batch = await getBatch(tsOfficial, batchId);
      const child = await runUntilPaused({ run: "batch-approve", username: "ts_official", batchId, expectedVersion: batch.version });
      await crash(child, database);
      const [state] = await query<{ status: string; version: number; entries: number }>(
        `SELECT b.status::text, b.version, (SELECT count(*)::int FROM ledger_entry e JOIN batch_line l ON l.id = e.batch_line_id WHERE l.batch_id = b.id) AS entries
           FROM disbursement_batch b WHERE b.id = $1`,
        [batchId],
      );
      expect(state).toEqual({ status: "SUBMITTED", version: batch.version, entries: 0 });
    }
    // Done again after the crashes, the approval writes every line.
    const { entries } = await approveBatch(tsOfficial, { batchId, expectedVersion: (await getBatch(tsOfficial, batchId)).version });
    expect(entries).toBe(10_000);
    expect((await query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entry"))[0]!.n).toBe(10_000);
  }, 120_000);

  it("an evidence upload killed between storing the bytes and committing the row leaves neither after the start-up repair", async () => {
    const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: filingValues(county) }));
    for (const database of [false, true]) {
      const child = await runUntilPaused({ run: "evidence-upload", username: "lz_caseworker", fileId: draft.fileId });
      // The bytes are on disk, their row is not committed.
      expect(evidenceOnDisk()).toHaveLength(1);
      await crash(child, database);
      const report = await repair();
      expect(report.removedOrphans).toHaveLength(1);
      expect(report.missing).toEqual([]);
      expect(evidenceOnDisk()).toEqual([]);
      expect((await query("SELECT id FROM evidence_file WHERE file_id = $1", [draft.fileId])).length).toBe(0);
    }
    // Uploading again works, and the repair leaves a complete upload alone.
    const bytes = Buffer.from("%PDF-1.7\n重新上传");
    await uploadEvidence(lzCaseworker, { fileId: draft.fileId, kind: "OTHER", file: new File([bytes], "补充材料.pdf", { type: "application/pdf" }) });
    const report = await repair();
    expect(report).toMatchObject({ removedOrphans: [], missing: [], removedTemporary: [] });
    const rows = await query<{ storage_key: string }>("SELECT storage_key FROM evidence_file WHERE file_id = $1", [draft.fileId]);
    expect(evidenceOnDisk()).toEqual(rows.map((r) => r.storage_key));
  }, 120_000);

  it("a filing approval killed after taking its file number leaves no gap in the numbers", async () => {
    const first = await readyForApproval();
    await approveFiling(lzOfficial, { fileId: first, expectedVersion: await version(first), tier: "DEEP", note: undefined });
    const firstNumber = (await prisma.householdFile.findUniqueOrThrow({ where: { id: first } })).fileNumber!;
    const second = await readyForApproval();
    for (const database of [false, true]) {
      const child = await runUntilPaused({ run: "filing-approve", username: "lz_official", fileId: second, expectedVersion: await version(second) });
      await crash(child, database);
      const [file] = await query<{ status: string; file_number: string | null }>("SELECT status::text, file_number FROM household_file WHERE id = $1", [
        second,
      ]);
      expect(file).toEqual({ status: "PUBLICITY", file_number: null });
    }
    await approveFiling(lzOfficial, { fileId: second, expectedVersion: await version(second), tier: "DEEP", note: undefined });
    const secondNumber = (await prisma.householdFile.findUniqueOrThrow({ where: { id: second } })).fileNumber!;
    // e.g. GSLZQLH-2026-00001 then GSLZQLH-2026-00002: the killed approvals took no number.
    const [prefix, sequence] = [firstNumber.slice(0, -5), Number(firstNumber.slice(-5))];
    expect(secondNumber).toBe(`${prefix}${String(sequence + 1).padStart(5, "0")}`);
  }, 120_000);

  it("an Excel import killed inside its commit transaction leaves no file of it; confirmed again, every household exactly once", async () => {
    const names = ["崩溃甲", "崩溃乙", "崩溃丙", "崩溃丁", "崩溃戊"];
    const { importId } = await uploadHouseholdImport(lzCaseworker, { fileName: "崩溃台账.xlsx", bytes: await importWorkbook(names) });
    await validateHouseholdImport(lzCaseworker, importId);
    expect(await getHouseholdImport(lzCaseworker, importId)).toMatchObject({ status: "READY", households: 5, problems: [] });
    const staged = (await query<{ file_id: string }>("SELECT file_id FROM household_import_row WHERE import_id = $1", [importId])).map((r) => r.file_id);
    expect(staged).toHaveLength(5);
    const written = async () =>
      (
        await query<{ files: number; persons: number; events: number; byName: number }>(
          `SELECT (SELECT count(*)::int FROM household_file WHERE id = ANY($1::uuid[])) AS files,
              (SELECT count(*)::int FROM file_person WHERE file_id = ANY($1::uuid[])) AS persons,
              (SELECT count(*)::int FROM filing_event WHERE file_id = ANY($1::uuid[])) AS events,
              (SELECT count(*)::int FROM household_file WHERE holder_name = ANY($2::text[])) AS "byName"`,
          [staged, names],
        )
      )[0]!;
    for (const database of [false, true]) {
      await claimHouseholdImportCommit(lzCaseworker, importId);
      const child = await runUntilPaused({ run: "import-commit", username: "lz_caseworker", importId });
      // Every household is inserted inside the open transaction; a repair now (another server
      // starting) sees the import locked and leaves it to the committing process.
      expect((await repair()).interruptedImports).toEqual([]);
      await crash(child, database);
      expect(await written()).toEqual({ files: 0, persons: 0, events: 0, byName: 0 });
      const [left] = await query<{ status: string; committed_at: Date | null; rows: number }>(
        "SELECT status::text, committed_at, (SELECT count(*)::int FROM household_import_row WHERE import_id = i.id) AS rows FROM household_import i WHERE id = $1",
        [importId],
      );
      expect(left).toEqual({ status: "COMMITTING", committed_at: null, rows: 5 });
      expect((await repair()).interruptedImports).toEqual([importId]);
      expect(await getHouseholdImport(lzCaseworker, importId)).toMatchObject({ status: "READY", message: expect.stringContaining("没有写入任何档案") });
    }
    await claimHouseholdImportCommit(lzCaseworker, importId);
    expect(await commitHouseholdImport(lzCaseworker, importId)).toEqual({ households: 5 });
    expect(await written()).toEqual({ files: 5, persons: 5, events: 5, byName: 5 });
    expect(await getHouseholdImport(lzCaseworker, importId)).toMatchObject({ status: "COMMITTED", message: null });
    expect((await query("SELECT 1 FROM audit_event WHERE action = 'import.commit' AND entity_id = $1", [importId])).length).toBe(1);
  }, 60_000);

  it("kill -9 of the process that owns the embedded database: the next start takes the folder over", async () => {
    const dataDir = path.join(cluster.dir, "owned");
    const port = await freePort();
    const child = await runUntilPaused({ run: "hold-database", dataDir, port, password: CLUSTER_PASSWORD });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const orphan = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    expect(() => process.kill(orphan, 0)).not.toThrow();
    const db = await startEmbeddedPostgres({ dataDir, port, password: CLUSTER_PASSWORD, database: "bangfu" });
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      expect((await client.query("SELECT 1 AS ok")).rows[0]).toEqual({ ok: 1 });
      await client.end();
      expect(Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])).not.toBe(orphan);
    } finally {
      await db.stop();
    }
  }, 120_000);
});
