// Guards issue 26's phone width: at 390 px no main page, and no dialog of the household page, is
// wider than the phone, and every dialog's confirm button can be seen and reached. A page added
// later is one line in PAGES; a dialog of the file page one line in FILE_DIALOGS. Screenshots
// under test-results/screens/phone-*.png; axe-core on every page (0 serious or critical).
// The main pages screens.spec.ts opens at 390 px (home, intake, archive, dynamic, review, ledger,
// batches, audit, exports, orgs, users) are checked there, with the same assertions, on the demo
// cities filled with households; each page and width is checked once.
// The checks are independent of each other: both workers of the shared project share them
// (parallel mode), each worker with one signed-in phone page per user.
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import pg from "pg";
import { createOpenFile, databaseUrl, expect, loginAs, sql, test } from "./support/fixtures";

test.describe.configure({ mode: "parallel" });

const PHONE = { width: 390, height: 844 };

let fileId = "";
const contexts = new Map<string, BrowserContext>();
const pages = new Map<string, Page>();

/** One signed-in phone page per user, reused by every check of this file that this worker runs. */
async function phonePage(browser: Browser, username: string): Promise<Page> {
  let page = pages.get(username);
  if (!page || page.isClosed()) {
    let context = contexts.get(username);
    if (!context) {
      context = await browser.newContext({ viewport: PHONE, locale: "zh-CN", timezoneId: "Asia/Shanghai", isMobile: true, hasTouch: true });
      await loginAs(context, username);
      contexts.set(username, context);
    }
    page = await context.newPage();
    pages.set(username, page);
  }
  return page;
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 5)
          .join(" | ")}`,
    );
}

const PAGES: Array<{ name: string; user: string; path: string | (() => string) }> = [
  { name: "home-official", user: "lz_official", path: "/" },
  { name: "home-admin", user: "lz_admin", path: "/" },
  { name: "intake", user: "lz_caseworker", path: "/intake" },
  { name: "file", user: "lz_caseworker", path: () => `/files/${fileId}` },
  { name: "file-official", user: "lz_official", path: () => `/files/${fileId}` },
  { name: "file-edit", user: "lz_caseworker", path: () => `/files/${fileId}/edit` },
  { name: "import", user: "lz_caseworker", path: "/import" },
  { name: "civil", user: "lz_caseworker", path: "/civil" },
  { name: "ledger-new", user: "lz_caseworker", path: "/ledger/new" },
  { name: "batches-new", user: "lz_caseworker", path: "/batches/new" },
  { name: "reports", user: "lz_auditor", path: "/reports" },
  { name: "users-new", user: "lz_admin", path: "/admin/users/new" },
  { name: "backups", user: "lz_admin", path: "/admin/backups" },
  { name: "policy", user: "lz_admin", path: "/admin/policy" },
  { name: "jobs", user: "lz_admin", path: "/admin/jobs" },
  { name: "tasks", user: "lz_caseworker", path: "/tasks" },
  { name: "spot-checks", user: "lz_official", path: "/spot-checks" },
  // Issue 23: money from allocation to the household.
  { name: "allocations", user: "lz_official", path: "/allocations" },
  { name: "allocations-report", user: "lz_auditor", path: "/allocations/report" },
  { name: "batches-returned", user: "lz_caseworker", path: "/batches/returned" },
  { name: "reconciliation", user: "lz_auditor", path: "/ledger/reconciliation" },
  { name: "payment-runs", user: "lz_official", path: "/ledger/payment-runs" },
  { name: "callbacks", user: "lz_caseworker", path: "/callbacks" },
  { name: "callbacks-problems", user: "lz_auditor", path: "/callbacks/problems" },
  { name: "callbacks-coverage", user: "lz_auditor", path: "/callbacks/coverage" },
  { name: "bank-layouts", user: "lz_admin", path: "/admin/bank-layouts" },
  // Issue 25: warnings, signals and their report.
  { name: "warnings", user: "lz_caseworker", path: "/warnings" },
  { name: "warnings-report", user: "lz_auditor", path: "/warnings/report" },
  { name: "signals", user: "lz_auditor", path: "/signals" },
];

/** The buttons of an open file's page that open a dialog, for its caseworker. */
const FILE_DIALOGS: Array<{ button: string; dialog: string; confirm: string }> = [
  { button: "登记走访", dialog: "登记走访", confirm: "确认登记" },
  { button: "设置结对帮扶", dialog: "设置结对帮扶", confirm: "确认保存" },
  { button: "添加帮扶措施", dialog: "添加帮扶措施", confirm: "确认添加" },
  { button: "申请调整类别", dialog: "申请调整类别", confirm: "确认提交申请" },
  { button: "申请退档", dialog: "申请退档", confirm: "确认提交申请" },
  { button: "申请转出", dialog: "申请转出", confirm: "确认提交申请" },
  { button: "录入核查", dialog: "录入核查", confirm: "确认录入" },
];

test.beforeAll(async () => {
  // Once per run, also when a failed check restarts the worker, and by one of the two workers:
  // both run this, and the lock makes the second wait and find the first one's file (one open
  // file per person).
  const lock = new pg.Client({ connectionString: databaseUrl() });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('e2e phone-width file'))");
    fileId = await phoneFile();
  } finally {
    await lock.end();
  }
});

async function phoneFile(): Promise<string> {
  const [existing] = await sql<{ id: string }>("SELECT id FROM household_file WHERE holder_name = '欧阳建军' AND status = 'OPEN' LIMIT 1");
  if (existing) return existing.id;
  const id = await createOpenFile({
    orgCode: "GSLZ",
    holderName: "欧阳建军",
    holderId: "620102198503160509",
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  // What widened the page: a re-check and a long tier-history line beside the table.
  await sql(
    `INSERT INTO recheck (file_id, episode, check_date, visitors, recorded_by_id, figures, per_capita_monthly_fen, suggested_tier, tier_at_check, outcome, finding, note)
     SELECT $1, 1, current_date - 30, '王静、社区网格员、街道工会干事', id, '{}', 20000, 'DEEP', 'DEEP', 'CONFIRM', 'ACCURATE', '入户核实：配偶每周透析三次，家中无其他劳动力，收入仅低保' FROM app_user WHERE username = 'lz_caseworker'`,
    [id],
  );
  await sql(
    "INSERT INTO visit (file_id, visit_date, visitors, findings, recorded_by_id) SELECT $1, current_date - 3, '王静、李明', '配偶透析，每周三次', id FROM app_user WHERE username = 'lz_caseworker'",
    [id],
  );
  return id;
}

test.afterAll(async () => {
  for (const context of contexts.values()) await context.close();
});

for (const { name, user, path } of PAGES) {
  test(`${name} fits a 390 px phone, with no serious accessibility violation`, async ({ browser }) => {
    const page = await phonePage(browser, user);
    await page.goto(typeof path === "string" ? path : path());
    await page.locator("main").first().waitFor();
    expect(await horizontalOverflow(page), `${name} is wider than the phone`).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `test-results/screens/phone-${name}.png`, fullPage: true });
  });
}

test("every dialog of the file page opens within the phone with its confirm button in view", async ({ browser }) => {
  const page = await phonePage(browser, "lz_caseworker");
  await page.goto(`/files/${fileId}`);
  await expect(page.getByTestId("tier-history")).toBeVisible();
  expect(await horizontalOverflow(page), "file page").toBeLessThanOrEqual(0);
  for (const { button, dialog, confirm } of FILE_DIALOGS) {
    await page.getByRole("button", { name: button, exact: true }).click();
    const box = page.getByRole("dialog", { name: dialog });
    await expect(box).toBeVisible();
    expect(await horizontalOverflow(page), `${dialog}: page`).toBeLessThanOrEqual(0);
    const confirmButton = box.getByRole("button", { name: confirm });
    await confirmButton.scrollIntoViewIfNeeded();
    await expect(confirmButton).toBeInViewport({ ratio: 1 });
    const dialogBox = (await box.boundingBox())!;
    expect(dialogBox.x, `${dialog}: left edge`).toBeGreaterThanOrEqual(0);
    expect(dialogBox.x + dialogBox.width, `${dialog}: right edge`).toBeLessThanOrEqual(PHONE.width);
    // Nothing inside the dialog scrolls sideways either.
    expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth), `${dialog}: inside`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/screens/phone-dialog-${button}.png` });
    await box.getByRole("button", { name: "取消" }).click();
    await expect(box).toBeHidden();
  }
  await page.close();
});
