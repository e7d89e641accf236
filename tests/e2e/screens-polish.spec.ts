// Guards issue 26's screens in the browser, at desktop width with a phone screenshot of each:
// 录入核查 decides nothing for the caseworker; 保存草稿 needs a name or an ID number; an ID number
// is checked on leaving the field and a 15-digit one offered in its 18-digit form; the archive
// finds a household by the ID tail it shows and a member's name, within scope, and lists each
// status once; the users page warns about and lists accounts that both file
// and approve. One signed-in browser per user, shared by the checks of this file.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { createOpenFile, expect, loginAs, sql, test } from "./support/fixtures";

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const contexts = new Map<string, BrowserContext>();

async function pageFor(browser: Browser, username: string, viewport = DESKTOP): Promise<Page> {
  const key = `${username}-${viewport.width}`;
  let context = contexts.get(key);
  if (!context) {
    context = await browser.newContext({
      viewport,
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
      isMobile: viewport.width < 500,
      hasTouch: viewport.width < 500,
    });
    await loginAs(context, username);
    contexts.set(key, context);
  }
  return context.newPage();
}

/** The same address at 390 px, for a person to look at (test-results/screens/polish-*-phone.png). */
async function phoneShot(browser: Browser, username: string, url: string, name: string) {
  const phone = await pageFor(browser, username, PHONE);
  await phone.goto(url);
  await phone.locator("main").first().waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${name} at 390 px`).toBeLessThanOrEqual(0);
  await phone.screenshot({ path: `test-results/screens/polish-${name}-phone.png`, fullPage: true });
  await phone.close();
}

test.afterAll(async () => {
  for (const context of contexts.values()) await context.close();
});

test("录入核查 starts with no conclusion, requires the facts, and asks why a conclusion departs from the suggestion", async ({ browser }) => {
  // Several pages and a phone screenshot: slow on 2 shared cores.
  test.slow();
  const [existing] = await sql<{ id: string }>("SELECT id FROM household_file WHERE holder_name = '钱立新' LIMIT 1");
  const fileId =
    existing?.id ??
    (await createOpenFile({ orgCode: "GSLZ", holderName: "钱立新", holderId: "620102197204180519", caseworker: "lz_caseworker", official: "lz_official" }));
  const page = await pageFor(browser, "lz_caseworker");
  await page.goto(`/files/${fileId}`);
  await page.getByRole("button", { name: "录入核查" }).click();
  const dialog = page.getByRole("dialog", { name: "录入核查" });
  await expect(dialog.getByLabel("核查结论")).toHaveValue("");
  await expect(dialog.getByLabel("核查发现")).toHaveValue("");
  await dialog.getByRole("button", { name: "确认录入" }).click();
  await expect(dialog.getByText("请选择核查结论")).toBeVisible();
  await expect(dialog.getByText("请选择核查发现")).toBeVisible();
  expect(await sql("SELECT 1 FROM recheck WHERE file_id = $1", [fileId])).toHaveLength(0);

  // 5000 a month for one person no longer qualifies: keeping 深度困难 needs a reason.
  await dialog.getByLabel("核查月收入金额 1").fill("5000");
  await dialog.getByLabel("核查结论").selectOption({ label: "维持原类别" });
  await dialog.getByLabel("核查发现").selectOption({ label: "核查无误" });
  await dialog.getByRole("button", { name: "确认录入" }).click();
  await expect(dialog.getByText("请填写核查情况（入户所见、收支有无变化）")).toBeVisible();
  await dialog.getByLabel("核查情况 / 理由").fill("入户核实：本人新找到临时工作");
  await dialog.getByRole("button", { name: "确认录入" }).click();
  await expect(dialog.getByText("核查结论（维持原类别）与系统按本次收支建议的类别（不符合条件）不一致，请说明理由。").first()).toBeVisible();
  expect(await sql("SELECT 1 FROM recheck WHERE file_id = $1", [fileId])).toHaveLength(0);
  await page.screenshot({ path: "test-results/screens/polish-recheck-reason-desktop.png" });
  await dialog.getByLabel("与系统建议不一致的理由").fill("临时工作三个月后结束，届时再核");
  await dialog.getByRole("button", { name: "确认录入" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("与系统建议不一致的理由：临时工作三个月后结束，届时再核")).toBeVisible();
  await phoneShot(browser, "lz_caseworker", `/files/${fileId}`, "recheck-row");
  await page.close();
});

test("保存草稿 needs a name or ID number; an ID number is checked on leaving it, and a 15-digit one is offered as 18 digits", async ({ browser }) => {
  // Several pages and a phone screenshot: slow on 2 shared cores.
  test.slow();
  const page = await pageFor(browser, "lz_caseworker");
  await page.goto("/intake/new");
  const before = await sql<{ n: string }>("SELECT count(*)::text AS n FROM household_file WHERE status = 'DRAFT'");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByText("保存草稿前请至少填写建档职工的姓名或公民身份号码")).toBeVisible();
  expect(await sql<{ n: string }>("SELECT count(*)::text AS n FROM household_file WHERE status = 'DRAFT'")).toEqual(before);

  const id = page.locator("#members\\.0\\.residentId");
  await id.fill("620102198503160508");
  await id.blur();
  await expect(page.getByText("公民身份号码校验位不正确，请逐位核对。")).toBeVisible();
  await id.fill("620102850316050");
  await id.blur();
  await expect(page.getByText("这是 15 位旧号码，请确认下方换算的 18 位号码。")).toBeVisible();
  const offer = page.getByTestId("resident-id-upgrade-0");
  await expect(offer).toContainText("620102198503160509");
  await page.screenshot({ path: "test-results/screens/polish-id-upgrade-desktop.png" });
  await offer.getByRole("button", { name: "改用 18 位号码" }).click();
  await expect(id).toHaveValue("620102198503160509");
  await expect(page.getByText("这是 15 位旧号码，请确认下方换算的 18 位号码。")).toHaveCount(0);
  await expect(page.locator("#members\\.0\\.birthDate")).toHaveValue("1985-03-16");
  await page.close();
  await phoneShot(browser, "lz_caseworker", "/intake/new", "intake");
});

test("the archive finds a household by the ID tail it shows and by a member's name, with the default status listing each status once", async ({ browser }) => {
  // Several pages and a phone screenshot: slow on 2 shared cores.
  test.slow();
  const [existing] = await sql<{ id: string }>("SELECT id FROM household_file WHERE holder_name = '孙海涛' LIMIT 1");
  const fileId =
    existing?.id ??
    (await createOpenFile({ orgCode: "GSLZ", holderName: "孙海涛", holderId: "620102196807220537", caseworker: "lz_caseworker", official: "lz_official" }));
  // A spouse in the file's data (what the search reads) and its people.
  await sql(
    `UPDATE household_file SET data = jsonb_set(data, '{members}', data->'members' || '[{"name": "欧阳丽华", "relation": "SPOUSE"}]'::jsonb)
      WHERE id = $1 AND NOT data->'members' @> '[{"name": "欧阳丽华"}]'`,
    [fileId],
  );
  const page = await pageFor(browser, "lz_caseworker");
  await page.goto("/archive");
  const status = page.locator("select[name=status]");
  await expect(status.locator("option", { hasText: /^在档$/ })).toHaveCount(1);
  await expect(status).toHaveValue("");
  for (const q of ["0537", "欧阳丽华"]) {
    await page.getByLabel(/姓名 \/ 身份号码/).fill(q);
    await page
      .getByRole("button", { name: /查询|搜索/ })
      .first()
      .click();
    await expect(page.getByRole("link", { name: "孙海涛" }), q).toBeVisible();
  }
  await page.screenshot({ path: "test-results/screens/polish-archive-desktop.png", fullPage: true });
  await page.close();
  await phoneShot(browser, "lz_caseworker", "/archive?q=0537", "archive");
  // Another city's caseworker finds nothing by the same tail.
  const other = await pageFor(browser, "ts_caseworker");
  await other.goto("/archive?q=0537");
  await expect(other.getByRole("link", { name: "孙海涛" })).toHaveCount(0);
  await other.close();
});

test("users: an account that both files and approves is warned about and listed", async ({ browser }) => {
  // Several pages and a phone screenshot: slow on 2 shared cores.
  test.slow();
  const page = await pageFor(browser, "lz_admin");
  await page.goto("/admin/users/new");
  await expect(page.getByTestId("dual-role-warning")).toHaveCount(0);
  await page.getByRole("checkbox", { name: "审批人" }).check();
  await expect(page.getByTestId("dual-role-warning")).toContainText("不能由本人初审、审定或审批");
  await page.screenshot({ path: "test-results/screens/polish-user-roles-desktop.png" });
  await page.getByLabel("登录名").fill(`lz_both_${Date.now().toString(36)}`);
  await page.getByLabel("姓名").fill("韩双岗");
  await page.getByLabel("初始密码").fill("Both-roles-2026");
  await page.getByRole("button", { name: "新建用户" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/[0-9a-f-]+\?created=1/);
  await expect(page.getByTestId("dual-role-warning")).toBeVisible();
  await page.goto("/admin/users");
  await expect(page.getByTestId("dual-role-users")).toContainText("韩双岗");
  await page.close();
  await phoneShot(browser, "lz_admin", "/admin/users", "users");
});

test("the printed 档案表册 carries full ID numbers for the archive room, says so, and offers a masked copy", async ({ browser }) => {
  // Several pages and a phone screenshot: slow on 2 shared cores.
  test.slow();
  const [existing] = await sql<{ id: string }>("SELECT id FROM household_file WHERE holder_name = '钱立新' LIMIT 1");
  const fileId =
    existing?.id ??
    (await createOpenFile({ orgCode: "GSLZ", holderName: "钱立新", holderId: "620102197204180519", caseworker: "lz_caseworker", official: "lz_official" }));
  const page = await pageFor(browser, "lz_caseworker");
  await page.goto(`/print/files?id=${fileId}`);
  await expect(page.getByTestId("print-id-mode")).toContainText("公民身份号码完整打印（已记入审计日志）");
  await expect(page.getByText("620102197204180519").first()).toBeVisible();
  await expect(page.getByText("身份号码：完整").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screens/polish-print-full-desktop.png", fullPage: true });
  await page.getByRole("link", { name: "改为脱敏打印" }).click();
  await expect(page.getByText("身份号码：已脱敏").first()).toBeVisible();
  await expect(page.getByText("620102197204180519")).toHaveCount(0);
  await page.close();
});

test("统计报表 keeps the last report beside a refused quarter and shows the month it shows; 审核 headings match their rows; an approval restates what it approves", async ({
  browser,
}) => {
  // Several pages and a phone screenshot: slow on 2 shared cores.
  test.slow();
  const auditor = await pageFor(browser, "lz_auditor");
  await auditor.goto("/reports");
  const month = await auditor.getByLabel("月份（月度）").inputValue();
  expect(month).toMatch(/^\d{4}-\d{2}$/);
  await expect(auditor.getByText(`兰州市总工会 · ${month.slice(0, 4)}年${Number(month.slice(5))}月`)).toBeVisible();
  await expect(auditor.getByText(/docs\/decisions/)).toHaveCount(0);
  await expect(auditor.getByText(/^说明：错评率 = /)).toBeVisible();
  await auditor.getByLabel("统计周期").selectOption({ label: "季度" });
  await auditor.getByLabel(/季度（如/).fill("2026Q5");
  await auditor.getByRole("button", { name: "查询" }).click();
  await expect(auditor.locator("#report-quarter-error")).toHaveText("季度应写作“年份-Q季度”，季度为 1 至 4，如 2026-Q4");
  await expect(auditor.getByLabel(/季度（如/)).toHaveValue("2026Q5");
  await expect(auditor.getByText(`兰州市总工会 · ${month.slice(0, 4)}年${Number(month.slice(5))}月`)).toBeVisible();
  await expect(auditor.getByRole("heading", { name: "期间救助资金（按组织）" })).toBeVisible();
  await auditor.screenshot({ path: "test-results/screens/polish-report-bad-quarter-desktop.png" });
  await auditor.close();

  // A pending tier change on a Lanzhou file, for the approval dialog.
  const [existing] = await sql<{ id: string }>("SELECT id FROM household_file WHERE holder_name = '孙秀梅' LIMIT 1");
  const fileId =
    existing?.id ??
    (await createOpenFile({ orgCode: "GSLZ", holderName: "孙秀梅", holderId: "620102197806120526", caseworker: "lz_caseworker", official: "lz_official" }));
  await sql(
    `INSERT INTO change_request (file_id, organisation_id, kind, file_version, current_tier, proposed_tier, reason, requested_by_id)
     SELECT f.id, f.organisation_id, 'TIER_CHANGE', f.version, 'DEEP', 'RELATIVE', '收入增加', u.id FROM household_file f, app_user u
     WHERE f.id = $1 AND u.username = 'lz_caseworker' AND NOT EXISTS (SELECT 1 FROM change_request WHERE file_id = f.id AND status = 'PENDING')`,
    [fileId],
  );
  const official = await pageFor(browser, "lz_official");
  await official.goto("/review");
  for (const part of ["pending-batches", "pending-disbursements", "pending-reversals", "approved-batches"]) {
    const section = official.getByTestId(part);
    const count = Number(await section.getByTestId("count").textContent());
    if (count <= 50) await expect(section.locator("tbody tr"), part).toHaveCount(count);
  }
  const row = official.getByTestId("change-row").filter({ hasText: "孙秀梅" });
  await row.getByRole("button", { name: "批准", exact: true }).click();
  const dialog = official.getByRole("dialog", { name: "批准" });
  await expect(dialog.getByText(/^批准：孙秀梅家庭（.*）：调整困难类别，由“深度困难”改为“相对困难”。$/)).toBeVisible();
  await official.screenshot({ path: "test-results/screens/polish-approve-change-desktop.png" });
  await official.close();
  await phoneShot(browser, "lz_official", "/review", "review");
  await phoneShot(browser, "lz_auditor", "/reports?kind=quarter&quarter=2026Q5", "report-bad-quarter");
});
