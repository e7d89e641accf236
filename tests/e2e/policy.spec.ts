// Guards policy administration in the browser: an administrator adds next year's 低保 standard,
// a standard from today and a new grant amount; a batch built before the change keeps its amounts,
// one built after uses the new grant, and a new filing's tier suggestion uses the new 低保. Also
// shows the calendar pages (待办事项, 年度抽查, 定时任务) at desktop and phone width.
import type { Locator, Page } from "@playwright/test";
import { expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";
import { residentId } from "../support/resident-ids";

const shanghaiToday = () => new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());

async function studentFile(organisationId: string, name: string) {
  const holder = residentId({ birthDate: "1975-02-11" });
  const child = residentId({ birthDate: "2008-03-01", sex: "FEMALE" });
  const data = {
    organisationId,
    fileLevel: "CITY",
    workerCategory: "URBAN",
    housing: "RENT",
    holderUnionMember: true,
    suddenEvent: false,
    mainCause: "EDUCATION",
    secondaryCauses: [],
    proposedTier: "DEEP",
    needs: "助学",
    members: [
      {
        name,
        relation: "SELF",
        residentId: holder,
        birthDate: "1975-02-11",
        sex: "MALE",
        health: "HEALTHY",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
      {
        name: `${name.slice(0, 1)}小雪`,
        relation: "CHILD",
        residentId: child,
        birthDate: "2008-03-01",
        sex: "FEMALE",
        health: "HEALTHY",
        education: "UNIVERSITY",
        employment: "NOT_WORKING_AGE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "WAGES", monthlyFen: 150000 }],
    expenditures: [],
  };
  const [file] = await sql<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 2, 'CITY', 'URBAN', 'EDUCATION', 'DEEP', 'DEEP', $6, $6, now(), $7, now(), now(), 'CONSISTENT', CURRENT_DATE + 3) RETURNING id`,
    [organisationId, `POL-${Date.now()}`, JSON.stringify(data), name, holder, await userId("lz_caseworker"), await userId("lz_official")],
  );
  await sql(
    `INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id) VALUES ($1, $2, '兰州银行', '622848001234567890', $3, $4)`,
    [file!.id, organisationId, name, await userId("lz_caseworker")],
  );
  return file!.id;
}

async function buildEducationBatch(page: Page, organisationId: string, name: string) {
  await page.goto("/batches/new");
  await page.getByLabel("批次名称").fill(name);
  await page.getByLabel("发放范围（组织，含下级）").selectOption(organisationId);
  await page.getByLabel("救助类型").selectOption({ label: "助学救助（金秋助学）" });
  await page.getByLabel("资金来源").selectOption({ label: "中央财政专项帮扶资金" });
  await page.getByLabel("用途").fill("金秋助学");
  await page.getByRole("button", { name: "生成发放名单" }).click();
  await expect(page).toHaveURL(/\/batches\/[0-9a-f-]+\?built=1/);
  return page.url().split("?")[0]!;
}

async function addRow(page: Page, button: string, fill: (dialog: Locator) => Promise<void>) {
  await page.getByRole("button", { name: button }).click();
  const dialog = page.getByRole("dialog");
  await fill(dialog);
  await dialog.getByRole("button", { name: "保存" }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
}

test("an administrator changes the 低保 standard and a grant; new decisions use them, older ones keep theirs", async ({ browser }) => {
  test.setTimeout(180_000);
  const org = await orgId("GSLZCG01");
  await studentFile(org, "韩志强");
  const caseworker = await pageAs(browser, "lz_caseworker");
  const before = await buildEducationBatch(caseworker, org, "金秋助学（调整前）");
  await expect(caseworker.getByTestId("batch-totals")).toContainText("合计 ¥6,000.00");

  const admin = await pageAs(browser, "lz_admin");
  await admin.goto("/admin/policy");
  await expect(admin.getByRole("heading", { name: "政策参数", exact: true })).toBeVisible();
  const today = shanghaiToday();
  const nextYear = `${Number(today.slice(0, 4)) + 1}-01-01`;

  // A date in the past is refused with a reason, and nothing is saved.
  await admin.getByRole("button", { name: "新增低保标准" }).click();
  const dialog = admin.getByRole("dialog");
  await dialog.getByLabel("城市低保标准（元/人·月）").fill("960");
  await dialog.getByLabel("生效日期").fill("2020-01-01");
  await dialog.getByRole("button", { name: "保存" }).click();
  await expect(dialog.getByText(/^生效日期不能早于今天：/)).toBeVisible();
  await dialog.getByRole("button", { name: "取消" }).click();

  await addRow(admin, "新增低保标准", async (d) => {
    await d.getByLabel("城市低保标准（元/人·月）").fill("960");
    await d.getByLabel("生效日期").fill(nextYear);
    await d.getByLabel("依据或说明").fill("兰州市明年城市低保标准");
  });
  await addRow(admin, "新增低保标准", async (d) => {
    await d.getByLabel("城市低保标准（元/人·月）").fill("900");
    await d.getByLabel("生效日期").fill(today);
    await d.getByLabel("截止日期（不含，可不填）").fill(nextYear);
  });
  await addRow(admin, "新增救助标准与年度上限", async (d) => {
    await d.getByLabel("救助类型").selectOption({ label: "助学救助（金秋助学）" });
    await d.getByLabel(/^档案级别/).selectOption({ label: "市级" });
    await d.getByLabel("发放标准（元，可不填）").fill("7000");
    await d.getByLabel("年度上限（元，不填为不限）").fill("7000");
    await d.getByLabel("上限口径").selectOption({ label: "每生每年" });
    await d.getByLabel("渐退期内可享受").selectOption({ label: "是" });
  });
  await expect(admin.getByRole("cell", { name: "¥900.00 /人·月" })).toBeVisible();
  await expect(admin.getByRole("row").filter({ hasText: "助学救助（金秋助学）·市级档案" }).first()).toContainText("¥7,000.00");
  await admin
    .getByText(/^历史记录与待执行/)
    .first()
    .click();
  await expect(admin.getByRole("row").filter({ hasText: "¥960.00" }).first()).toContainText("待执行");
  await screenshot(admin, "policy-admin");
  await admin.setViewportSize({ width: 390, height: 900 });
  await screenshot(admin, "policy-admin-390");

  // The audit trail has the change with before and after.
  const [audit] = await sql<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_event WHERE action = 'policy.add-row' AND detail ? 'before' AND detail ? 'after'",
  );
  expect(audit!.n).toBe(3);

  // After the change: the new grant for a new batch; the earlier batch keeps its amount.
  await buildEducationBatch(caseworker, org, "金秋助学（调整后）");
  await expect(caseworker.getByTestId("batch-totals")).toContainText("合计 ¥7,000.00");
  await caseworker.goto(before);
  await expect(caseworker.getByTestId("batch-totals")).toContainText("合计 ¥6,000.00");

  // A filing made today suggests its tier against the new 低保 standard.
  await caseworker.goto("/intake/new");
  // The suggestion appears once there is an income to judge.
  await caseworker.getByLabel("收入来源 1").selectOption({ label: "工资性收入" });
  await caseworker.getByLabel("月收入金额 1").fill("1,300");
  await expect(caseworker.getByTestId("tier-suggestion")).toContainText("低保标准 ¥900.00");

  // The calendar pages.
  await caseworker.goto("/tasks");
  await expect(caseworker.getByRole("heading", { name: "待办事项", exact: true })).toBeVisible();
  await screenshot(caseworker, "tasks");
  const official = await pageAs(browser, "lz_official");
  await official.goto("/spot-checks");
  await official.getByRole("button", { name: /^启动 \d+ 年度抽查$/ }).click();
  await official.getByRole("dialog").getByRole("button", { name: "确认启动" }).click();
  await expect(official.getByRole("link", { name: /年度$/ })).toBeVisible({ timeout: 20_000 });
  await official.getByRole("link", { name: /年度$/ }).click();
  await expect(official.getByText("抽查名单")).toBeVisible();
  await screenshot(official, "spot-check");
  await admin.setViewportSize({ width: 1280, height: 900 });
  await admin.goto("/admin/jobs");
  await admin.getByRole("button", { name: "立即运行" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "运行" }).click();
  await expect(admin.getByText("成功").first()).toBeVisible({ timeout: 20_000 });
  await screenshot(admin, "jobs");
  await caseworker.goto("/tasks");
  await expect(caseworker.getByRole("link", { name: /^动态核查到期 \d+/ })).toBeVisible();
  await caseworker.setViewportSize({ width: 390, height: 900 });
  await screenshot(caseworker, "tasks-390");
});
