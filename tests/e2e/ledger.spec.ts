// Guards assistance in the browser: a batch from rule to paid (build, remove/adjust with a reason,
// submit, approval by another official from the review queue, paid by the bank's return file), a single
// disbursement recorded by a caseworker and approved by an official, the household's ledger and
// the auditor's organisation ledger with masked account numbers.
import { expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";
import { residentId } from "../support/resident-ids";
import { bankReturnCsv } from "./support/bank";

async function openFile(organisationId: string, name: string, options: { account: boolean }) {
  const holder = residentId({ birthDate: "1976-04-12" });
  const child = residentId({ birthDate: "2009-09-01", sex: "FEMALE" });
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
    members: [
      {
        name,
        relation: "SELF",
        residentId: holder,
        birthDate: "1976-04-12",
        sex: "MALE",
        health: "CHRONIC_ILLNESS",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
      {
        name: `${name.slice(0, 1)}小梅`,
        relation: "CHILD",
        residentId: child,
        birthDate: "2009-09-01",
        sex: "FEMALE",
        health: "HEALTHY",
        education: "HIGH_SCHOOL",
        employment: "NOT_WORKING_AGE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "WAGES", monthlyFen: 150000 }],
    expenditures: [],
  };
  const [column] = await sql<{ n: number }>(
    "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'household_file' AND column_name = 'next_check_due'",
  );
  const checkDue = column!.n > 0;
  const [file] = await sql<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, civil_check_result${checkDue ? ", next_check_due" : ""})
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 2, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $6, $6, now(), $7, now(), now(), 'CONSISTENT'${checkDue ? ", CURRENT_DATE + 90" : ""}) RETURNING id`,
    [
      organisationId,
      `E2E-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
      JSON.stringify(data),
      name,
      holder,
      await userId("lz_caseworker"),
      await userId("lz_official"),
    ],
  );
  if (options.account) {
    await sql(
      `INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id) VALUES ($1, $2, '兰州银行', $3, $4, $5)`,
      [file!.id, organisationId, `62284800${String(Math.floor(Math.random() * 1e10)).padStart(10, "0")}`, name, await userId("lz_caseworker")],
    );
  }
  return file!.id;
}

async function confirmIn(page: import("@playwright/test").Page, dialogName: string, fill?: (dialog: import("@playwright/test").Locator) => Promise<void>) {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await fill?.(dialog);
  await dialog.getByRole("button", { name: /^确认/ }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
}

test("a holiday-relief batch goes from rule to paid in the browser", async ({ browser }) => {
  const org = await orgId("GSLZXG02");
  const paid = await openFile(org, "马建军", { account: true });
  await openFile(org, "杨春生", { account: true });
  await openFile(org, "何永福", { account: false });

  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/batches");
  await caseworker.getByRole("link", { name: "新建批次" }).click();
  await caseworker.getByRole("button", { name: "生成发放名单" }).click();
  await expect(caseworker.getByText("请填写批次名称")).toBeVisible();
  await caseworker.getByLabel("批次名称").fill("2027 元旦春节送温暖");
  await caseworker.getByLabel("发放范围（组织，含下级）").selectOption({ label: "　　　西固区建筑业农民工联合工会" });
  await caseworker.getByLabel("救助类型").selectOption({ label: "送温暖" });
  await caseworker.getByLabel("资金来源").selectOption({ label: "送温暖资金" });
  await caseworker.getByLabel("每户（每生）标准金额（元）").fill("500.5.5");
  await caseworker.getByLabel("用途").fill("元旦春节慰问困难职工");
  await caseworker.getByRole("button", { name: "生成发放名单" }).click();
  await expect(caseworker.getByText("金额格式不正确")).toBeVisible();
  await caseworker.getByLabel("每户（每生）标准金额（元）").fill("500");
  await screenshot(caseworker, "ledger-batch-new");
  await caseworker.getByRole("button", { name: "生成发放名单" }).click();
  await expect(caseworker).toHaveURL(/\/batches\/[0-9a-f-]+\?built=3/);
  await expect(caseworker.getByTestId("batch-totals")).toContainText("发放名单 2 条，合计 ¥1,000.00");

  await caseworker.getByRole("link", { name: /移出名单 1/ }).click();
  await expect(caseworker).toHaveURL(/view=removed/);
  await expect(caseworker.getByTestId("batch-line")).toContainText("何永福");
  await expect(caseworker.getByTestId("batch-line")).toContainText("未登记本人银行账户（实名制）");
  await caseworker.getByRole("link", { name: /发放名单 2/ }).click();
  await expect(caseworker).not.toHaveURL(/view=removed/);

  const line = caseworker.getByTestId("batch-line").filter({ hasText: "杨春生" });
  await line.getByRole("button", { name: "调整" }).click();
  await confirmIn(caseworker, "调整金额", async (dialog) => {
    await dialog.getByLabel("调整后金额（元）").fill("800");
    await dialog.getByLabel("调整原因").fill("家中新增重病患者");
  });
  await expect(caseworker.getByTestId("batch-totals")).toContainText("合计 ¥1,300.00");
  await screenshot(caseworker, "ledger-batch-draft");
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await confirmIn(caseworker, "提交批次审批？");
  await expect(caseworker.getByText("待审批", { exact: true })).toBeVisible();
  // The "list generated" notice gives way to the submission once submitted.
  await expect(caseworker.getByTestId("batch-status-notice")).toContainText("已提交");
  await expect(caseworker.getByText("已按规则生成名单")).toHaveCount(0);

  const official = await pageAs(browser, "lz_official");
  await official.goto("/review");
  await official.getByTestId("pending-assistance").getByRole("link", { name: "2027 元旦春节送温暖" }).click();
  await official.getByRole("button", { name: "审批通过" }).click();
  await confirmIn(official, "审批通过并入账？");
  await expect(official.getByText("已审批，待发放")).toBeVisible();
  // 已发放 is no longer a button: the bank's return file, confirmed by the official, settles the batch.
  await expect(official.getByRole("button", { name: "标记为已发放" })).toHaveCount(0);
  await expect(official.getByTestId("payment-progress")).toContainText("待回盘 2 笔（¥1,300.00）");
  const { csv } = await bankReturnCsv("2027 元旦春节送温暖");
  await official.getByLabel(/银行回盘文件/).setInputFiles({ name: "回盘.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await official.getByRole("button", { name: "预览核对" }).click();
  await expect(official.getByTestId("return-preview")).toContainText("匹配 2");
  await official.getByRole("button", { name: "确认导入" }).click();
  await confirmIn(official, "确认导入回盘？");
  await expect(official.getByText("已发放", { exact: true })).toBeVisible();
  await screenshot(official, "ledger-batch-paid");

  const [sum] = await sql<{ total: string; n: number }>(
    `SELECT SUM(e.amount_fen)::text AS total, COUNT(*)::int AS n FROM ledger_entry e JOIN batch_line l ON l.id = e.batch_line_id
      JOIN disbursement_batch b ON b.id = l.batch_id WHERE b.name = '2027 元旦春节送温暖'`,
  );
  expect(sum).toEqual({ total: "130000", n: 2 });

  // The household page shows the entry; the auditor's ledger shows it with the account masked.
  await caseworker.goto(`/files/${paid}`);
  await expect(caseworker.getByTestId("household-ledger")).toContainText("¥500.00");
  await screenshot(caseworker, "ledger-household");
  const auditor = await pageAs(browser, "lz_auditor");
  await auditor.goto(`/ledger?organisationId=${org}`);
  await expect(auditor.getByTestId("ledger-totals")).toContainText("符合条件 2 笔，合计 ¥1,300.00");
  await expect(auditor.getByText(/6228\*\*\*\*\d{4}/).first()).toBeVisible();
  await screenshot(auditor, "ledger-org");
});

test("a caseworker records a single disbursement and another official approves it", async ({ browser }) => {
  const org = await orgId("GSLZXG01");
  const fileId = await openFile(org, "刘德顺", { account: true });
  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto(`/files/${fileId}`);
  await caseworker.getByRole("link", { name: "登记救助发放" }).click();
  await caseworker.getByLabel("救助类型").selectOption({ label: "助学救助（金秋助学）" });
  await caseworker.getByLabel("资金来源").selectOption({ label: "中央财政专项帮扶资金" });
  await caseworker.getByLabel("金额（元）").fill("6000.01");
  await caseworker.getByLabel("受助学生").selectOption({ index: 1 });
  await caseworker.getByLabel("用途").fill("高中学费补助");
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await expect(caseworker.getByText(/超过年度上限.*本次最多可发放 ¥6,000.00/).first()).toBeVisible();
  await caseworker.getByLabel("金额（元）").fill("6000");
  await screenshot(caseworker, "ledger-disbursement-form");
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await expect(caseworker.getByText("已登记，等待审批人审批后入账。")).toBeVisible();

  const official = await pageAs(browser, "lz_official");
  await official.goto("/review");
  await official.getByTestId("pending-assistance").getByRole("link", { name: "刘德顺" }).click();
  await screenshot(official, "ledger-disbursement-approve");
  await official.getByRole("button", { name: "审批通过" }).click();
  await confirmIn(official, "审批通过并入账");
  await expect(official.getByText("已入账")).toBeVisible();
  await caseworker.goto(`/files/${fileId}`);
  await expect(caseworker.getByTestId("household-ledger")).toContainText("¥6,000.00");
});
