// Guards assistance and the ledger (帮扶救助): every refusal (file not open, over the annual cap,
// student not in school, no holder's own account), the cap override with a written reason,
// maker–checker, the append-only ledger enforced by PostgreSQL itself, reversals, idempotency
// under concurrent submission, scope (Lanzhou victim, Tianshui attacker), totals that equal the
// sum of entries, keyset pagination, and batches from rule to paid — also at 10,000 lines.
import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { ZSubmitFilingData, type TFilingFormValues } from "@/lib/filing/schemas";
import { todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount, revealBankAccount } from "@/lib/ledger/bank-accounts";
import { adjustLine, approveBatch, createBatch, rejectBatch, removeLine, restoreLine, submitBatch } from "@/lib/ledger/batches";
import { applyReturnFile } from "@/lib/payments/apply-return-file";
import { paymentFileLines } from "@/lib/payments/produce-payment-file";
import { approveDisbursement, recordDisbursement, recordReversal, rejectDisbursement } from "@/lib/ledger/disbursements";
import { exportLedger } from "@/lib/ledger/export-ledger";
import { findBatches, findBatchLines, getBatch } from "@/lib/ledger/find-batches";
import { findPendingApprovals } from "@/lib/ledger/find-disbursements";
import { findOrgLedger } from "@/lib/ledger/find-org-ledger";
import { householdLedger } from "@/lib/ledger/find-household-ledger";
import {
  ZCreateBatchInput,
  ZRecordBankAccountInput,
  ZRecordDisbursementInput,
  type TCreateBatchFormValues,
  type TRecordDisbursementFormValues,
} from "@/lib/ledger/schemas";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";
import { filingValues } from "../support/filing-factory";
import { insertPayableFiles } from "../support/ledger-fixtures";
import { bankAnswers, returnCsvFile } from "../support/bank-files";

let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzOfficial2: TActor;
let lzAuditor: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let tsAuditor: TActor;
let lanzhouCounty: string;
const today = todayInShanghai();
const year = today.slice(0, 4);
let sql: pg.Client;

let fileSeq = 0;
/**
 * An open file, written directly (the filing workflow has its own tests): complete data as
 * submitted, the columns submitFiling derives, and the approval fields an open file must carry.
 */
async function openFile(organisationId: string, overrides: Partial<TFilingFormValues> = {}, options: { level?: string; status?: string } = {}) {
  fileSeq += 1;
  const data = ZSubmitFilingData.parse(filingValues(organisationId, overrides));
  const holder = data.members[0]!;
  // A file in its observation period carries its exit and the period's end (CHECK household_file_observation).
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at,
       civil_check_result, next_check_due, exit_reason, observation_until)
     VALUES ($1, $2, $3::file_status, $4, $5, $6, $7, $8::file_level, 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $9, $9, now(), $10, now(), now(),
       'CONSISTENT', CURRENT_DATE + 90,
       CASE WHEN $3 = 'OBSERVATION' THEN 'RESOLVED'::exit_reason END, CASE WHEN $3 = 'OBSERVATION' THEN CURRENT_DATE + 365 END) RETURNING id`,
    [
      organisationId,
      `T-${Date.now()}-${fileSeq}`,
      options.status ?? "OPEN",
      JSON.stringify(data),
      holder.name,
      holder.residentId,
      data.members.length,
      options.level ?? data.fileLevel,
      lzCaseworker.userId,
      lzOfficial.userId,
    ],
  );
  return { fileId: rows[0]!.id, data };
}

async function withAccount(actor: TActor, fileId: string, holderName: string) {
  return recordBankAccount(
    actor,
    ZRecordBankAccountInput.parse({ fileId, bankName: "中国农业银行兰州分行", accountNumber: "6228 4800 1234 5678 901", accountHolder: holderName }),
  );
}

/** An open file with the holder's own bank account, ready to receive aid. */
async function payableFile(organisationId = lanzhouCounty, actor = lzCaseworker) {
  const file = await openFile(organisationId);
  await withAccount(actor, file.fileId, file.data.members[0]!.name!);
  return file;
}

function disbursement(fileId: string, overrides: Partial<TRecordDisbursementFormValues> = {}) {
  return ZRecordDisbursementInput.parse({
    idempotencyKey: randomUUID(),
    fileId,
    aidType: "LIVING",
    fundSource: "CENTRAL_SPECIAL",
    amountFen: "1000",
    entryDate: today,
    // These tests record similar aid on purpose; the duplicate check has its own tests (contention.test.ts).
    purpose: "季度生活救助",
    evidence: "",
    studentIndex: "",
    overCapNote: "",
    confirmNotDuplicate: true,
    ...overrides,
  });
}

async function approved(fileId: string, overrides: Partial<TRecordDisbursementFormValues> = {}) {
  const { disbursementId } = await recordDisbursement(lzCaseworker, disbursement(fileId, overrides));
  return approveDisbursement(lzOfficial, { disbursementId });
}

async function sumOfEntries(fileId: string) {
  const { rows } = await sql.query<{ total: string | null }>("SELECT SUM(amount_fen) AS total FROM ledger_entry WHERE file_id = $1", [fileId]);
  return Number(rows[0]!.total ?? 0);
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsCaseworker, tsOfficial, tsAuditor } = await demoActors());
  lzOfficial2 = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
});

afterAll(async () => {
  await sql.end();
});

describe("real name: the holder's own bank account", () => {
  it("refuses an account in another person's name or with a malformed number, and masks it everywhere", async () => {
    const { fileId, data } = await openFile(lanzhouCounty);
    await expect(withAccount(lzCaseworker, fileId, "王某某")).rejects.toThrow("户名须与建档职工本人姓名一致");
    const bad = ZRecordBankAccountInput.safeParse({ fileId, bankName: "农行", accountNumber: "6228-48", accountHolder: "张建华" });
    expect(bad.error?.issues[0]?.message).toBe("银行账号应为 12–30 位数字");
    const saved = await withAccount(lzCaseworker, fileId, data.members[0]!.name!);
    // The entering caseworker gets the full number back once; the household page shows it masked.
    expect(saved.accountNumber).toBe("6228480012345678901");
    expect((await householdLedger(lzOfficial, fileId)).account?.masked).toBe("6228****8901");
  });

  it("reveals the full number only to an auditor in scope, and audits every reveal", async () => {
    const { fileId, data } = await openFile(lanzhouCounty);
    const { bankAccountId } = await withAccount(lzCaseworker, fileId, data.members[0]!.name!);
    await expect(revealBankAccount(lzCaseworker, bankAccountId)).rejects.toThrow("没有权限");
    await expect(revealBankAccount(tsAuditor, bankAccountId)).rejects.toThrow("不在您的管辖范围内");
    expect(await revealBankAccount(lzAuditor, bankAccountId)).toEqual({ accountNumber: "6228480012345678901" });
    const audits = await prisma.auditEvent.count({ where: { action: "ledger.reveal-account-number", entityId: bankAccountId, actorId: lzAuditor.userId } });
    expect(audits).toBe(1);
  });
});

describe("refusals", () => {
  it("refuses aid to a file that is not open (先建档、后帮扶)", async () => {
    const { fileId } = await openFile(lanzhouCounty, {}, { status: "CLOSED" });
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId))).rejects.toThrow("该档案当前状态为“已退档”，不能发放生活救助");
  });

  it("pays a household in its observation period only the aid types that allow it", async () => {
    const { fileId, data } = await openFile(lanzhouCounty, {}, { status: "OBSERVATION" });
    await withAccount(lzCaseworker, fileId, data.members[0]!.name!);
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId))).rejects.toThrow("该档案当前状态为“渐退期”，不能发放生活救助");
    const medical = await recordDisbursement(lzCaseworker, disbursement(fileId, { aidType: "MEDICAL", purpose: "住院自付部分" }));
    expect(medical.repeated).toBe(false);
  });

  it("refuses cash without the holder's own bank account", async () => {
    const { fileId } = await openFile(lanzhouCounty);
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId))).rejects.toThrow("尚未登记建档职工本人的银行账户");
    // 就业帮扶 may carry no cash, and then needs no account.
    const service = await recordDisbursement(lzCaseworker, disbursement(fileId, { aidType: "EMPLOYMENT", amountFen: "0", purpose: "推荐保洁岗位" }));
    expect(service.repeated).toBe(false);
  });

  it("refuses 助学 without a student, or for a member not in school; pays the policy standard per student", async () => {
    const { fileId } = await payableFile();
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId, { aidType: "EDUCATION", amountFen: "6000" }))).rejects.toThrow("助学救助须选择受助学生");
    // Member 1 is the spouse, not in school; member 2 is the daughter in high school.
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId, { aidType: "EDUCATION", amountFen: "6000", studentIndex: "1" }))).rejects.toThrow(
      "李秀英目前不在学",
    );
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId, { aidType: "EDUCATION", amountFen: "6000", studentIndex: "7" }))).rejects.toThrow(
      "不是该档案的家庭成员",
    );
    // 市级 file: 6,000 yuan per student per year.
    await approved(fileId, { aidType: "EDUCATION", amountFen: "6000", studentIndex: "2" });
    await expect(recordDisbursement(lzCaseworker, disbursement(fileId, { aidType: "EDUCATION", amountFen: "0.01", studentIndex: "2" }))).rejects.toThrow(
      "超过年度上限",
    );
  });

  it("refuses an amount over the annual cap, counting approved entries and pending requests of the year", async () => {
    const { fileId } = await payableFile();
    await approved(fileId, { amountFen: "4000" });
    await recordDisbursement(lzCaseworker, disbursement(fileId, { amountFen: "1500" }));
    // 生活救助 cap 6,000 per household: 4,000 approved + 1,500 pending leaves 500.
    const error = await recordDisbursement(lzCaseworker, disbursement(fileId, { amountFen: "500.01" })).catch((e: Error) => e);
    expect((error as Error).message).toContain("已发放及待审批 ¥5,500.00，上限 ¥6,000.00，本次最多可发放 ¥500.00");
    await recordDisbursement(lzCaseworker, disbursement(fileId, { amountFen: "500" }));
    // Last year's aid does not count against this year's cap.
    const lastYear = `${Number(year) - 1}-12-31`;
    await approved(fileId, { amountFen: "6000", entryDate: lastYear });
  });

  it("checks the cap again at approval, and lets an official exceed it only with a written reason, which is recorded", async () => {
    const { fileId } = await payableFile();
    const { disbursementId } = await recordDisbursement(
      lzCaseworker,
      disbursement(fileId, { aidType: "EMERGENCY", amountFen: "3500", overCapNote: "火灾后急需安置" }),
    );
    await expect(approveDisbursement(lzOfficial, { disbursementId })).rejects.toThrow("请填写特批理由");
    const { entryId } = await approveDisbursement(lzOfficial, { disbursementId, capOverrideReason: "房屋失火，经主任办公会研究同意" });
    const entry = await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: entryId } });
    expect(entry).toMatchObject({ amountFen: 350000, capOverrideReason: "房屋失火，经主任办公会研究同意", approvedById: lzOfficial.userId });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "ledger.approve-disbursement", entityId: entryId } });
    expect(audit.detail).toMatchObject({ capOverrideReason: "房屋失火，经主任办公会研究同意" });
  });

  it("refuses approval when the file closed after the request was recorded", async () => {
    const { fileId } = await payableFile();
    const { disbursementId } = await recordDisbursement(lzCaseworker, disbursement(fileId));
    await sql.query("UPDATE household_file SET status = 'CLOSED' WHERE id = $1", [fileId]);
    await expect(approveDisbursement(lzOfficial, { disbursementId })).rejects.toThrow("不能发放生活救助");
    expect(await prisma.ledgerEntry.count({ where: { fileId } })).toBe(0);
  });

  it("gives one of two concurrent requests that together exceed the cap, never both", async () => {
    const { fileId } = await payableFile();
    const results = await Promise.allSettled([0, 1].map(() => recordDisbursement(lzCaseworker, disbursement(fileId, { amountFen: "4000" }))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    // The second either finds the first recorded (and the cap used) or is told at once that the household is being handled.
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message).toMatch(/超过年度上限|正在处理/);
  });
});

describe("maker–checker", () => {
  it("takes effect only when an official other than the recorder approves", async () => {
    const { fileId } = await payableFile();
    const both = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "OFFICIAL"] })).username);
    const { disbursementId } = await recordDisbursement(both, disbursement(fileId));
    expect(await sumOfEntries(fileId)).toBe(0);
    await expect(approveDisbursement(lzCaseworker, { disbursementId })).rejects.toThrow("没有权限");
    await expect(approveDisbursement(both, { disbursementId })).rejects.toThrow("不能审批自己登记的发放");
    await expect(rejectDisbursement(both, { disbursementId, reason: "重复" })).rejects.toThrow("不能退回自己登记的发放");
    await approveDisbursement(lzOfficial, { disbursementId });
    expect(await sumOfEntries(fileId)).toBe(100000);
    // The database refuses it too, whatever the code does.
    const entry = await prisma.ledgerEntry.findFirstOrThrow({ where: { fileId } });
    await expect(
      sql.query(
        `INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, disbursement_id, recorded_by_id, approved_by_id)
         SELECT organisation_id, file_id, aid_type, fund_source, 1, entry_date, 'x', (SELECT id FROM disbursement WHERE id <> $2 LIMIT 1), $1, $1 FROM ledger_entry WHERE id = $2`,
        [both.userId, entry.id],
      ),
    ).rejects.toThrow(/ledger_entry_maker_checker/);
  });

  it("lets only one of two officials decide a request", async () => {
    const { fileId } = await payableFile();
    const { disbursementId } = await recordDisbursement(lzCaseworker, disbursement(fileId));
    const results = await Promise.allSettled([approveDisbursement(lzOfficial, { disbursementId }), approveDisbursement(lzOfficial2, { disbursementId })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.ledgerEntry.count({ where: { disbursementId } })).toBe(1);
    const rejected = await recordDisbursement(lzCaseworker, disbursement(fileId));
    await rejectDisbursement(lzOfficial, { disbursementId: rejected.disbursementId, reason: "金额有误，请重新登记" });
    await expect(approveDisbursement(lzOfficial2, { disbursementId: rejected.disbursementId })).rejects.toThrow("该申请已被处理（已退回）");
  });
});

describe("the append-only ledger", () => {
  it("refuses UPDATE, DELETE and TRUNCATE in PostgreSQL itself, even to the tables' owner", async () => {
    const { fileId } = await payableFile();
    const { entryId } = await approved(fileId);
    // The application role has no such privilege at all (app-role.test.ts); the owner meets the triggers.
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    onTestFinished(() => owner.end());
    await expect(owner.query("UPDATE ledger_entry SET amount_fen = 1 WHERE id = $1", [entryId])).rejects.toThrow(
      "ledger_entry is append-only: UPDATE is not allowed",
    );
    await expect(owner.query("DELETE FROM ledger_entry WHERE id = $1", [entryId])).rejects.toThrow("ledger_entry is append-only: DELETE is not allowed");
    await expect(owner.query("TRUNCATE ledger_entry CASCADE")).rejects.toThrow("append-only");
    await expect(sql.query("UPDATE ledger_entry SET amount_fen = 1 WHERE id = $1", [entryId])).rejects.toThrow("permission denied");
    expect(await sumOfEntries(fileId)).toBe(100000);
  });

  it("corrects a mistake with a reversing entry that references the original, approved like any entry", async () => {
    const { fileId } = await payableFile();
    const { entryId } = await approved(fileId, { amountFen: "800" });
    const reversal = await recordReversal(lzCaseworker, { idempotencyKey: randomUUID(), entryId, entryDate: today, reason: "金额录入错误，应为 600 元" });
    expect(await sumOfEntries(fileId)).toBe(80000);
    await expect(recordReversal(lzCaseworker, { idempotencyKey: randomUUID(), entryId, entryDate: today, reason: "再次冲正" })).rejects.toThrow(
      "已有待审批的冲正申请",
    );
    const { entryId: reversingId } = await approveDisbursement(lzOfficial, { disbursementId: reversal.disbursementId });
    const reversing = await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: reversingId } });
    expect(reversing).toMatchObject({ amountFen: -80000, reversesEntryId: entryId, reason: "金额录入错误，应为 600 元" });
    expect(await sumOfEntries(fileId)).toBe(0);
    await expect(recordReversal(lzCaseworker, { idempotencyKey: randomUUID(), entryId, entryDate: today, reason: "再次冲正" })).rejects.toThrow("已经冲正");
    await expect(recordReversal(lzCaseworker, { idempotencyKey: randomUUID(), entryId: reversingId, entryDate: today, reason: "冲正冲正" })).rejects.toThrow(
      "冲正记录不能再冲正",
    );
    // The cap counts net of reversals: the full 6,000 is available again.
    await approved(fileId, { amountFen: "6000" });
    // A reversal that does not negate its original is refused by the database.
    await expect(
      sql.query(
        `INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, disbursement_id, reverses_entry_id, reason, recorded_by_id, approved_by_id)
         SELECT organisation_id, file_id, aid_type, fund_source, -1, entry_date, 'x', $2, id, '错误', $3, $4 FROM ledger_entry
          WHERE file_id = $1 AND amount_fen = 600000`,
        [fileId, reversal.disbursementId, lzCaseworker.userId, lzOfficial.userId],
      ),
    ).rejects.toThrow("a reversal must negate its original entry exactly");
  });
});

describe("no double payment", () => {
  it("creates one request from N parallel submissions with the same key, and every one returns it", async () => {
    const { fileId } = await payableFile();
    const input = disbursement(fileId, { amountFen: "2000" });
    const results = await Promise.all(Array.from({ length: 8 }, () => recordDisbursement(lzCaseworker, input)));
    expect(new Set(results.map((r) => r.disbursementId)).size).toBe(1);
    expect(results.filter((r) => !r.repeated)).toHaveLength(1);
    expect(await prisma.disbursement.count({ where: { fileId } })).toBe(1);
    // A retry after it was approved still returns the first, and pays nothing more.
    await approveDisbursement(lzOfficial, { disbursementId: results[0]!.disbursementId });
    expect(await recordDisbursement(lzCaseworker, input)).toEqual({ disbursementId: results[0]!.disbursementId, repeated: true });
    expect(await sumOfEntries(fileId)).toBe(200000);
  });

  it("makes the key unique in the database", async () => {
    const { fileId } = await payableFile();
    const input = disbursement(fileId);
    const { disbursementId } = await recordDisbursement(lzCaseworker, input);
    await expect(
      sql.query(
        `INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id)
         SELECT idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id FROM disbursement WHERE id = $1`,
        [disbursementId],
      ),
    ).rejects.toThrow(/disbursement_idempotency_key_key/);
  });
});

describe("scope: a Tianshui user and a Lanzhou household", () => {
  it("cannot see, record, approve or reverse anything of another city", async () => {
    const { fileId, data } = await payableFile();
    const { disbursementId } = await recordDisbursement(lzCaseworker, disbursement(fileId));
    await expect(recordDisbursement(tsCaseworker, disbursement(fileId))).rejects.toThrow("不在您的管辖范围内");
    await expect(withAccount(tsCaseworker, fileId, data.members[0]!.name!)).rejects.toThrow("不在您的管辖范围内");
    await expect(approveDisbursement(tsOfficial, { disbursementId })).rejects.toThrow("不在您的管辖范围内");
    await expect(householdLedger(tsAuditor, fileId)).rejects.toThrow("不在您的管辖范围内");
    const { entryId } = await approveDisbursement(lzOfficial, { disbursementId });
    await expect(recordReversal(tsCaseworker, { idempotencyKey: randomUUID(), entryId, entryDate: today, reason: "越权冲正" })).rejects.toThrow(
      "不在您的管辖范围内",
    );
    const tsLedger = await findOrgLedger(tsAuditor, {});
    expect(tsLedger.rows.some((r) => r.fileId === fileId)).toBe(false);
    await expect(findOrgLedger(tsAuditor, { organisationId: lanzhouCounty })).rejects.toThrow("不在您的管辖范围内");
    await expect(createBatch(tsCaseworker, batchInput(lanzhouCounty))).rejects.toThrow("不在您的管辖范围内");
  });
});

describe("totals equal the sum of entries", () => {
  it("holds after a random mix of entries and reversals, per household and for the organisation", async () => {
    const files = [await payableFile(), await payableFile(), await payableFile()];
    const before = await findOrgLedger(lzAuditor, { organisationId: lanzhouCounty });
    let expected = 0;
    const entries: Array<{ id: string; fen: number }> = [];
    let seed = 20260101;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 24; i++) {
      const file = files[Math.floor(random() * files.length)]!;
      if (entries.length > 0 && random() < 0.3) {
        const victim = entries.splice(Math.floor(random() * entries.length), 1)[0]!;
        const r = await recordReversal(lzCaseworker, { idempotencyKey: randomUUID(), entryId: victim.id, entryDate: today, reason: "随机冲正" });
        await approveDisbursement(lzOfficial, { disbursementId: r.disbursementId });
        expected -= victim.fen;
      } else {
        const fen = 1 + Math.floor(random() * 20000);
        const aidType = (["MEDICAL", "EMERGENCY", "WARMTH"] as const)[i % 3];
        const result = await recordDisbursement(lzCaseworker, disbursement(file.fileId, { aidType, amountFen: (fen / 100).toFixed(2) }));
        const { entryId } = await approveDisbursement(lzOfficial, { disbursementId: result.disbursementId });
        entries.push({ id: entryId, fen });
        expected += fen;
      }
    }
    let householdSum = 0;
    for (const file of files) {
      const ledger = await householdLedger(lzCaseworker, file.fileId);
      const fromTotals = ledger.totals.reduce((n, t) => n + t.totalFen, 0);
      expect(fromTotals).toBe(await sumOfEntries(file.fileId));
      expect(fromTotals).toBe(ledger.entries.reduce((n, e) => n + e.amountFen, 0));
      householdSum += fromTotals;
    }
    expect(householdSum).toBe(expected);
    const after = await findOrgLedger(lzAuditor, { organisationId: lanzhouCounty });
    expect(after.totalFen! - before.totalFen!).toBe(expected);
    // The totals line reads the trigger-maintained daily totals; they must equal the entries exactly.
    const {
      rows: [fromEntries],
    } = await sql.query<{ n: string; fen: string }>("SELECT count(*) AS n, sum(amount_fen) AS fen FROM ledger_entry");
    const {
      rows: [fromDaily],
    } = await sql.query<{ n: string; fen: string }>("SELECT sum(entries) AS n, sum(total_fen) AS fen FROM ledger_daily_total");
    expect(fromDaily).toEqual(fromEntries);
    const {
      rows: [county],
    } = await sql.query<{ n: string; fen: string }>(
      `SELECT count(*) AS n, coalesce(sum(e.amount_fen), 0) AS fen FROM ledger_entry e JOIN organisation o ON o.id = e.organisation_id
        WHERE o.path LIKE (SELECT path FROM organisation WHERE id = $1) || '%'`,
      [lanzhouCounty],
    );
    expect({ n: String(after.count), fen: String(after.totalFen) }).toEqual(county);
  });

  it("pages the organisation's ledger by keyset: every entry once, newest first", async () => {
    const filters = { organisationId: lanzhouCounty };
    const seen: string[] = [];
    let cursor: string | undefined;
    let page = await findOrgLedger(lzAuditor, filters);
    for (;;) {
      seen.push(...page.rows.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
      page = await findOrgLedger(lzAuditor, filters, { after: cursor });
    }
    expect(seen.length).toBe(page.count);
    expect(new Set(seen).size).toBe(seen.length);
    const exported: string[] = [];
    for await (const row of await exportLedger(lzAuditor, filters)) exported.push(row.id);
    expect(exported).toEqual(seen);
    // Filters narrow the rows and the totals alike.
    const medical = await findOrgLedger(lzAuditor, { ...filters, aidType: "MEDICAL", min: 100 });
    expect(medical.rows.every((r) => r.aidType === "MEDICAL" && r.amountFen >= 100)).toBe(true);
    await expect(exportLedger(lzCaseworker, filters)).rejects.toThrow("没有权限");
  });
});

function batchInput(organisationId: string, overrides: Partial<TCreateBatchFormValues> = {}) {
  return ZCreateBatchInput.parse({
    idempotencyKey: randomUUID(),
    name: `${year} 元旦春节送温暖`,
    aidType: "WARMTH",
    fundSource: "WARMTH_FUND",
    standardAmountFen: "500",
    entryDate: today,
    purpose: "元旦春节慰问",
    organisationId,
    tiers: [],
    fileLevels: [],
    ...overrides,
  });
}

describe("batches (批量发放)", () => {
  it("goes from rule to paid: eligible files listed, lines removed and adjusted with a reason, maker–checker, entries on approval", async () => {
    const county = (await orgByCode("GSLZQLH")).id;
    const payable = [await payableFile(county), await payableFile(county)];
    const noAccount = await openFile(county);
    const closed = await openFile(county, {}, { status: "CLOSED" });
    const { batchId, lineCount } = await createBatch(lzCaseworker, batchInput(county));
    expect(lineCount).toBe(3);
    const removed = await findBatchLines(lzCaseworker, batchId, { removed: true, page: 1 });
    expect(removed.rows).toEqual([expect.objectContaining({ fileId: noAccount.fileId, removedReason: "未登记本人银行账户（实名制）" })]);
    expect((await findBatchLines(lzCaseworker, batchId, { removed: false, page: 1 })).rows.map((r) => r.fileId).sort()).toEqual(
      payable.map((p) => p.fileId).sort(),
    );
    expect(removed.rows.some((r) => r.fileId === closed.fileId)).toBe(false);

    let batch = await getBatch(lzCaseworker, batchId);
    expect(batch).toMatchObject({ includedLines: 2, totalFen: 100000, removedLines: 1 });
    // The review page's 名单 column and the batch list read the count and total batch_line's triggers
    // keep (0043, 0063), not batch_line.
    const keptCount = async () => (await sql.query<{ n: number }>("SELECT line_count AS n FROM disbursement_batch WHERE id = $1", [batchId])).rows[0]!.n;
    const listed = async () => (await findBatches(lzCaseworker, 1)).rows.find((b) => b.id === batchId);
    expect(await keptCount()).toBe(2);
    expect(await listed()).toMatchObject({ lines: 2, totalFen: 100000 });
    const [first, second] = (await findBatchLines(lzCaseworker, batchId, { removed: false, page: 1 })).rows;
    await expect(adjustLine(lzCaseworker, { batchId, expectedVersion: batch.version, lineId: first!.id, amountFen: 100001, reason: "超标" })).rejects.toThrow(
      "超过年度上限",
    );
    await adjustLine(lzCaseworker, { batchId, expectedVersion: batch.version, lineId: first!.id, amountFen: 80000, reason: "家中新增重病患者" });
    await expect(removeLine(lzCaseworker, { batchId, expectedVersion: batch.version, lineId: second!.id, reason: "旧版本" })).rejects.toThrow("已被他人处理");
    batch = await getBatch(lzCaseworker, batchId);
    await removeLine(lzCaseworker, { batchId, expectedVersion: batch.version, lineId: second!.id, reason: "本月已另行慰问" });
    expect(await keptCount()).toBe(1);
    expect(await listed()).toMatchObject({ lines: 1, totalFen: 80000 });
    batch = await getBatch(lzCaseworker, batchId);
    await restoreLine(lzCaseworker, { batchId, expectedVersion: batch.version, lineId: second!.id });
    expect(await keptCount()).toBe(2);
    batch = await getBatch(lzCaseworker, batchId);
    expect(batch).toMatchObject({ includedLines: 2, totalFen: 130000 });
    expect(batch.organisations).toEqual([expect.objectContaining({ lines: 2, totalFen: 130000 })]);
    expect(await listed()).toMatchObject({ lines: 2, totalFen: 130000 });

    await submitBatch(lzCaseworker, { batchId, expectedVersion: batch.version });
    batch = await getBatch(lzOfficial, batchId);
    await rejectBatch(lzOfficial, { batchId, expectedVersion: batch.version, reason: "请核对名单" });
    batch = await getBatch(lzCaseworker, batchId);
    expect(batch).toMatchObject({ status: "DRAFT", rejectionReason: "请核对名单" });
    await submitBatch(lzCaseworker, { batchId, expectedVersion: batch.version });
    batch = await getBatch(lzOfficial, batchId);
    expect((await findPendingApprovals(lzOfficial)).submittedBatches.find((b) => b.id === batchId)?.lines).toBe(2);
    const both = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "OFFICIAL"] })).username);
    const own = await createBatch(both, batchInput(county, { name: "自编批次" }));
    const ownBatch = await getBatch(both, own.batchId);
    await submitBatch(both, { batchId: own.batchId, expectedVersion: ownBatch.version });
    await expect(approveBatch(both, { batchId: own.batchId, expectedVersion: ownBatch.version + 1 })).rejects.toThrow("不能审批自己编制或提交的批次");
    await expect(approveBatch(tsOfficial, { batchId, expectedVersion: batch.version })).rejects.toThrow("不在您的管辖范围内");

    // Two officials approve at once: one wins, and the entries exist once.
    const results = await Promise.allSettled([
      approveBatch(lzOfficial, { batchId, expectedVersion: batch.version }),
      approveBatch(lzOfficial2, { batchId, expectedVersion: batch.version }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const entries = await prisma.ledgerEntry.findMany({ where: { batchLine: { batchId } } });
    expect(entries.map((e) => e.amountFen).sort()).toEqual([50000, 80000]);
    expect(entries.every((e) => e.recordedById === lzCaseworker.userId && e.fundSource === "WARMTH_FUND")).toBe(true);
    // 已发放 is not a click: the batch waits for the bank's return file, which only an official other than the maker confirms.
    expect((await getBatch(lzOfficial, batchId)).status).toBe("APPROVED");
    // Approval wrote the lines' payment status: an update that removes no line leaves the count.
    expect((await findPendingApprovals(lzOfficial)).approvedBatches.find((b) => b.id === batchId)?.lines).toBe(2);
    expect((await prisma.batchLine.findMany({ where: { batchId, removed: false } })).map((l) => l.paymentStatus)).toEqual(["WAITING", "WAITING"]);
    const answer = returnCsvFile(bankAnswers((await paymentFileLines(lzOfficial, batchId)).payable));
    const sha = createHash("sha256")
      .update(Buffer.from(await answer.arrayBuffer()))
      .digest("hex");
    await expect(applyReturnFile(lzCaseworker, { batchId, file: answer, expectedSha256: sha })).rejects.toThrow("没有权限");
    await applyReturnFile(lzOfficial, { batchId, file: answer, expectedSha256: sha });
    expect((await getBatch(lzOfficial, batchId)).status).toBe("PAID");
    // A household already given 1,000 this year is listed as over the cap in the next batch.
    const again = await createBatch(lzCaseworker, batchInput(county, { standardAmountFen: "500" }));
    const overCap = (await findBatchLines(lzCaseworker, again.batchId, { removed: true, page: 1 })).rows.find((r) => r.fileId === first!.fileId);
    expect(overCap?.removedReason).toMatch(/^超过年度上限：本年已发放及待审批 ¥800\.00，上限 ¥1,000\.00$/);
  });

  it("builds one line per in-school student for 助学 at the policy standard of the file level", async () => {
    const county = (await orgByCode("GSLZXG")).id;
    const file = await openFile(county, {}, { level: "PROVINCE" });
    await withAccount(lzCaseworker, file.fileId, file.data.members[0]!.name!);
    const { batchId } = await createBatch(
      lzCaseworker,
      batchInput(county, { aidType: "EDUCATION", fundSource: "CENTRAL_SPECIAL", standardAmountFen: "", name: "金秋助学" }),
    );
    const lines = await findBatchLines(lzCaseworker, batchId, { removed: false, page: 1 });
    expect(lines.rows).toEqual([expect.objectContaining({ fileId: file.fileId, amountFen: 630000, student: expect.stringContaining("张小雨") })]);
  });

  it("keeps on each line the tier and file level the batch was built from", async () => {
    const county = (await orgByCode("GSLZXG")).id;
    const file = await payableFile(county);
    const { batchId } = await createBatch(lzCaseworker, batchInput(county, { name: "类别快照" }));
    // The household's tier changes after the list was drawn up (e.g. an approved tier change).
    await sql.query(`UPDATE household_file SET tier = 'RELATIVE', file_level = 'PROVINCE' WHERE id = $1`, [file.fileId]);
    const line = (await findBatchLines(lzCaseworker, batchId, { removed: false, page: 1 })).rows.find((r) => r.fileId === file.fileId);
    expect(line).toMatchObject({ tier: "DEEP", fileLevel: file.data.fileLevel });
  });

  it("returns the first batch when the same build is submitted twice", async () => {
    const county = (await orgByCode("GSLZXG")).id;
    const input = batchInput(county, { name: "重复提交" });
    const results = await Promise.all([createBatch(lzCaseworker, input), createBatch(lzCaseworker, input)]);
    expect(results[0]!.batchId).toBe(results[1]!.batchId);
    expect(await prisma.disbursementBatch.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("locks the batch's files before it checks their caps: an approval waits while another transaction holds one of them", async () => {
    const county = (await orgByCode("GSLZXG")).id;
    const file = await payableFile(county);
    const { batchId } = await createBatch(lzCaseworker, batchInput(county, { name: "审批锁定档案" }));
    await submitBatch(lzCaseworker, { batchId, expectedVersion: (await getBatch(lzCaseworker, batchId)).version });
    const batch = await getBatch(lzOfficial, batchId);
    // FOR SHARE conflicts with the approval's FOR NO KEY UPDATE of the files, not with the key-share
    // locks its foreign-key checks take: only the lock of the files makes the approval wait here.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    onTestFinished(() => other.end());
    await other.query("BEGIN");
    await other.query("SELECT id FROM household_file WHERE id = $1 FOR SHARE", [file.fileId]);
    let settled = false;
    const approval = approveBatch(lzOfficial, { batchId, expectedVersion: batch.version }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(settled).toBe(false);
    await other.query("COMMIT");
    const { entries } = await approval;

    // Each included line now waits for the bank and has exactly its entry; removed lines have neither.
    const { rows } = await sql.query<{ removed: boolean; lines: number; waiting: number; entries: number; file_paid: boolean }>(
      `SELECT l.removed, count(*)::int AS lines, count(*) FILTER (WHERE l.payment_status = 'WAITING')::int AS waiting, count(e.id)::int AS entries,
              bool_or(l.file_id = $2 AND e.amount_fen = l.amount_fen) AS file_paid
         FROM batch_line l LEFT JOIN ledger_entry e ON e.batch_line_id = l.id WHERE l.batch_id = $1 GROUP BY l.removed`,
      [batchId, file.fileId],
    );
    const included = rows.find((r) => !r.removed)!;
    expect(included).toMatchObject({ lines: entries, waiting: entries, entries, file_paid: true });
    expect(rows.find((r) => r.removed) ?? { waiting: 0, entries: 0 }).toMatchObject({ waiting: 0, entries: 0 });
  });

  it("builds and approves 10,000 lines in seconds", async () => {
    const grassroots = await orgByCode("GSTSMJ01");
    await insertPayableFiles(sql, { organisationId: grassroots.id, count: 10_000, caseworkerId: tsCaseworker.userId, officialId: tsOfficial.userId });
    let started = Date.now();
    const { batchId, lineCount } = await createBatch(tsCaseworker, batchInput(grassroots.id, { fundSource: "UNION_FUNDS" }));
    const buildMs = Date.now() - started;
    expect(lineCount).toBe(10_000);
    let batch = await getBatch(tsCaseworker, batchId);
    expect(batch).toMatchObject({ includedLines: 10_000, totalFen: 10_000 * 50_000 });
    await submitBatch(tsCaseworker, { batchId, expectedVersion: batch.version });
    batch = await getBatch(tsOfficial, batchId);
    started = Date.now();
    const { entries } = await approveBatch(tsOfficial, { batchId, expectedVersion: batch.version });
    const approveMs = Date.now() - started;
    expect(entries).toBe(10_000);
    const ledger = await findOrgLedger(tsAuditor, { organisationId: grassroots.id });
    expect(ledger).toMatchObject({ count: 10_000, totalFen: 10_000 * 50_000 });
    // Timing is reported, not asserted: speed targets live in npm run bench / bench:ledger.
    console.log(`10,000-line batch: built in ${buildMs} ms, approved in ${approveMs} ms`);

    // Keyset paging both ways over the 10,000 entries: back from page 3 gives pages 2 and 1 again.
    const filters = { organisationId: grassroots.id };
    const forward = [ledger];
    for (let i = 0; i < 2; i++) forward.push(await findOrgLedger(tsAuditor, filters, { after: forward.at(-1)!.nextCursor! }));
    expect(forward[0]!.prevCursor).toBeNull();
    const back2 = await findOrgLedger(tsAuditor, filters, { before: forward[2]!.prevCursor! });
    expect(back2.rows.map((r) => r.id)).toEqual(forward[1]!.rows.map((r) => r.id));
    const back1 = await findOrgLedger(tsAuditor, filters, { before: back2.prevCursor! });
    expect(back1.rows.map((r) => r.id)).toEqual(forward[0]!.rows.map((r) => r.id));
    expect(back1.prevCursor).toBeNull();
    expect(back1.nextCursor).toBe(forward[0]!.nextCursor);
  });
});
