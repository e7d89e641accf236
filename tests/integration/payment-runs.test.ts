// Guards payment runs (代发汇总, issue 23 §2–§3 for single disbursements): only approved single
// payments to a real-name account, paid by the union from the fund and not yet in a run, are
// grouped; another city and a wrong role are refused; the run's payment file is byte-identical when
// produced again and audited with its SHA-256; a bad return file writes nothing; a return file
// with one failed payment marks the others 已到账 and reverses the failed one in the ledger (银行退回)
// in the same transaction; the returned payment shows in 发放退回待处理 and is closed with a reason.
// Victim Lanzhou, attacker Tianshui.
import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { applyRunReturnFile, previewRunReturnFile } from "@/lib/payments/apply-run-return-file";
import { closeReturnedDisbursement } from "@/lib/payments/close-returned-disbursement";
import { createPaymentRun } from "@/lib/payments/create-payment-run";
import { findPaymentRuns, getPaymentRun } from "@/lib/payments/find-payment-runs";
import { findReturnedDisbursements } from "@/lib/payments/find-returned-disbursements";
import { produceRunPaymentFile, runPaymentFileLines } from "@/lib/payments/produce-run-payment-file";
import { reconcileBatches } from "@/lib/payments/reconcile";
import { todayInShanghai } from "@/lib/format/datetime";
import { findWorkbench } from "@/lib/workbench/find-workbench";
import { readXlsx } from "@/lib/xlsx/read-xlsx";
import { bankAnswers, returnCsvFile } from "../support/bank-files";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzOfficial2: TActor;
let lzAuditor: TActor;
let tsOfficial: TActor;
let sql: pg.Client;
let cityId: string;
let runId: string;
const ids: Record<string, string> = {};

const sha = async (file: File) =>
  createHash("sha256")
    .update(Buffer.from(await file.arrayBuffer()))
    .digest("hex");

/** An approved single payment (ledger entry paid by lzOfficial's city) to the household's account n (622848000000000n), or to none. */
async function approvedSingle(n: number, amountFen: number, options: { fund?: "WARMTH_FUND" | "UNION_FUNDS"; withAccount?: boolean } = {}) {
  const {
    rows: [file],
  } = await sql.query<{ id: string; organisation_id: string; account_id: string }>(
    `SELECT f.id, f.organisation_id, a.id AS account_id FROM household_file f JOIN bank_account a ON a.file_id = f.id WHERE a.account_number = $1`,
    [`62284800000000000${n}`],
  );
  const { disbursementId } = await insertApprovedPayment(sql, {
    fileId: file!.id,
    organisationId: file!.organisation_id,
    aidType: "WARMTH",
    fundSource: options.fund ?? "WARMTH_FUND",
    amountFen,
    purpose: "春节慰问（单笔）",
    recordedById: lzCaseworker.userId,
    approvedById: lzOfficial.userId,
  });
  if (options.withAccount !== false) await sql.query(`UPDATE disbursement SET bank_account_id = $2 WHERE id = $1`, [disbursementId, file!.account_id]);
  return disbursementId;
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsOfficial } = await demoActors());
  lzOfficial2 = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  cityId = (await orgByCode("GSLZ")).id;
  const grassroots = (await orgByCode("GSLZQLH01")).id;
  // Households 批量1…6 with accounts 622848000000000001…6; account 4 is then put in another person's name.
  await insertPayableFiles(sql, { organisationId: grassroots, count: 6, caseworkerId: lzCaseworker.userId, officialId: lzOfficial.userId });
  await sql.query(`UPDATE bank_account SET account_holder = '李四' WHERE account_number = '622848000000000004'`);
  ids.one = await approvedSingle(1, 30000);
  ids.two = await approvedSingle(2, 45000);
  ids.three = await approvedSingle(3, 60000);
  ids.notRealName = await approvedSingle(4, 10000);
  ids.noAccount = await approvedSingle(5, 10000, { withAccount: false });
  ids.otherFund = await approvedSingle(6, 10000, { fund: "UNION_FUNDS" });
});

afterAll(async () => {
  await sql.end();
});

describe("grouping approved single payments (代发汇总)", () => {
  it("refuses a wrong role and another city, writing nothing", async () => {
    await expect(createPaymentRun(lzAuditor, { organisationId: cityId, fundSource: "WARMTH_FUND", name: "一月代发" })).rejects.toThrow("没有权限");
    await expect(createPaymentRun(tsOfficial, { organisationId: cityId, fundSource: "WARMTH_FUND", name: "一月代发" })).rejects.toThrow("不在您的管辖范围内");
    expect(await prisma.paymentRun.count()).toBe(0);
  });

  it("takes only approved payments of the fund to a real-name account, once", async () => {
    const made = await createPaymentRun(lzOfficial, { organisationId: cityId, fundSource: "WARMTH_FUND", name: "2027年1月送温暖单笔代发" });
    runId = made.runId;
    expect(made).toMatchObject({ lines: 3, totalFen: 135000 });
    const { rows } = await sql.query<{ id: string; payment_run_id: string | null; payment_status: string | null }>(
      `SELECT id, payment_run_id, payment_status FROM disbursement`,
    );
    const inRun = rows
      .filter((r) => r.payment_run_id === runId)
      .map((r) => r.id)
      .sort();
    expect(inRun).toEqual([ids.one, ids.two, ids.three].sort());
    expect(rows.filter((r) => r.payment_run_id === runId).every((r) => r.payment_status === "WAITING")).toBe(true);
    expect(rows.find((r) => r.id === ids.notRealName)!.payment_status).toBeNull();
    await expect(createPaymentRun(lzOfficial2, { organisationId: cityId, fundSource: "WARMTH_FUND", name: "再汇总" })).rejects.toThrow(
      "没有待汇总的送温暖资金单笔发放",
    );
    // The database keeps a payment in a run with an outcome, and an outcome only in a run, whatever the code does.
    await expect(sql.query(`UPDATE disbursement SET payment_status = NULL WHERE id = $1`, [ids.one])).rejects.toThrow("disbursement_payment_run");
    await expect(sql.query(`UPDATE disbursement SET payment_status = 'WAITING' WHERE id = $1`, [ids.notRealName])).rejects.toThrow("disbursement_payment_run");
    expect(await prisma.auditEvent.count({ where: { action: "payments.create-run", entityId: runId } })).toBe(1);
    const page = await findPaymentRuns(lzAuditor, { page: 1 });
    expect(page.rows.map((r) => [r.name, r.counts.WAITING, r.counts.totalFen])).toEqual([["2027年1月送温暖单笔代发", 3, 135000]]);
    expect((await findPaymentRuns(tsOfficial, { page: 1 })).total).toBe(0);
  });
});

describe("the run's payment file and return file", () => {
  it("gives identical bytes twice, audited with the SHA-256, in the default layout", async () => {
    const first = await produceRunPaymentFile(lzCaseworker, { runId });
    const again = await produceRunPaymentFile(lzOfficial, { runId });
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(first).toMatchObject({ lines: 3, totalFen: 135000, notPayable: [] });
    const [sheet] = await readXlsx(first.bytes);
    const cells = sheet!.rows.map((r) => r.cells.map((c) => c.text));
    expect(
      cells
        .slice(1, 4)
        .map((r) => [r[1], r[4]])
        .sort(),
    ).toEqual([
      ["批量1", "300"],
      ["批量2", "450"],
      ["批量3", "600"],
    ]);
    expect(cells[4]).toEqual(["合计", "共3笔", "", "", "1350"]);
    const audits = await prisma.auditEvent.findMany({ where: { action: "payments.produce-run-file", entityId: runId } });
    expect(audits.map((a) => (a.detail as { sha256: string }).sha256)).toEqual([first.sha256, first.sha256]);
    await expect(produceRunPaymentFile(tsOfficial, { runId })).rejects.toThrow("不在您的管辖范围内");
  });

  it("refuses a bad return file and writes nothing", async () => {
    const { payable } = await runPaymentFileLines(lzOfficial2, runId);
    const answers = bankAnswers(payable);
    const entriesBefore = await prisma.ledgerEntry.count();
    // A total row that does not equal its lines.
    const short = returnCsvFile(answers, { total: "1000.00" });
    await expect(previewRunReturnFile(lzOfficial2, { runId, file: short })).rejects.toThrow("合计金额");
    await expect(applyRunReturnFile(lzOfficial2, { runId, file: short, expectedSha256: await sha(short) })).rejects.toThrow("未写入任何数据");
    // Another run's (or batch's) reference.
    const foreign = returnCsvFile([{ ...answers[0]!, reference: "BF0000000000" + "00001" }]);
    await expect(applyRunReturnFile(lzOfficial2, { runId, file: foreign, expectedSha256: await sha(foreign) })).rejects.toThrow("这不是本批次的回盘文件");
    expect(await prisma.ledgerEntry.count()).toBe(entriesBefore);
    expect(await prisma.paymentRunReturn.count()).toBe(0);
    expect(await prisma.disbursement.count({ where: { paymentRunId: runId, paymentStatus: "WAITING" } })).toBe(3);
  });

  it("applies one failed payment: the others 已到账, the failed one 退回 with a 银行退回 reversal of its entry", async () => {
    const { payable } = await runPaymentFileLines(lzOfficial2, runId);
    const failed = payable.find((l) => l.name === "批量2")!;
    const file = returnCsvFile(bankAnswers(payable, { [failed.reference]: "账户已销户" }), { total: "1350.00" });
    const preview = await previewRunReturnFile(lzOfficial2, { runId, file });
    expect(preview).toMatchObject({
      matched: 3,
      unmatched: 0,
      mismatched: 0,
      paidLines: 2,
      paidFen: 90000,
      returnedLines: 1,
      returnedFen: 45000,
      canApply: true,
    });
    expect(await prisma.paymentRunReturn.count()).toBe(0);
    // The official who grouped the run does not confirm its return.
    await expect(applyRunReturnFile(lzOfficial, { runId, file, expectedSha256: preview.sha256 })).rejects.toThrow("不能确认自己汇总的代发回盘");
    await expect(applyRunReturnFile(lzOfficial2, { runId, file, expectedSha256: preview.sha256 })).resolves.toMatchObject({ paidLines: 2, returnedLines: 1 });

    const statuses = Object.fromEntries(
      (await prisma.disbursement.findMany({ where: { paymentRunId: runId }, select: { id: true, paymentStatus: true, paymentReason: true } })).map((d) => [
        d.id,
        [d.paymentStatus, d.paymentReason],
      ]),
    );
    expect(statuses).toEqual({ [ids.one!]: ["PAID", null], [ids.two!]: ["RETURNED", "账户已销户"], [ids.three!]: ["PAID", null] });
    const original = await prisma.ledgerEntry.findUniqueOrThrow({
      where: { disbursementId: ids.two },
      select: {
        id: true,
        reversedBy: { select: { amountFen: true, reversalKind: true, reason: true, disbursementId: true, batchLineId: true, approvedById: true } },
      },
    });
    expect(original.reversedBy).toEqual({
      amountFen: -45000,
      reversalKind: "BANK_RETURN",
      reason: "银行退回：账户已销户",
      disbursementId: null,
      batchLineId: null,
      approvedById: lzOfficial2.userId,
    });
    expect((await getPaymentRun(lzAuditor, runId)).counts).toEqual({ WAITING: 0, PAID: 2, RETURNED: 1, CLOSED: 0, totalFen: 135000 });
    await expect(applyRunReturnFile(lzOfficial2, { runId, file, expectedSha256: preview.sha256 })).rejects.toThrow();
    expect(await prisma.ledgerEntry.count({ where: { reversalKind: "BANK_RETURN" } })).toBe(1);
  });

  it("shows the returned payment in 发放退回待处理, where a caseworker closes it with a reason", async () => {
    const bankReturned = async (actor: TActor) => (await findWorkbench(actor)).sections.flatMap((x) => x.items).find((i) => i.key === "bank-returned")!.count;
    expect(await bankReturned(lzCaseworker)).toBe(1);
    const returned = await findReturnedDisbursements(lzCaseworker, { page: 1 });
    expect(returned.rows.map((r) => [r.holderName, r.amountFen, r.reason, r.runName])).toEqual([["批量2", 45000, "账户已销户", "2027年1月送温暖单笔代发"]]);
    expect((await findReturnedDisbursements(tsOfficial, { page: 1 })).total).toBe(0);
    await expect(closeReturnedDisbursement(tsOfficial, { disbursementId: ids.two!, reason: "x" })).rejects.toThrow("没有权限");
    await closeReturnedDisbursement(lzCaseworker, { disbursementId: ids.two!, reason: "已按新账户重新申请发放" });
    await expect(closeReturnedDisbursement(lzCaseworker, { disbursementId: ids.two!, reason: "再关" })).rejects.toThrow("已不是“退回”状态");
    expect((await findReturnedDisbursements(lzCaseworker, { page: 1 })).total).toBe(0);
    expect(await bankReturned(lzCaseworker)).toBe(0);
    const closed = await prisma.disbursement.findUniqueOrThrow({ where: { id: ids.two }, select: { paymentStatus: true, paymentReason: true } });
    expect(closed).toEqual({ paymentStatus: "CLOSED", paymentReason: "账户已销户；关闭：已按新账户重新申请发放" });
  });

  it("is reconciled beside the batches: approved − returned = paid, the ledger and the return file agree", async () => {
    const today = todayInShanghai();
    const recon = await reconcileBatches(lzAuditor, { from: today, to: today });
    expect(
      recon.map((r) => [
        r.name,
        r.approvedFen,
        r.returnedFen,
        r.paidFen,
        r.waitingFen,
        r.ledgerNetFen,
        r.returnFilePaidFen,
        r.returnFileReturnedFen,
        r.differences.length,
      ]),
    ).toEqual([["代发汇总：2027年1月送温暖单笔代发", 135000, 45000, 90000, 0, 90000, 90000, 45000, 0]]);
    expect(await reconcileBatches(tsOfficial, { from: today, to: today })).toEqual([]);
  });

  it("lists a paid payment whose entry was reversed as a difference, and counts it when the list is capped", async () => {
    const today = todayInShanghai();
    const paid = await prisma.disbursement.findFirstOrThrow({
      where: { paymentRunId: { not: null }, paymentStatus: "PAID" },
      include: { ledgerEntry: true, file: true },
      orderBy: { id: "asc" },
    });
    // An ordinary correction reverses the paid payment's entry: the money is back, the payment still says 已到账.
    await insertApprovedPayment(sql, {
      fileId: paid.fileId,
      organisationId: paid.organisationId,
      aidType: "WARMTH",
      fundSource: paid.fundSource,
      amountFen: -paid.amountFen,
      purpose: "冲正",
      recordedById: lzCaseworker.userId,
      approvedById: lzOfficial.userId,
      reverses: { entryId: paid.ledgerEntry!.id, reason: "重复发放" },
    });
    const [run] = await reconcileBatches(lzAuditor, { from: today, to: today });
    expect(run!.differences).toEqual([
      expect.objectContaining({
        lineId: paid.id,
        holderName: paid.file.holderName,
        ledgerNetFen: 0,
        expectedLedgerFen: paid.amountFen,
        problem: "台账已冲回，但付款状态不是退回",
      }),
    ]);
    expect(run!.ledgerNetFen).toBe(90000 - paid.amountFen);
    const [capped] = await reconcileBatches(lzAuditor, { from: today, to: today, listed: 0 });
    expect([capped!.differenceCount, capped!.differences]).toEqual([1, []]);
  });
});
