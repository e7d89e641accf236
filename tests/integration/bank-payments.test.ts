// Guards bank payment files, return files and reconciliation (issue 23 §2–§3): the default 代发
// layout and an administrator's GBK text layout, written out cell by cell and byte-identical when
// produced again; only real-name accounts paid; a return file matched before anything is written,
// refused outright for another batch's file, a payment answered twice, totals that do not add up,
// an unknown encoding or a workbook over budget; applied all or nothing by an official other than
// the maker (two at once: one wins), reversing each returned payment; the caseworker closes or
// re-issues returned payments; the batch is 已发放 only then; reconciliation finds no difference,
// and finds the one we plant. Victim Lanzhou, attacker Tianshui.
import { createHash, randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput, ZRecordBankAccountInput } from "@/lib/ledger/schemas";
import { applyReturnFile, previewReturnFile } from "@/lib/payments/apply-return-file";
import { ZBankLayoutInput, type TBankLayoutFormValues } from "@/lib/payments/layout-schema";
import { listBankLayouts, saveBankLayout } from "@/lib/payments/layouts";
import { paymentFileLines, producePaymentFile } from "@/lib/payments/produce-payment-file";
import { reconcileBatches } from "@/lib/payments/reconcile";
import { closeReturnedLine, createReissueBatch } from "@/lib/payments/returned-lines";
import { readXlsx } from "@/lib/xlsx/read-xlsx";
import { bankAnswers, returnCsvFile, returnCsvText } from "../support/bank-files";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzOfficial2: TActor;
let lzAuditor: TActor;
let tsOfficial: TActor;
let admin: TActor;
let sql: pg.Client;
let orgId: string;
let batchId: string;
const today = todayInShanghai();

const sha = async (file: File) =>
  createHash("sha256")
    .update(Buffer.from(await file.arrayBuffer()))
    .digest("hex");
const fileOf = (bytes: Buffer, name: string) => new File([new Uint8Array(bytes)], name);

async function approvedBatch(organisationId: string, name: string) {
  const { batchId: id } = await createBatch(
    lzCaseworker,
    ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      name,
      aidType: "WARMTH",
      fundSource: "WARMTH_FUND",
      standardAmountFen: "500",
      entryDate: today,
      purpose: "元旦春节慰问",
      organisationId,
      tiers: [],
      fileLevels: [],
    }),
  );
  let batch = await getBatch(lzCaseworker, id);
  await submitBatch(lzCaseworker, { batchId: id, expectedVersion: batch.version });
  batch = await getBatch(lzOfficial, id);
  await approveBatch(lzOfficial, { batchId: id, expectedVersion: batch.version });
  return id;
}

const gbkLayout: TBankLayoutFormValues = {
  name: "农商银行代发（GBK 竖线）",
  format: "DELIMITED",
  encoding: "GBK",
  delimiter: "|",
  headerRow: true,
  totalRow: true,
  columns: [
    { field: "REFERENCE", title: "参考号" },
    { field: "NAME", title: "户名" },
    { field: "ACCOUNT", title: "账号" },
    { field: "AMOUNT", title: "金额" },
  ],
  returnColumns: { reference: "摘要", name: "收款人姓名", account: "收款账号", amount: "金额", result: "处理结果", reason: "失败原因" },
  paidResults: "成功",
  isDefault: false,
};

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsOfficial } = await demoActors());
  lzOfficial2 = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  admin = await actorFor((await createTestUser({ orgCode: "GS", roles: ["ADMIN"] })).username);
  orgId = (await orgByCode("GSLZQLH01")).id;
  // Four households 批量1…4 with accounts 622848000000000001…4; the fourth account is then put in another person's name.
  await insertPayableFiles(sql, { organisationId: orgId, count: 4, caseworkerId: lzCaseworker.userId, officialId: lzOfficial.userId });
  await sql.query(`UPDATE bank_account SET account_holder = '李四' WHERE account_number = '622848000000000004'`);
  batchId = await approvedBatch(orgId, "2027 元旦春节送温暖");
});

afterAll(async () => {
  await sql.end();
});

describe("bank layouts (代发格式)", () => {
  it("has the common 代发 template as the default out of the box", async () => {
    const layouts = await listBankLayouts(lzCaseworker);
    const def = layouts.find((l) => l.isDefault)!;
    expect(def).toMatchObject({ name: "通用代发模板（Excel）", format: "XLSX", headerRow: true, totalRow: true });
    expect(def.columns.map((c) => c.title)).toEqual(["序号", "收款人姓名", "收款账号", "开户行", "金额", "证件号码", "摘要"]);
  });

  it("lets only an administrator add a layout, and refuses bad ones with Chinese messages", async () => {
    await expect(saveBankLayout(lzOfficial, ZBankLayoutInput.parse(gbkLayout))).rejects.toThrow("没有权限");
    const bad = ZBankLayoutInput.safeParse({ ...gbkLayout, format: "XLSX", columns: [{ field: "SEQ", title: "序号" }] });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(["Excel 工作簿不选编码，请选 UTF-8", "须有一列带参考号（业务参考号或摘要），回盘才能逐笔对应"]),
    );
    const fixed = ZBankLayoutInput.safeParse({ ...gbkLayout, format: "FIXED" });
    expect(fixed.error?.issues[0]?.message).toBe("定长格式须填写宽度");
    const { layoutId } = await saveBankLayout(admin, ZBankLayoutInput.parse(gbkLayout));
    await expect(saveBankLayout(admin, ZBankLayoutInput.parse(gbkLayout))).rejects.toThrow("已有同名的代发格式");
    expect(await prisma.auditEvent.count({ where: { action: "payments.create-layout", entityId: layoutId } })).toBe(1);
  });
});

describe("payment files (代发文件)", () => {
  it("writes the default layout cell by cell, lists the account not in the payee's name as not payable, and gives identical bytes again", async () => {
    const first = await producePaymentFile(lzCaseworker, { batchId });
    expect(first.lines).toBe(3);
    expect(first.totalFen).toBe(150000);
    expect(first.notPayable).toEqual([expect.objectContaining({ name: "李四", reason: "账户户名“李四”不是建档职工本人“批量4”（实名制）" })]);
    const [sheet] = await readXlsx(first.bytes);
    const cells = sheet!.rows.map((r) => r.cells.map((c) => c.text));
    expect(cells[0]).toEqual(["序号", "收款人姓名", "收款账号", "开户行", "金额", "证件号码", "摘要"]);
    const names = cells
      .slice(1, 4)
      .map((r) => r[1])
      .sort();
    expect(names).toEqual(["批量1", "批量2", "批量3"]);
    const one = cells.find((r) => r[1] === "批量1")!;
    expect(one.slice(2, 6)).toEqual(["622848000000000001", "天水农商银行", "500", "990000000000000001"]);
    expect(one[6]).toMatch(/^BF[0-9A-F]{10}\d{5} 送温暖$/);
    expect(cells[4]).toEqual(["合计", "共3笔", "", "", "1500"]);

    // exceljs stamps zip entries with the time of writing; two seconds later (the zip clock's step) the bytes must still be the same.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const again = await producePaymentFile(lzOfficial, { batchId });
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(again.sha256).toBe(createHash("sha256").update(first.bytes).digest("hex"));
    const audits = await prisma.auditEvent.findMany({ where: { action: "payments.produce-file", entityId: batchId }, orderBy: { at: "asc" } });
    expect(audits.map((a) => (a.detail as { sha256: string }).sha256)).toEqual([first.sha256, first.sha256]);
  });

  it("writes a GBK text layout with the administrator's columns, header and total", async () => {
    const layout = (await listBankLayouts(lzCaseworker)).find((l) => l.name === gbkLayout.name)!;
    const file = await producePaymentFile(lzCaseworker, { batchId, layoutId: layout.id });
    expect(file.fileName).toMatch(/\.txt$/);
    const text = iconv.decode(file.bytes, "gbk");
    expect(Buffer.from(text, "utf8").equals(file.bytes)).toBe(false); // really GBK, not UTF-8
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("参考号|户名|账号|金额");
    expect(
      lines
        .slice(1, 4)
        .map((l) => l.split("|").slice(1).join("|"))
        .sort(),
    ).toEqual(["批量1|622848000000000001|500.00", "批量2|622848000000000002|500.00", "批量3|622848000000000003|500.00"]);
    expect(lines[4]).toBe("合计|共3笔||1500.00");
  });

  it("refuses another city, a caseworker-less role, and a batch not yet approved", async () => {
    await expect(producePaymentFile(tsOfficial, { batchId })).rejects.toThrow("不在您的管辖范围内");
    await expect(producePaymentFile(lzAuditor, { batchId })).rejects.toThrow("没有权限");
  });
});

describe("return files (回盘)", () => {
  it("shows matched, unmatched and mismatched lines and writes nothing", async () => {
    const { payable } = await paymentFileLines(lzOfficial, batchId);
    const rows = bankAnswers(payable);
    rows[0] = { ...rows[0]!, amount: "499.00" };
    rows.push({ reference: `${payable[0]!.reference.slice(0, 12)}00099`, name: "无名", account: "1", amount: "1.00", result: "成功" });
    const preview = await previewReturnFile(lzOfficial, { batchId, file: returnCsvFile(rows) });
    expect(preview).toMatchObject({ matched: 2, mismatched: 1, unmatched: 1, canApply: false });
    expect(preview.rows.find((r) => r.status === "mismatched")?.problems).toEqual(["金额不符：回盘 ¥499.00，代发 ¥500.00"]);
    expect(preview.rows.find((r) => r.status === "unmatched")?.problems).toEqual(["本批次没有这笔付款"]);
    expect(await prisma.batchLine.count({ where: { batchId, paymentStatus: "WAITING" } })).toBe(4);
    expect(await prisma.paymentReturn.count()).toBe(0);
  });

  it("refuses another batch's file, a payment answered twice, totals that do not add up, an unknown encoding, a workbook over budget", async () => {
    const { payable } = await paymentFileLines(lzOfficial, batchId);
    const rows = bankAnswers(payable);
    const other = { ...rows[0]!, reference: "BF0123456789" + "00001" };
    const cases: Array<[File, string]> = [
      [returnCsvFile([other, ...rows]), "这不是本批次的回盘文件"],
      [returnCsvFile([...rows, rows[1]!]), "是同一笔付款"],
      [returnCsvFile(rows, { total: "1400.00" }), "回盘文件的合计金额 ¥1,400.00 与明细之和 ¥1,500.00 不符"],
      [fileOf(Buffer.from([0xff, 0xfe, 0x81, 0x20, 0xff, 0xff]), "回盘.csv"), "回盘文件的编码无法识别"],
      [fileOf(Buffer.from("a,b\r\n1,2\r\n"), "回盘.csv"), "找不到回盘文件的表头"],
    ];
    const wide = new ExcelJS.Workbook();
    for (let i = 0; i < 11; i += 1) wide.addWorksheet(`表${i + 1}`).addRow(["摘要"]);
    cases.push([fileOf(Buffer.from(await wide.xlsx.writeBuffer()), "回盘.xlsx"), "工作表"]);
    for (const [file, message] of cases) {
      await expect(previewReturnFile(lzOfficial, { batchId, file })).rejects.toThrow(message);
      await expect(applyReturnFile(lzOfficial2, { batchId, file, expectedSha256: await sha(file) })).rejects.toThrow(message);
    }
    // The GBK file of the same answers reads like the UTF-8 one.
    const gbk = await previewReturnFile(lzOfficial, { batchId, file: returnCsvFile(rows, { encoding: "gbk", total: "1500.00" }) });
    expect(gbk).toMatchObject({ encoding: "GBK", matched: 3, canApply: true, statedTotalFen: 150000 });
    expect(await prisma.batchLine.count({ where: { batchId, paymentStatus: "WAITING" } })).toBe(4);
    expect(await prisma.ledgerEntry.count({ where: { reversalKind: "BANK_RETURN" } })).toBe(0);
  });

  it("is applied by one official other than the maker, all or nothing, reversing each returned payment", async () => {
    const { payable } = await paymentFileLines(lzOfficial, batchId);
    const [a, b] = payable;
    const file = returnCsvFile(bankAnswers(payable, { [a!.reference]: "账户不存在", [b!.reference]: "户名不符" }), { total: "1500.00" });
    const expectedSha256 = await sha(file);
    await expect(applyReturnFile(lzCaseworker, { batchId, file, expectedSha256 })).rejects.toThrow("没有权限");
    await expect(applyReturnFile(tsOfficial, { batchId, file, expectedSha256 })).rejects.toThrow("不在您的管辖范围内");
    await expect(applyReturnFile(lzOfficial, { batchId, file, expectedSha256: "0".repeat(64) })).rejects.toThrow("上传的文件与预览的文件不同");

    const results = await Promise.allSettled([
      applyReturnFile(lzOfficial, { batchId, file, expectedSha256 }),
      applyReturnFile(lzOfficial2, { batchId, file, expectedSha256 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lines = await prisma.batchLine.findMany({
      where: { batchId, removed: false },
      include: { ledgerEntry: { include: { reversedBy: true } }, file: true },
    });
    const byName = Object.fromEntries(lines.map((l) => [l.file.holderName, l]));
    expect(byName[a!.name]).toMatchObject({ paymentStatus: "RETURNED", paymentReason: "账户不存在" });
    expect(byName[b!.name]).toMatchObject({ paymentStatus: "RETURNED", paymentReason: "户名不符" });
    expect(byName[payable[2]!.name]).toMatchObject({ paymentStatus: "PAID" });
    expect(byName["批量4"]).toMatchObject({ paymentStatus: "WAITING" }); // not in the file: not payable until its account is fixed
    expect(byName[a!.name]!.ledgerEntry!.reversedBy).toMatchObject({ amountFen: -50000, reversalKind: "BANK_RETURN", reason: "银行退回：账户不存在" });
    expect(await prisma.ledgerEntry.count({ where: { reversalKind: "BANK_RETURN" } })).toBe(2);
    expect(await prisma.paymentReturn.findMany({ where: { batchId } })).toEqual([
      expect.objectContaining({ paidLines: 1, paidFen: 50000n, returnedLines: 2, returnedFen: 100000n, statedTotalFen: 150000n, sha256: expectedSha256 }),
    ]);
    // The batch still waits: two returned lines and one not yet payable.
    expect((await getBatch(lzOfficial, batchId)).status).toBe("APPROVED");
    await expect(applyReturnFile(lzOfficial, { batchId, file, expectedSha256 })).rejects.toThrow(/已经导入过|不能确认/);
  });
});

describe("returned payments (发放退回待处理) and settlement", () => {
  it("closes one with a reason, re-issues the other after the account is corrected, and only then is the batch 已发放", async () => {
    const returned = await prisma.batchLine.findMany({ where: { batchId, paymentStatus: "RETURNED" }, include: { file: true }, orderBy: { id: "asc" } });
    const [toClose, toReissue] = returned;
    await expect(closeReturnedLine(lzOfficial, { lineId: toClose!.id, reason: "户主已去世" })).rejects.toThrow("没有权限");
    await closeReturnedLine(lzCaseworker, { lineId: toClose!.id, reason: "户主已去世，家属放弃领取" });
    await expect(closeReturnedLine(lzCaseworker, { lineId: toClose!.id, reason: "再次" })).rejects.toThrow("已不是“退回”状态");

    await expect(createReissueBatch(lzCaseworker, { lineIds: [toReissue!.id] })).rejects.toThrow("银行账户尚未更正");
    await recordBankAccount(
      lzCaseworker,
      ZRecordBankAccountInput.parse({
        fileId: toReissue!.fileId,
        bankName: "中国农业银行兰州分行",
        accountNumber: "6228480099990001",
        accountHolder: toReissue!.file.holderName,
      }),
    );
    const { batchId: reissueId } = await createReissueBatch(lzCaseworker, { lineIds: [toReissue!.id] });
    await expect(createReissueBatch(lzCaseworker, { lineIds: [toReissue!.id] })).rejects.toThrow("已列入重发批次");
    const reissue = await prisma.batchLine.findMany({ where: { batchId: reissueId } });
    expect(reissue).toEqual([expect.objectContaining({ reissuesLineId: toReissue!.id, amountFen: 50000, fileId: toReissue!.fileId })]);

    // The fourth household's account is corrected too; its line in the first batch was never sent, so the caseworker closes nothing:
    // it is paid by the bank on the next return file once sent. Here the bank answers it in a second return file.
    await sql.query(`UPDATE bank_account SET account_holder = '批量4' WHERE account_number = '622848000000000004'`);
    const { payable } = await paymentFileLines(lzOfficial, batchId);
    const fourth = payable.filter((l) => l.name === "批量4");
    const second = returnCsvFile(bankAnswers(fourth), { name: "回盘2.csv" });
    await applyReturnFile(lzOfficial2, { batchId, file: second, expectedSha256: await sha(second) });
    expect((await getBatch(lzOfficial, batchId)).status).toBe("APPROVED"); // the re-issue is not approved yet

    let batch = await getBatch(lzCaseworker, reissueId);
    await submitBatch(lzCaseworker, { batchId: reissueId, expectedVersion: batch.version });
    batch = await getBatch(lzOfficial, reissueId);
    await approveBatch(lzOfficial, { batchId: reissueId, expectedVersion: batch.version });
    expect(await prisma.batchLine.findUniqueOrThrow({ where: { id: toReissue!.id } })).toMatchObject({ paymentStatus: "REISSUED" });
    expect(await prisma.batchLine.findUniqueOrThrow({ where: { id: toClose!.id } })).toMatchObject({
      paymentStatus: "CLOSED",
      paymentReason: "账户不存在；关闭：户主已去世，家属放弃领取",
    });
    expect(await prisma.disbursementBatch.findUniqueOrThrow({ where: { id: batchId } })).toMatchObject({ status: "PAID", paidById: lzOfficial.userId });
    expect(await prisma.auditEvent.count({ where: { action: "payments.batch-settled", entityId: batchId } })).toBe(1);
  });

  it("reconciles: approved − returned = paid, the ledger and the return files agree; a planted reversal is listed", async () => {
    const [recon] = await reconcileBatches(lzAuditor, { from: today, to: today, batchId });
    expect(recon).toMatchObject({
      approvedLines: 4,
      approvedFen: 200000,
      returnedLines: 2,
      returnedFen: 100000,
      paidLines: 2,
      paidFen: 100000,
      waitingLines: 0,
      ledgerNetFen: 100000,
      returnFilePaidFen: 100000,
      returnFileReturnedFen: 100000,
      differenceCount: 0,
      differences: [],
    });
    await expect(reconcileBatches(lzCaseworker, { from: today, to: today })).rejects.toThrow("没有权限");
    expect(await reconcileBatches(tsOfficial, { from: today, to: today, batchId })).toEqual([]);
    // An ordinary correction reverses a paid line's entry: the money is back, but the line says 已到账.
    const paid = await prisma.batchLine.findFirstOrThrow({ where: { batchId, paymentStatus: "PAID" }, include: { ledgerEntry: true, file: true } });
    await insertApprovedPayment(sql, {
      fileId: paid.fileId,
      organisationId: paid.organisationId,
      aidType: "WARMTH",
      fundSource: "WARMTH_FUND",
      amountFen: -50000,
      purpose: "冲正",
      recordedById: lzCaseworker.userId,
      approvedById: lzOfficial.userId,
      reverses: { entryId: paid.ledgerEntry!.id, reason: "重复发放" },
    });
    const [after] = await reconcileBatches(lzAuditor, { from: today, to: today, batchId });
    expect(after!.differences).toEqual([
      expect.objectContaining({
        lineId: paid.id,
        holderName: paid.file.holderName,
        ledgerNetFen: 0,
        expectedLedgerFen: 50000,
        problem: "台账已冲回，但付款状态不是退回",
      }),
    ]);
    // The page lists only its first differences (listed); the count is of every one.
    const [capped] = await reconcileBatches(lzAuditor, { from: today, to: today, batchId, listed: 0 });
    expect([capped!.differenceCount, capped!.differences]).toEqual([1, []]);
  });
});

it("keeps the return CSV helper honest", () => {
  expect(returnCsvText([{ reference: "BF000000000000001", name: "甲", account: "1", amount: "1.00", result: "成功" }], { total: "1.00" })).toBe(
    "摘要,收款人姓名,收款账号,金额,处理结果,失败原因\r\nBF000000000000001 送温暖,甲,1,1.00,成功,\r\n合计,,,1.00,,\r\n",
  );
});
