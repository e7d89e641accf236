// Guards bank payment in the browser (issue 23 §2–§3): an administrator adds a GBK text layout; an
// approved batch's payment file downloads in the default layout and in that one; the bank's return
// file with two failed lines is previewed and applied by an official; the caseworker corrects one
// household's account and re-issues its payment, which another batch approval pays, and closes the
// other with a reason; the batch becomes 已发放 on its own; the auditor's reconciliation shows no
// difference. Screenshots at desktop width and 390 px.
import iconv from "iconv-lite";
import { createUser, expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";
import { bankReturnCsv } from "./support/bank";

const BATCH = "2027 春节送温暖（银行代发）";

async function payableFile(organisationId: string, name: string, holderId: string, account: string) {
  const data = {
    organisationId,
    fileLevel: "CITY",
    workerCategory: "URBAN",
    housing: "RENT",
    holderUnionMember: true,
    suddenEvent: false,
    mainCause: "ILLNESS",
    secondaryCauses: [],
    proposedTier: "DEEP",
    needs: "生活救助",
    incomes: [{ source: "WAGES", monthlyFen: 150000 }],
    expenditures: [],
    members: [
      {
        name,
        relation: "SELF",
        residentId: holderId,
        birthDate: "1976-04-12",
        sex: "MALE",
        health: "CHRONIC_ILLNESS",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
    ],
  };
  const [file] = await sql<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 1, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $6, $6, now(), $7, now(), now(), 'CONSISTENT', CURRENT_DATE + 90) RETURNING id`,
    [organisationId, `BANK-${Date.now()}-${name}`, JSON.stringify(data), name, holderId, await userId("lz_caseworker"), await userId("lz_official")],
  );
  await sql(
    `INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id) VALUES ($1, $2, '兰州银行', $3, $4, $5)`,
    [file!.id, organisationId, account, name, await userId("lz_caseworker")],
  );
  return file!.id;
}

async function confirmIn(page: import("@playwright/test").Page, dialogName: string, fill?: (dialog: import("@playwright/test").Locator) => Promise<void>) {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await fill?.(dialog);
  await dialog.getByRole("button", { name: /^确认/ }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
}

async function approveAs(official: import("@playwright/test").Page, batchUrl: string) {
  await official.goto(batchUrl);
  await official.getByRole("button", { name: "审批通过" }).click();
  await confirmIn(official, "审批通过并入账？");
}

test("a bank batch: payment files, a return file with two failures, re-issue and close, 已发放, zero differences", async ({ browser }) => {
  // About 40 s on an idle machine; the shared CI machine runs several suites at once.
  test.setTimeout(300_000);
  const org = await orgId("GSLZXG01");
  await payableFile(org, "赵福来", "620103197604120011", "6228480011110001");
  await payableFile(org, "钱秀英", "620103197604120038", "6228480011110002");
  await payableFile(org, "孙建国", "620103197604120054", "6228480011110003");

  // An administrator adds the rural bank's GBK text layout (the form starts from the common columns).
  const admin = await pageAs(browser, "gs_admin");
  await admin.goto("/admin/bank-layouts");
  await expect(admin.getByText("通用代发模板（Excel）")).toBeVisible();
  await admin.getByLabel("格式名称").fill("农商银行代发（GBK 文本）");
  await admin.getByRole("button", { name: "保存格式" }).click();
  await expect(admin.getByText("已保存代发格式。")).toBeVisible();
  await screenshot(admin, "bank-layouts");

  // The caseworker builds the batch, an official approves it.
  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/batches/new");
  await caseworker.getByLabel("批次名称").fill(BATCH);
  // A base union no other spec builds a batch over, so the counts here are this spec's own.
  await caseworker.getByLabel("发放范围（组织，含下级）").selectOption(org);
  await caseworker.getByLabel("救助类型").selectOption({ label: "送温暖" });
  await caseworker.getByLabel("资金来源").selectOption({ label: "送温暖资金" });
  await caseworker.getByLabel("每户（每生）标准金额（元）").fill("500");
  await caseworker.getByLabel("用途").fill("元旦春节慰问困难职工");
  await caseworker.getByRole("button", { name: "生成发放名单" }).click();
  await expect(caseworker).toHaveURL(/\/batches\/[0-9a-f-]+\?built=3/);
  const batchUrl = new URL(caseworker.url()).pathname;
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await confirmIn(caseworker, "提交批次审批？");
  const official = await pageAs(browser, "lz_official");
  await approveAs(official, batchUrl);
  await expect(official.getByTestId("payment-progress")).toContainText("待回盘 3 笔（¥1,500.00）");

  // The payment file, in the default layout and in the GBK text layout.
  const [xlsx] = await Promise.all([official.waitForEvent("download"), official.getByRole("link", { name: "通用代发模板（Excel）（默认）" }).click()]);
  expect(xlsx.suggestedFilename()).toMatch(/^代发文件_.*\.xlsx$/);
  const xlsxBytes = await (await import("node:fs/promises")).readFile((await xlsx.path())!);
  expect(xlsxBytes.subarray(0, 2).toString()).toBe("PK");
  const [txt] = await Promise.all([official.waitForEvent("download"), official.getByRole("link", { name: "农商银行代发（GBK 文本）" }).click()]);
  const text = iconv.decode(await (await import("node:fs/promises")).readFile((await txt.path())!), "gbk");
  expect(text.split("\r\n")[0]).toBe("序号|收款人姓名|收款账号|开户行|金额|证件号码|摘要");
  expect(text).toContain("|钱秀英|6228480011110002|兰州银行|500.00|620103197604120038|BF");
  const audits = await sql<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_event WHERE action = 'payments.produce-file' AND detail->>'sha256' ~ '^[0-9a-f]{64}$'",
  );
  expect(audits[0]!.n).toBeGreaterThanOrEqual(2);

  // The bank returns two of the three; the official previews the file, then confirms it.
  const { csv } = await bankReturnCsv(BATCH, { 钱秀英: "账户不存在", 孙建国: "户名不符" });
  await official.getByLabel(/银行回盘文件/).setInputFiles({ name: "回盘.csv", mimeType: "text/csv", buffer: iconv.encode(csv, "gbk") });
  await official.getByRole("button", { name: "预览核对" }).click();
  await expect(official.getByTestId("return-preview")).toContainText("匹配 3");
  await expect(official.getByTestId("return-preview")).toContainText("退回 2 笔 ¥1,000.00");
  await screenshot(official, "bank-return-preview");
  await official.getByRole("button", { name: "确认导入" }).click();
  await confirmIn(official, "确认导入回盘？");
  await expect(official.getByText("已导入回盘：已到账 1 笔，退回 2 笔。")).toBeVisible();
  await expect(official.getByTestId("payment-progress")).toContainText("已到账 1 笔（¥500.00）");
  await expect(official.getByTestId("payment-progress")).toContainText("退回待处理 2 笔（¥1,000.00）");

  // 发放退回待处理: correct 钱秀英's account and re-issue; close 孙建国's with a reason.
  await caseworker.goto("/");
  await caseworker.getByRole("link", { name: /发放退回待处理/ }).click();
  await expect(caseworker).toHaveURL(/\/batches\/returned/);
  const qian = caseworker.getByTestId("returned-line").filter({ hasText: "钱秀英" });
  await expect(qian.getByRole("button", { name: "重发（须先更正账户）" })).toBeDisabled();
  await qian.getByRole("button", { name: "更换银行账户" }).click();
  await confirmIn(caseworker, "登记建档职工本人银行账户", async (dialog) => {
    await dialog.getByLabel("开户银行").fill("中国农业银行兰州分行");
    await dialog.getByLabel("银行账号").fill("6228480099990002");
  });
  await expect(qian).toContainText("已更正");
  const sun = caseworker.getByTestId("returned-line").filter({ hasText: "孙建国" });
  await sun.getByRole("button", { name: "关闭", exact: true }).click();
  await confirmIn(caseworker, "关闭退回的付款", async (dialog) => dialog.getByLabel("关闭原因").fill("本人已离职，经核实放弃领取"));
  await screenshot(caseworker, "bank-returned");
  await caseworker.setViewportSize({ width: 390, height: 844 });
  await screenshot(caseworker, "bank-returned-390");
  await caseworker.setViewportSize({ width: 1280, height: 800 });
  await qian.getByRole("button", { name: "重发", exact: true }).click();
  await confirmIn(caseworker, "退回重发？");
  await expect(caseworker).toHaveURL(/\/batches\/[0-9a-f-]+$/);
  const reissueUrl = new URL(caseworker.url()).pathname;
  await expect(caseworker.getByTestId("batch-totals")).toContainText("发放名单 1 条，合计 ¥500.00");
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await confirmIn(caseworker, "提交批次审批？");
  await approveAs(official, reissueUrl);

  // The first batch is now 已发放 on its own.
  await official.goto(batchUrl);
  await expect(official.getByText("已发放", { exact: true })).toBeVisible();
  await expect(official.getByTestId("payment-progress")).toContainText("全部付款已到账或已处理");
  await screenshot(official, "bank-batch-paid");

  // The auditor's reconciliation: approved − returned = paid, no differences.
  const auditor = await pageAs(browser, "lz_auditor");
  await auditor.goto("/ledger/reconciliation");
  await expect(auditor.getByTestId("recon-summary")).toContainText("差异 0 条");
  const row = auditor.getByTestId("recon-batch").filter({ hasText: BATCH }).filter({ hasNotText: "退回重发" });
  await expect(row).toContainText("3 笔 ¥1,500.00");
  await expect(row).toContainText("2 笔 ¥1,000.00");
  await screenshot(auditor, "bank-reconciliation");
  await auditor.setViewportSize({ width: 390, height: 844 });
  await screenshot(auditor, "bank-reconciliation-390");
  const [recon] = await Promise.all([auditor.waitForEvent("download"), auditor.getByRole("link", { name: "导出 Excel" }).click()]);
  expect(recon.suggestedFilename()).toMatch(/^资金对账_.*\.xlsx$/);
});

// 代发汇总: approved single payments to real-name accounts are grouped by an official, the run's
// payment file downloads, a return file with one failure is confirmed by another official, and the
// caseworker closes the returned single payment from 发放退回待处理.
test("single payments: grouped into a payment run, paid through the bank, one returned and closed", async ({ browser }) => {
  test.setTimeout(180_000);
  const { insertApprovedPayment } = await import("../support/ledger-fixtures");
  const org = await orgId("GSLZXG01");
  const names = ["周单笔", "吴单笔"];
  for (const [i, name] of names.entries()) {
    const fileId = await payableFile(org, name, `62010319760412${String(1000 + i)}`, `622848002222000${i}`);
    const { disbursementId } = await insertApprovedPayment(sql, {
      fileId,
      organisationId: org,
      aidType: "WARMTH",
      fundSource: "WARMTH_FUND",
      amountFen: 30000 + i * 10000,
      purpose: "临时慰问（单笔）",
      recordedById: await userId("lz_caseworker"),
      approvedById: await userId("lz_official"),
    });
    await sql(`UPDATE disbursement SET bank_account_id = (SELECT id FROM bank_account WHERE file_id = $2) WHERE id = $1`, [disbursementId, fileId]);
  }

  const official = await pageAs(browser, "lz_official");
  await official.goto("/ledger");
  await official.getByRole("link", { name: "代发汇总" }).click();
  await expect(official).toHaveURL(/\/ledger\/payment-runs$/);
  await official.getByRole("button", { name: "汇总单笔发放" }).click();
  await confirmIn(official, "汇总单笔发放", async (dialog) => {
    await dialog.getByLabel("资金来源").selectOption({ label: "送温暖资金" });
    await dialog.getByLabel(/汇总名称/).fill("2027年1月送温暖单笔代发");
  });
  await expect(official).toHaveURL(/\/ledger\/payment-runs\/[0-9a-f-]+$/);
  const runId = new URL(official.url()).pathname.split("/").pop()!;
  for (const name of names) await expect(official.getByTestId("run-line").filter({ hasText: name })).toContainText("待回盘");
  const [xlsx] = await Promise.all([official.waitForEvent("download"), official.getByRole("link", { name: "通用代发模板（Excel）（默认）" }).click()]);
  expect(xlsx.suggestedFilename()).toMatch(/^代发汇总_.*\.xlsx$/);

  // The bank's return file for the run: references BF + the run's code + the 序号 in disbursement-id order.
  const lines = await sql<{ seq: string; holder: string; account: string; amount: number }>(
    `SELECT row_number() OVER (ORDER BY d.id)::text AS seq, a.account_holder AS holder, a.account_number AS account, d.amount_fen AS amount
       FROM disbursement d JOIN bank_account a ON a.id = d.bank_account_id WHERE d.payment_run_id = $1 ORDER BY d.id`,
    [runId],
  );
  const code = runId.replace(/-/g, "").slice(0, 10).toUpperCase();
  const csv =
    [
      "摘要,收款人姓名,收款账号,金额,处理结果,失败原因",
      ...lines.map((l) =>
        [
          `BF${code}${l.seq.padStart(5, "0")} 送温暖`,
          l.holder,
          l.account,
          (l.amount / 100).toFixed(2),
          l.holder === "吴单笔" ? "失败" : "成功",
          l.holder === "吴单笔" ? "账户冻结" : "",
        ].join(","),
      ),
    ].join("\r\n") + "\r\n";
  const checker = await pageAs(browser, (await createUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  await checker.goto(`/ledger/payment-runs/${runId}`);
  await checker.getByLabel(/银行回盘文件/).setInputFiles({ name: "回盘.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  await checker.getByRole("button", { name: "预览核对" }).click();
  await expect(checker.getByTestId("return-preview")).toContainText("退回 1 笔 ¥400.00");
  await checker.getByRole("button", { name: "确认导入" }).click();
  await confirmIn(checker, "确认导入回盘？");
  await expect(checker.getByTestId("run-progress")).toContainText("退回待处理 1 笔");
  await screenshot(checker, "payment-run");
  await checker.setViewportSize({ width: 390, height: 844 });
  await screenshot(checker, "payment-run-390");

  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/batches/returned");
  const wu = caseworker.getByTestId("returned-single").filter({ hasText: "吴单笔" });
  await expect(wu).toContainText("账户冻结");
  await wu.getByRole("button", { name: "关闭", exact: true }).click();
  await confirmIn(caseworker, "关闭退回的单笔付款", async (dialog) => dialog.getByLabel("关闭原因").fill("已按新账户重新申请发放"));
  await expect(caseworker.getByTestId("returned-single").filter({ hasText: "吴单笔" })).toHaveCount(0);
});
