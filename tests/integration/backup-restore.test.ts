// Guards backup and restore (数据备份与恢复): a database filled through the domain functions —
// files in every workflow state, ledger entries, an approved batch, evidence — is backed up while
// caseworkers keep writing, restored into a new folder and started again: every table has the row
// count and content checksum of the manifest (computed here in plain SQL + JS, not with the
// backup's own code), every row written before the backup began is there, and every evidence
// file is present with the bytes that were uploaded. Also: restore refuses a non-empty folder and
// a damaged archive, leaving what is there untouched.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, truncate, writeFile, copyFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackup, type TBackupResult } from "@/lib/backup/create-backup";
import { restoreBackup } from "@/lib/backup/restore-backup";
import { findBackupRuns } from "@/lib/backup/find-backup-runs";
import { runBackup } from "@/lib/backup/run-backup";
import { repairAtStart } from "@/lib/db/repair-at-start";
import type { TActor } from "@/lib/auth/actor";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { requiredEvidenceKinds, uploadEvidence } from "@/lib/evidence/evidence";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import { ZSaveDraftInput, ZSubmitFilingInput } from "@/lib/filing/schemas";
import { approveFiling, recordCivilCheck, rejectFiling, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput, ZRecordBankAccountInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { prisma } from "@/lib/db/client";
import { withContention } from "@/lib/db/contention";
import type { EvidenceKind } from "@/lib/generated/prisma/enums";
import { actorFor, orgByCode } from "../support/factories";
import { backdateReview, filingValues } from "../support/filing-factory";
import { CLUSTER_PASSWORD, startOwnCluster, type TOwnCluster } from "../support/own-cluster";
import { freePort } from "@/lib/net/free-port";

const today = todayInShanghai();
let cluster: TOwnCluster;
let caseworker: TActor;
let official: TActor;
let county: string;
let evidenceDir: string;
let secretsFile: string;
/** What was uploaded, by storage key, as the test itself kept it. */
const uploaded = new Map<string, Buffer>();

const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n${"x".repeat(2000)}`);
const ref = async (fileId: string) => ({ fileId, expectedVersion: (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version });

async function upload(fileId: string, kind: EvidenceKind) {
  const bytes = pdf(`${kind} ${randomUUID()}`);
  const { id } = await uploadEvidence(caseworker, { fileId, kind, file: new File([bytes], `${kind}.pdf`, { type: "application/pdf" }) });
  const row = await prisma.evidenceFile.findUniqueOrThrow({ where: { id } });
  uploaded.set(row.storageKey, bytes);
}

async function submitted() {
  const values = filingValues(county);
  const draft = await saveDraft(caseworker, ZSaveDraftInput.parse({ data: values }));
  // Every document the domain requires of this household before it may be submitted.
  for (const kind of await requiredEvidenceKinds(caseworker, draft.fileId)) await upload(draft.fileId, kind);
  await submitFiling(caseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values }));
  return draft.fileId;
}

async function opened() {
  const fileId = await submitted();
  await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
  await backdateReview(fileId, 11);
  await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -10) });
  await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
  await approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" });
  const file = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } });
  await recordBankAccount(
    caseworker,
    ZRecordBankAccountInput.parse({ fileId, bankName: "中国农业银行兰州分行", accountNumber: "6228 4800 1234 5678 901", accountHolder: file.holderName }),
  );
  return fileId;
}

/** Independent of lib/backup: each row's md5 from PostgreSQL, sorted and hashed in JS. */
async function contents(url: string): Promise<Record<string, { rows: number; checksum: string }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'");
    const result: Record<string, { rows: number; checksum: string }> = {};
    for (const { t } of tables) {
      const { rows } = await client.query<{ h: string }>(`SELECT md5(x::text) AS h FROM public."${t}" x`);
      const hashes = rows.map((r) => r.h).sort();
      result[t] = { rows: hashes.length, checksum: createHash("md5").update(hashes.join("")).digest("hex") };
    }
    return result;
  } finally {
    await client.end();
  }
}

let backup: TBackupResult;
let before: { fileIds: string[]; ledgerIds: string[]; batchId: string };
let concurrentWrites = 0;

beforeAll(async () => {
  cluster = await startOwnCluster("backup");
  evidenceDir = path.join(cluster.dir, "evidence");
  process.env.EVIDENCE_DIR = evidenceDir;
  secretsFile = path.join(cluster.dir, "secrets.json");
  await writeFile(secretsFile, JSON.stringify({ databasePassword: CLUSTER_PASSWORD, authSecret: "s" }));
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  county = (await orgByCode("GSLZQLH")).id;

  // Files in every state of the workflow.
  const draft = await saveDraft(caseworker, ZSaveDraftInput.parse({ data: filingValues(county) }));
  await upload(draft.fileId, "OTHER");
  const inSubmission = await submitted();
  const reviewed = await submitted();
  await reviewFiling(official, { ...(await ref(reviewed)), homeVisitDate: today });
  const rejected = await submitted();
  await rejectFiling(official, { ...(await ref(rejected)), reason: "收入证明不全" });
  const open = [await opened(), await opened(), await opened()];
  // Ledger entries, one by one and by batch.
  const { disbursementId } = await recordDisbursement(
    caseworker,
    ZRecordDisbursementInput.parse({
      idempotencyKey: randomUUID(),
      fileId: open[0],
      aidType: "LIVING",
      fundSource: "CENTRAL_SPECIAL",
      amountFen: "300",
      entryDate: today,
      purpose: "季度生活救助",
      evidence: "",
      studentIndex: "",
      overCapNote: "",
    }),
  );
  await approveDisbursement(official, { disbursementId });
  const { batchId } = await createBatch(
    caseworker,
    ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      name: "送温暖",
      aidType: "WARMTH",
      fundSource: "WARMTH_FUND",
      standardAmountFen: "500",
      entryDate: today,
      purpose: "元旦春节慰问",
      organisationId: county,
      tiers: [],
      fileLevels: [],
    }),
  );
  await submitBatch(caseworker, { batchId, expectedVersion: (await getBatch(caseworker, batchId)).version });
  await approveBatch(official, { batchId, expectedVersion: (await getBatch(official, batchId)).version });
  const ledger = await prisma.ledgerEntry.findMany({ select: { id: true } });
  expect(ledger.length).toBe(4);
  before = { fileIds: [draft.fileId, inSubmission, reviewed, rejected, ...open], ledgerIds: ledger.map((l) => l.id), batchId };

  // Caseworkers keep writing during the backup: drafts with evidence, until it has finished. The
  // backup's LOCK TABLE … IN SHARE MODE can deadlock with an upload's transaction, and PostgreSQL may
  // pick the upload as the victim: as through a server action (authedAction), it is run once more.
  let writing = true;
  const writer = (async () => {
    while (writing) {
      const d = await withContention(() => saveDraft(caseworker, ZSaveDraftInput.parse({ data: filingValues(county) })));
      await withContention(() => upload(d.fileId, "OTHER"));
      concurrentWrites += 1;
    }
  })();
  backup = await createBackup({
    databaseUrl: `${cluster.db.superuserUrl}/bangfu`,
    evidenceDir,
    secretsFile,
    outDir: path.join(cluster.dir, "backups"),
    // Hold the backup open until writes have happened between its start and its stop.
    beforeStop: async () => {
      const target = concurrentWrites + 3;
      while (concurrentWrites < target) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  });
  writing = false;
  await writer;
}, 120_000);

afterAll(async () => {
  delete process.env.EVIDENCE_DIR;
  await cluster?.dispose();
});

describe("backup and restore (数据备份与恢复)", () => {
  it("restores into a new folder exactly what the manifest promises, while writes went on during the backup", async () => {
    expect(concurrentWrites).toBeGreaterThanOrEqual(3);
    expect(backup.warnings).toEqual([]);
    expect(backup.manifest.migration.last).toMatch(/^\d{4}_/);
    expect(backup.manifest.tables.ledger_entry!.rows).toBe(4);
    expect((await stat(backup.file)).size).toBe(backup.sizeBytes);

    const target = path.join(cluster.dir, "restored");
    const restored = { pgdataDir: path.join(target, "pgdata"), evidenceDir: path.join(target, "evidence"), secretsFile: path.join(target, "secrets.json") };
    await restoreBackup({ file: backup.file, ...restored });

    const db = await startEmbeddedPostgres({ dataDir: restored.pgdataDir, port: await freePort(), password: CLUSTER_PASSWORD, database: "bangfu" });
    try {
      const got = await contents(`${db.superuserUrl}/bangfu`);
      expect(Object.keys(got).sort()).toEqual(Object.keys(backup.manifest.tables).sort());
      for (const [table, expected] of Object.entries(backup.manifest.tables)) expect({ table, ...got[table] }).toEqual({ table, ...expected });

      const client = new pg.Client({ connectionString: `${db.superuserUrl}/bangfu` });
      await client.connect();
      try {
        const files = await client.query<{ id: string; status: string }>("SELECT id, status::text FROM household_file WHERE id = ANY($1)", [before.fileIds]);
        expect(files.rows.map((r) => r.status).sort()).toEqual(["DRAFT", "DRAFT", "OPEN", "OPEN", "OPEN", "REVIEWED", "SUBMITTED"].sort());
        expect((await client.query("SELECT id FROM ledger_entry WHERE id = ANY($1)", [before.ledgerIds])).rowCount).toBe(4);
        expect((await client.query("SELECT status::text FROM disbursement_batch WHERE id = $1", [before.batchId])).rows[0].status).toBe("APPROVED");
        // Every evidence row of the restored database has its bytes, exactly as they were uploaded.
        const evidence = await client.query<{ storage_key: string; sha256: string }>("SELECT storage_key, sha256 FROM evidence_file");
        expect(evidence.rowCount).toBe(backup.manifest.tables.evidence_file!.rows);
        expect(evidence.rowCount).toBeGreaterThanOrEqual(1 + 2 * 6);
        for (const row of evidence.rows) {
          const bytes = await readFile(path.join(restored.evidenceDir, row.storage_key));
          expect(bytes.equals(uploaded.get(row.storage_key)!)).toBe(true);
          expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.sha256);
        }
      } finally {
        await client.end();
      }
    } finally {
      await db.stop();
    }
    expect(JSON.parse(await readFile(restored.secretsFile, "utf8"))).toMatchObject({ databasePassword: CLUSTER_PASSWORD });
  }, 240_000);

  it("refuses a folder that already holds a database, and a damaged archive, leaving the folder as it was", async () => {
    const target = path.join(cluster.dir, "occupied");
    await mkdir(path.join(target, "pgdata"), { recursive: true });
    await writeFile(path.join(target, "pgdata", "PG_VERSION"), "18\n");
    const options = {
      file: backup.file,
      pgdataDir: path.join(target, "pgdata"),
      evidenceDir: path.join(target, "evidence"),
      secretsFile: path.join(target, "secrets.json"),
    };
    await expect(restoreBackup(options)).rejects.toThrow("目标目录不是空的");
    expect(await readdir(path.join(target, "pgdata"))).toEqual(["PG_VERSION"]);

    const damaged = path.join(cluster.dir, "damaged.tar.gz");
    await copyFile(backup.file, damaged);
    await truncate(damaged, Math.floor(backup.sizeBytes / 2));
    const fresh = path.join(cluster.dir, "fresh");
    await expect(
      restoreBackup({
        ...options,
        file: damaged,
        pgdataDir: path.join(fresh, "pgdata"),
        evidenceDir: path.join(fresh, "evidence"),
        secretsFile: path.join(fresh, "secrets.json"),
      }),
    ).rejects.toThrow();
    expect(existsSync(path.join(fresh, "pgdata", "PG_VERSION"))).toBe(false);
    expect(existsSync(path.join(fresh, "secrets.json"))).toBe(false);
  }, 180_000);

  it("the daily job keeps the newest N archives, records every run for administrators, and start-up clears an interrupted one", async () => {
    const outDir = path.join(cluster.dir, "daily");
    // An archive is named by the second its run starts (a second run in the same second is refused):
    // three days' runs, so each starts in a second of its own — on a quiet machine a run takes less.
    for (let i = 0; i < 3; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
      await runBackup({ databaseUrl: `${cluster.db.superuserUrl}/bangfu`, trigger: "SCHEDULED", keep: 2, outDir });
    }
    const archives = (await readdir(outDir)).sort();
    expect(archives).toHaveLength(2);

    const admin = await actorFor("lz_admin");
    const runs = await findBackupRuns(admin, { page: 1 });
    expect(runs.total).toBe(3);
    expect(runs.rows.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    // Newest first; the oldest archive was removed by the retention rule and is marked so.
    expect(
      runs.rows
        .slice(0, 2)
        .map((r) => r.fileName)
        .sort(),
    ).toEqual(archives);
    expect(runs.rows[2]!.prunedAt).not.toBeNull();
    expect(Number(runs.rows[0]!.sizeBytes)).toBe((await stat(path.join(outDir, runs.rows[0]!.fileName!))).size);
    await expect(findBackupRuns(caseworker, { page: 1 })).rejects.toThrow();

    // A backup killed midway leaves its .partial file: start-up removes it and records the run as interrupted.
    await writeFile(path.join(outDir, "bangfu-backup-20261201-020000.tar.gz.partial"), "half");
    const report = await repairAtStart({ databaseUrl: cluster.db.url, evidenceDir, backupDir: outDir, graceMs: 0 });
    expect(report.interruptedBackups).toEqual(["bangfu-backup-20261201-020000.tar.gz.partial"]);
    expect((await readdir(outDir)).sort()).toEqual(archives);
    const latest = await findBackupRuns(admin, { page: 1 });
    expect(latest.rows.find((r) => r.status === "INTERRUPTED")).toMatchObject({ fileName: "bangfu-backup-20261201-020000.tar.gz" });
  }, 240_000);
});
