// Guards cash receipts and call-backs in the browser (issue 23 §4–§5): a cash batch is built without
// bank accounts and approved, its 签收表 prints as A4 sheets with subtotals and page numbers, the
// signed scan is uploaded, lines are marked 已签收 / 未领取 with a confirmation, the batch becomes
// 已发放 and draws its call-back sample, a caller who had no part in the batch works through it,
// and a 未收到 lands on the auditor's workbench, who resolves it. Screenshots at 1280 and 390 px.
import sharp from "sharp";
import { residentId } from "../support/resident-ids";
import { createUser, expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";

async function openFile(orgCode: string, name: string) {
  const organisationId = await orgId(orgCode);
  const holder = residentId({ birthDate: "1968-03-15" });
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
        birthDate: "1968-03-15",
        sex: "FEMALE",
        health: "CHRONIC_ILLNESS",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "WAGES", monthlyFen: 120000 }],
    expenditures: [],
  };
  await sql(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 1, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $6, $6, now(), $7, now(), now(), 'CONSISTENT', CURRENT_DATE + 90)`,
    [
      organisationId,
      `RC-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
      JSON.stringify(data),
      name,
      holder,
      await userId("lz_caseworker"),
      await userId("lz_official"),
    ],
  );
}

async function confirmIn(page: import("@playwright/test").Page, dialogName: string, fill?: (dialog: import("@playwright/test").Locator) => Promise<void>) {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await fill?.(dialog);
  await dialog.getByRole("button", { name: /^确认/ }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
}

test("a cash batch is signed for, becomes paid, and its call-back sample is worked through", async ({ browser }) => {
  // About 40 s on an idle machine; the guard leaves room for a loaded CI runner.
  test.setTimeout(300_000);
  // Three households of 佛慈制药's union and one held by the 七里河 county union, none with a bank account.
  for (const name of ["赵玉兰", "钱卫东", "孙桂芳"]) await openFile("GSLZQLH01", name);
  await openFile("GSLZQLH", "李秀英");
  const handler = await createUser({ orgCode: "GSLZ", roles: ["CASEWORKER"], name: "周发放" });
  const caller = await createUser({ orgCode: "GSLZ", roles: ["CASEWORKER"], name: "吴回访" });

  // The caseworker builds a cash batch: nobody is removed for want of an account.
  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/batches/new");
  await caseworker.getByLabel("批次名称").fill("2027 春节现金慰问");
  await caseworker.getByLabel("发放范围（组织，含下级）").selectOption(await orgId("GSLZQLH"));
  await caseworker.getByLabel("救助类型").selectOption({ label: "送温暖" });
  await caseworker.getByLabel("资金来源").selectOption({ label: "送温暖资金" });
  await caseworker.getByLabel("每户（每生）标准金额（元）").fill("500");
  await caseworker.getByLabel("用途").fill("春节走访慰问现金");
  await caseworker.getByLabel("实物").check();
  await caseworker.getByRole("button", { name: "生成发放名单" }).click();
  await expect(caseworker.getByText("实物发放请填写实物名称（如 米面油、慰问品）")).toBeVisible();
  await caseworker.getByLabel("现金").check();
  await expect(caseworker.getByText("现金、实物凭签收表发放，不需要银行账户")).toBeVisible();
  await screenshot(caseworker, "receipts-batch-new");
  await caseworker.getByRole("button", { name: "生成发放名单" }).click();
  await expect(caseworker).toHaveURL(/\/batches\/[0-9a-f-]+\?built=4/);
  await expect(caseworker.getByTestId("batch-totals")).toContainText("发放名单 4 条，合计 ¥2,000.00");
  const batchUrl = caseworker.url().split("?")[0]!;
  const batchId = batchUrl.split("/").pop()!;
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await confirmIn(caseworker, "提交批次审批？");

  const official = await pageAs(browser, "lz_official");
  await official.goto(batchUrl);
  await official.getByRole("button", { name: "审批通过" }).click();
  await confirmIn(official, "审批通过并入账？");
  await expect(official.getByTestId("payment-outcomes")).toContainText("待签收 4 户");
  // A cash batch is not marked paid by a button: it settles through its signed list.
  await expect(official.getByRole("button", { name: "标记为已发放" })).toHaveCount(0);

  // Another caseworker prints the 签收表: one sheet per base union, each numbered and totalled.
  const desk = await pageAs(browser, handler.username);
  await desk.goto(batchUrl);
  await expect(desk.getByTestId("receipt-refusal")).toHaveText("请先上传签字后的签收表扫描件，再标记签收。");
  await desk.goto(`/print/receipts/${batchId}`);
  const sheets = desk.getByTestId("receipt-sheet");
  await expect(sheets).toHaveCount(2);
  await expect(sheets.first()).toContainText("现金发放签收表");
  await expect(sheets.first()).toContainText("第 1 页 / 共 2 页");
  await expect(sheets.nth(1)).toContainText("兰州佛慈制药股份有限公司工会 合计：3 户");
  await expect(sheets.nth(1)).toContainText("1,500.00");
  await screenshot(desk, "receipts-print");
  // Chromium's print: A4, one sheet per page.
  await desk.emulateMedia({ media: "print" });
  const pdf = await desk.pdf({ path: "test-results/screens/receipts-print.pdf", format: "A4", preferCSSPageSize: true });
  expect(pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g)?.length).toBe(2);
  await desk.emulateMedia({ media: "screen" });

  // The signed scan: a text file renamed .png is refused, the picture accepted.
  await desk.goto(batchUrl);
  await desk.getByLabel(/签字后的签收表扫描件/).setInputFiles({ name: "签收表.png", mimeType: "image/png", buffer: Buffer.from("这不是图片") });
  await desk.getByRole("button", { name: "上传扫描件" }).click();
  await expect(desk.getByText(/只能上传 PDF、JPG 或 PNG 格式的文件/)).toBeVisible();
  const png = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 240, g: 240, b: 235 } } })
    .png()
    .toBuffer();
  await desk.getByLabel(/签字后的签收表扫描件/).setInputFiles({ name: "签收表-七里河.png", mimeType: "image/png", buffer: png });
  await desk.getByRole("button", { name: "上传扫描件" }).click();
  await expect(desk.getByTestId("receipt-scans")).toContainText("签收表-七里河.png");

  // 钱卫东 did not come; the other three signed.
  await desk.getByLabel("选择 钱卫东").check();
  await desk.getByRole("button", { name: "标记未领取（1）" }).click();
  await confirmIn(desk, "确认未领取", async (dialog) => {
    await dialog.getByRole("button", { name: "确认" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("请填写未领取原因（至少 2 个字）");
    await dialog.getByLabel("未领取原因").fill("外出务工，春节未返乡");
  });
  await expect(desk.getByTestId("payment-outcomes")).toContainText("未领取 1 户");
  await desk.getByLabel("全选本页").check();
  await screenshot(desk, "receipts-marking");
  await desk.getByRole("button", { name: "标记已签收（3）" }).click();
  await confirmIn(desk, "确认已签收");
  await expect(desk.getByText("已发放", { exact: true })).toBeVisible();
  await expect(desk.getByTestId("payment-outcomes")).toHaveText("已签收 3 户，未领取 1 户");
  await expect(desk.getByTestId("callback-sample")).toContainText("从已到账、已签收的 3 户中按 10% 抽取（每个基层工会至少 1 户），共 2 户");
  await screenshot(desk, "receipts-batch-paid");
  await desk.setViewportSize({ width: 390, height: 844 });
  await screenshot(desk, "receipts-batch-paid-390");
  const [reversal] = await sql<{ amount_fen: number; reversal_kind: string }>(
    `SELECT r.amount_fen, r.reversal_kind FROM ledger_entry r JOIN ledger_entry o ON o.id = r.reverses_entry_id
       JOIN batch_line l ON l.id = o.batch_line_id WHERE l.batch_id = $1`,
    [batchId],
  );
  expect(reversal).toEqual({ amount_fen: -50000, reversal_kind: "UNCLAIMED" });

  // Whoever confirmed the receipts may not call back; a caller who had no part works the sample.
  await desk.goto(`/callbacks?batchId=${batchId}`);
  await expect(desk.getByTestId("callback-row").first()).toContainText("您参与了该批次，不能回访");
  const phone = await pageAs(browser, caller.username);
  await phone.goto("/callbacks");
  const rows = phone.getByTestId("callback-row").filter({ hasText: "2027 春节现金慰问" });
  await expect(rows).toHaveCount(2);
  await rows.first().getByRole("button", { name: "登记回访" }).click();
  await confirmIn(phone, /^回访：/ as never, async (dialog) => {
    await dialog.getByLabel("回访结果").selectOption({ label: "已收到" });
  });
  await expect(rows.filter({ hasText: "已收到" })).toHaveCount(1);
  const second = phone.getByTestId("callback-row").filter({ hasText: "2027 春节现金慰问" }).filter({ hasText: "待回访" });
  const household = ((await second.locator("td").first().locator("a").textContent()) ?? "").trim();
  await second.getByRole("button", { name: "登记回访" }).click();
  await confirmIn(phone, `回访：${household}家`, async (dialog) => {
    await dialog.getByLabel("回访结果").selectOption({ label: "未收到" });
    await dialog.getByRole("button", { name: "确认登记" }).click();
    await expect(dialog.getByText("未收到或金额不符时，请记录对方的说法（至少 2 个字）")).toBeVisible();
    await dialog.getByLabel(/回访记录/).fill("本人称春节前后未收到慰问金");
  });
  await phone.goto("/callbacks?status=all");
  await expect(phone.getByTestId("callback-row").filter({ hasText: household })).toContainText("未收到");
  await screenshot(phone, "receipts-callbacks");
  await phone.setViewportSize({ width: 390, height: 844 });
  await screenshot(phone, "receipts-callbacks-390");

  // The auditor finds it on the workbench, with the call and who called, and resolves it.
  const auditor = await pageAs(browser, "lz_auditor");
  await auditor.goto("/");
  await auditor.getByRole("link", { name: /回访发现未收到或金额不符，待核查/ }).click();
  await expect(auditor).toHaveURL(/\/callbacks\/problems/);
  const problem = auditor.getByTestId("callback-problem").filter({ hasText: household });
  await expect(problem).toContainText("本人称春节前后未收到慰问金");
  await expect(problem).toContainText("吴回访");
  await screenshot(auditor, "receipts-problems");
  await problem.getByRole("button", { name: "核查办结" }).click();
  await confirmIn(auditor, `核查办结：${household}家`, async (dialog) => {
    await dialog.getByLabel("核查结论").fill("已调取签收表与本人核对，系家属代领，已告知本人");
  });
  await expect(auditor.getByText("没有待核查的回访问题")).toBeVisible();
  await auditor.goto("/callbacks/coverage");
  await expect(auditor.getByTestId("coverage-row").filter({ hasText: "兰州佛慈制药股份有限公司工会" })).toBeVisible();
  await auditor.setViewportSize({ width: 390, height: 844 });
  await screenshot(auditor, "receipts-coverage-390");
});
