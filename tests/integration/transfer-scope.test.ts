// Guards "a child row follows its file": after a transfer (转出 → 接收) from a Lanzhou county to a
// Tianshui county, the receiving union (the new holder) sees the file's bank account, its ledger
// history and its pending request, can register a new account and pay, and its totals equal the
// entries it lists; the sending union keeps the entry it paid (a historical fact) but can no longer
// read the file's data through a request, an account or the household ledger. Also: raw SQL through
// scopedDb without a scope fragment is refused, and an out-of-scope organisation filter is "not in
// your scope", before any byte of an export.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { decideChange, proposeTransfer, receiveTransfer } from "@/lib/dynamic/changes";
import { ZSubmitFilingData } from "@/lib/filing/schemas";
import { todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { recordBankAccount, revealBankAccount } from "@/lib/ledger/bank-accounts";
import { createBatch } from "@/lib/ledger/batches";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { exportLedger } from "@/lib/ledger/export-ledger";
import { findBatchLines, getBatch } from "@/lib/ledger/find-batches";
import { findOrgLedger } from "@/lib/ledger/find-org-ledger";
import { findPendingApprovals, getDisbursement } from "@/lib/ledger/find-disbursements";
import { householdLedger } from "@/lib/ledger/find-household-ledger";
import { ZCreateBatchInput, ZRecordBankAccountInput, ZRecordDisbursementInput, type TRecordDisbursementFormValues } from "@/lib/ledger/schemas";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { filingValues } from "../support/filing-factory";

let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzAuditor: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let tsAuditor: TActor;
let lanzhouCounty: string;
let sql: pg.Client;
const today = todayInShanghai();

async function openFile(organisationId: string) {
  const data = ZSubmitFilingData.parse(filingValues(organisationId));
  const holder = data.members[0]!;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at,
       civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, $6, $7::file_level, 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $8, $8, now(), $9, now(), now(), 'CONSISTENT', CURRENT_DATE + 90)
     RETURNING id`,
    [
      organisationId,
      `TR-${randomUUID().slice(0, 8)}`,
      JSON.stringify(data),
      holder.name,
      holder.residentId,
      data.members.length,
      data.fileLevel,
      lzCaseworker.userId,
      lzOfficial.userId,
    ],
  );
  return { fileId: rows[0]!.id, holderName: holder.name! };
}

const disbursement = (fileId: string, overrides: Partial<TRecordDisbursementFormValues> = {}) =>
  ZRecordDisbursementInput.parse({
    idempotencyKey: randomUUID(),
    fileId,
    aidType: "LIVING",
    fundSource: "CENTRAL_SPECIAL",
    amountFen: "500",
    entryDate: today,
    purpose: "季度生活救助",
    evidence: "",
    studentIndex: "",
    overCapNote: "",
    ...overrides,
  });

const fileVersion = async (fileId: string) => Number((await sql.query("SELECT version FROM household_file WHERE id = $1", [fileId])).rows[0].version);

async function transfer(fileId: string) {
  const request = await proposeTransfer(lzCaseworker, {
    fileId,
    expectedVersion: await fileVersion(fileId),
    targetOrganisationCode: "GSTSQZ",
    reason: "户籍迁至天水市秦州区",
  });
  await decideChange(lzOfficial, { requestId: request.id, expectedVersion: 1, approve: true });
  await receiveTransfer(tsOfficial, { requestId: request.id, expectedVersion: 2, approve: true });
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsCaseworker, tsOfficial, tsAuditor } = await demoActors());
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
});

afterAll(async () => {
  await sql.end();
});

describe("a transferred file takes its records with it", () => {
  it("lets the receiving union see the history, pay, and total what it lists; the sending union keeps only what it paid", async () => {
    const { fileId, holderName } = await openFile(lanzhouCounty);
    const lzAccount = await recordBankAccount(
      lzCaseworker,
      ZRecordBankAccountInput.parse({ fileId, bankName: "中国农业银行兰州分行", accountNumber: "6228 4800 1234 5678 901", accountHolder: holderName }),
    );
    const paid = await recordDisbursement(lzCaseworker, disbursement(fileId, { amountFen: "500" }));
    await approveDisbursement(lzOfficial, { disbursementId: paid.disbursementId });
    const pending = await recordDisbursement(lzCaseworker, disbursement(fileId, { amountFen: "120", purpose: "临时补助", aidType: "EMERGENCY" }));
    const batch = await createBatch(
      lzCaseworker,
      ZCreateBatchInput.parse({
        idempotencyKey: randomUUID(),
        name: "春节送温暖",
        aidType: "WARMTH",
        fundSource: "WARMTH_FUND",
        standardAmountFen: "300",
        entryDate: today,
        purpose: "元旦春节慰问",
        organisationId: lanzhouCounty,
        tiers: [],
        fileLevels: [],
      }),
    );

    await transfer(fileId);

    // The receiving union: the account, the entry paid in Lanzhou, the pending request.
    const received = await householdLedger(tsCaseworker, fileId);
    expect(received.account).toEqual(expect.objectContaining({ id: lzAccount.bankAccountId, bankName: "中国农业银行兰州分行" }));
    expect(received.entries.map((e) => e.amountFen)).toEqual([50_000]);
    expect(received.pending.map((p) => p.amountFen)).toEqual([12_000]);
    expect(received.totals).toEqual([{ year: Number(today.slice(0, 4)), aidType: "LIVING", totalFen: 50_000, entries: 1 }]);
    const queue = await findPendingApprovals(tsOfficial);
    expect(queue.disbursements.map((d) => d.id)).toContain(pending.disbursementId);
    expect(queue.disbursements.find((d) => d.id === pending.disbursementId)?.organisationName).toBe("秦州区总工会");

    // It can register a new account (the old one is superseded, not a unique violation) and pay.
    const tsAccount = await recordBankAccount(
      tsCaseworker,
      ZRecordBankAccountInput.parse({ fileId, bankName: "甘肃银行天水分行", accountNumber: "6231 0000 1111 2222 333", accountHolder: holderName }),
    );
    const tsPaid = await recordDisbursement(tsCaseworker, disbursement(fileId, { amountFen: "800" }));
    await approveDisbursement(tsOfficial, { disbursementId: tsPaid.disbursementId });
    await approveDisbursement(tsOfficial, { disbursementId: pending.disbursementId });
    const after = await householdLedger(tsCaseworker, fileId);
    expect(after.account?.id).toBe(tsAccount.bankAccountId);
    expect(after.entries.map((e) => e.amountFen).sort((a, b) => a - b)).toEqual([12_000, 50_000, 80_000]);

    // Totals equal the listed entries on both sides.
    const ts = await findOrgLedger(tsAuditor, {});
    const tsOfFile = ts.rows.filter((r) => r.fileId === fileId);
    expect(tsOfFile.map((r) => [r.amountFen, r.organisationName]).sort()).toEqual(
      [
        [12_000, "秦州区总工会"],
        [50_000, "城关区总工会"],
        [80_000, "秦州区总工会"],
      ].sort(),
    );
    expect(ts.count).toBe(ts.rows.length);
    expect(ts.totalFen).toBe(ts.rows.reduce((n, r) => n + r.amountFen, 0));
    const tsCounty = await findOrgLedger(tsAuditor, { organisationId: (await orgByCode("GSTSQZ")).id });
    expect(tsCounty.count).toBe(tsCounty.rows.length);
    expect(tsCounty.totalFen).toBe(tsCounty.rows.reduce((n, r) => n + r.amountFen, 0));
    expect(tsCounty.totalFen).toBeGreaterThanOrEqual(142_000);
    const lz = await findOrgLedger(lzAuditor, {});
    expect(lz.rows.filter((r) => r.fileId === fileId).map((r) => r.amountFen)).toEqual([50_000]);
    expect(lz.count).toBe(lz.rows.length);
    expect(lz.totalFen).toBe(lz.rows.reduce((n, r) => n + r.amountFen, 0));

    // The sending union can no longer read the file through a request, an account or the household ledger.
    await expect(getDisbursement(lzOfficial, paid.disbursementId)).rejects.toThrow("不在您的管辖范围内");
    await expect(getDisbursement(lzAuditor, pending.disbursementId)).rejects.toThrow("不在您的管辖范围内");
    await expect(householdLedger(lzAuditor, fileId)).rejects.toThrow("不在您的管辖范围内");
    await expect(revealBankAccount(lzAuditor, lzAccount.bankAccountId)).rejects.toThrow("不在您的管辖范围内");
    expect((await findPendingApprovals(lzOfficial)).disbursements.map((d) => d.id)).not.toContain(pending.disbursementId);

    // The Lanzhou batch not yet approved no longer pays the file: its line left with the file.
    const lzBatch = await getBatch(lzCaseworker, batch.batchId);
    const lines = await findBatchLines(lzCaseworker, batch.batchId, { removed: false, page: 1 });
    expect(lines.rows.map((l) => l.fileId)).not.toContain(fileId);
    expect(lzBatch.includedLines).toBe(lines.total);
    const {
      rows: [line],
    } = await sql.query("SELECT removed, removed_reason FROM batch_line WHERE batch_id = $1 AND file_id = $2", [batch.batchId, fileId]);
    expect(line).toEqual({ removed: true, removed_reason: "档案已转出至其他单位" });
  });
});

describe("raw SQL through scopedDb", () => {
  it("refuses a statement without a scope fragment, and the fragment keeps another union's rows out", async () => {
    const db = scopedDb(tsAuditor);
    await expect(db.$queryRaw`SELECT id FROM household_file`).rejects.toThrow("raw SQL through scopedDb must restrict itself");
    await expect(db.$queryRawUnsafe("SELECT 1")).rejects.toThrow("not available through scopedDb");
    const { fileId } = await openFile(lanzhouCounty);
    const seen = await db.$queryRaw<
      Array<{ id: string }>
    >`SELECT id FROM household_file WHERE id = ${fileId}::uuid AND ${db.$orgInScope(Prisma.sql`organisation_id`)}`;
    expect(seen).toEqual([]);
    const lzSeen = await scopedDb(lzAuditor).$queryRaw<
      Array<{ id: string }>
    >`SELECT id FROM household_file WHERE ${scopedDb(lzAuditor).$fileInScope(Prisma.sql`id`)} AND id = ${fileId}::uuid`;
    expect(lzSeen).toEqual([{ id: fileId }]);
  });
});

describe("an organisation filter outside the scope", () => {
  it("is 'not in your scope' for the ledger and its export, before anything is read or exported", async () => {
    const outside = { organisationId: lanzhouCounty };
    await expect(findOrgLedger(tsAuditor, outside)).rejects.toThrow("该组织不存在，或不在您的管辖范围内。");
    await expect(exportLedger(tsAuditor, outside)).rejects.toThrow("该组织不存在，或不在您的管辖范围内。");
    const { rows } = await sql.query("SELECT count(*)::int AS n FROM audit_event WHERE action = 'ledger.export' AND actor_id = $1", [tsAuditor.userId]);
    expect(rows[0].n).toBe(0);
  });
});
