// The main screens as people see them, at desktop width and on a phone (390 px): screenshots under
// test-results/screens/ for a person to look at, and axe-core on every main page, failing on any
// serious or critical violation. At 390 px these are also the phone-width checks (issue 26) of the
// pages listed here: nothing wider than the phone, with the demo cities' real content.
// Runs last, on a server of its own (the `screens` project in playwright.config.ts), and fills the
// demo cities with households first, so the screens show real content rather than empty lists.
// The checks are independent of each other: both workers take them (parallel mode).
import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import pg from "pg";
import { databaseUrl, expect, loginAs, sql, test } from "./support/fixtures";

test.describe.configure({ mode: "parallel" });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // Each worker runs this (and again after a failed check restarts it). The lock makes the second
  // wait until the first has filled the cities; the seeding's own mark that it ran (the second
  // officials it alone creates, lib/demo/seed-demo-households.ts) then spares it a second start.
  const lock = new pg.Client({ connectionString: databaseUrl() });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('e2e screens demo households'))");
    const [seeded] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_official2'");
    if (seeded) return;
    execFileSync("npx", ["tsx", "--conditions=react-server", "scripts/seed-demo-households.ts", "--even-if-filed"], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      stdio: "inherit",
    });
  } finally {
    await lock.end();
  }
});

async function open(browser: Browser, username: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
  });
  await loginAs(context, username);
  return context.newPage();
}

/** Serious and critical axe violations, as readable lines (rule: the elements it found). */
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

async function demoFile(): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `SELECT f.id FROM household_file f JOIN app_user u ON u.id = f.created_by_id
      WHERE f.status = 'OPEN' AND u.username = 'lz_caseworker' AND EXISTS (SELECT 1 FROM visit v WHERE v.file_id = f.id)
        AND EXISTS (SELECT 1 FROM ledger_entry e WHERE e.file_id = f.id)
      ORDER BY f.file_number LIMIT 1`,
  );
  return row!.id;
}

const PAGES: Array<{ name: string; user: string; path: string | (() => Promise<string>); ready: string }> = [
  { name: "home", user: "lz_caseworker", path: "/", ready: "main" },
  { name: "intake", user: "lz_caseworker", path: "/intake/new", ready: "form" },
  { name: "household", user: "lz_caseworker", path: async () => `/files/${await demoFile()}`, ready: "[data-testid=history]" },
  { name: "archive", user: "lz_caseworker", path: "/archive", ready: "table" },
  { name: "dynamic", user: "lz_caseworker", path: "/dynamic", ready: "main" },
  { name: "review", user: "lz_official", path: "/review", ready: "main" },
  { name: "ledger", user: "lz_auditor", path: "/ledger", ready: "main" },
  { name: "batches", user: "lz_official", path: "/batches", ready: "table" },
  { name: "audit", user: "lz_auditor", path: "/audit", ready: "table" },
  { name: "exports", user: "lz_auditor", path: "/exports", ready: "main" },
  { name: "orgs", user: "lz_admin", path: "/orgs", ready: "main" },
  { name: "users", user: "lz_admin", path: "/admin/users", ready: "table" },
  { name: "not-found", user: "lz_caseworker", path: "/files/00000000-0000-4000-8000-000000000000", ready: "h1" },
];

// One check per page and width, so both workers share them and none waits for its other width.
for (const { name, user, path, ready } of PAGES) {
  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    test(`${name} at ${label === "phone" ? "390 px" : "desktop width"}: no serious accessibility violations, screenshot`, async ({ browser }) => {
      const url = typeof path === "string" ? path : await path();
      const page = await open(browser, user, viewport);
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      expect(await seriousViolations(page), `${name} at ${label}`).toEqual([]);
      if (label === "phone") {
        // Nothing wider than the phone: tables scroll inside their own box.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: `test-results/screens/${name}-${label}.png`, fullPage: true });
      await page.context().close();
    });
  }
}

test("phone header: a menu button opens the sections and 退出登录", async ({ browser }) => {
  const page = await open(browser, "lz_caseworker", PHONE);
  await page.goto("/archive");
  const header = page.locator("header");
  expect((await header.boundingBox())!.height).toBeLessThan(80);
  await page.getByRole("button", { name: "菜单" }).click();
  await expect(page.getByRole("link", { name: "建档", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/menu-phone.png" });
  await page.getByRole("link", { name: "建档", exact: true }).click();
  await expect(page).toHaveURL(/\/intake$/);
  await expect(page.getByRole("link", { name: "建档", exact: true })).toBeHidden();
});

test("intake on a phone: numeric keypads for money and ID numbers, focus on the first field in error", async ({ browser }) => {
  const page = await open(browser, "lz_caseworker", PHONE);
  await page.goto("/intake/new");
  await expect(page.getByTestId("tier-suggestion")).toContainText("填写家庭收入后");
  await expect(page.getByLabel("月收入金额 1")).toHaveAttribute("inputmode", "decimal");
  await expect(page.locator("#members\\.0\\.residentId")).toHaveAttribute("inputmode", "numeric");
  await page.getByLabel("月收入金额 1").fill("900");
  await expect(page.getByTestId("tier-suggestion")).toContainText("系统建议");
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByText(/有 \d+ 处需要修改/)).toBeVisible();
  await expect(page.locator("#fileLevel")).toBeFocused();
});
