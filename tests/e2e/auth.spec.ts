// Guards sign-in as a person meets it: the form, wrong passwords (one answer for every refusal,
// growing waits instead of a lock-out, the notice at the next sign-in), sign-out, and sessions that
// end when the user is disabled or idle.
import { createUser, expect, pageAs, screenshot, signInWithForm, sql, test } from "./support/fixtures";

test("a caseworker signs in, sees their organisation's empty archive and signs out", async ({ page }) => {
  await page.goto("/archive");
  await expect(page).toHaveURL(/\/login$/);
  await screenshot(page, "login");
  await signInWithForm(page, "lz_caseworker", "Bangfu@2026");
  // Signing in lands on the workbench (工作台); the archive is one click away.
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "工作台" })).toBeVisible();
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "档案" }).click();
  await expect(page).toHaveURL(/\/archive$/);
  await expect(page.getByTestId("current-user")).toContainText("王静");
  await expect(page.getByTestId("current-user")).toContainText("兰州市总工会");
  await expect(page.getByText("暂无档案")).toBeVisible();
  await expect(page.getByRole("link", { name: "用户管理" })).toHaveCount(0);
  await screenshot(page, "archive-empty");

  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/archive");
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password is refused with a message and recorded", async ({ page }) => {
  const user = await createUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
  await signInWithForm(page, user.username, "not-the-password");
  await expect(page.locator("main").getByRole("alert")).toHaveText("用户名或密码错误。");
  await expect(page).toHaveURL(/\/login/);
  await screenshot(page, "login-wrong-password");
  const rows = await sql<{ outcome: string; ip: string }>("SELECT outcome, ip FROM sign_in_attempt WHERE username = $1", [user.username]);
  expect(rows).toEqual([{ outcome: "BAD_PASSWORD", ip: expect.any(String) }]);
});

test("wrong passwords slow a name down but never lock it, read like an unknown name, and are reported at the next sign-in", async ({ page }) => {
  const user = await createUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
  // Six wrong passwords: after the fifth the name must wait, and the page still says only this.
  for (let i = 0; i < 6; i++) {
    await signInWithForm(page, user.username, `wrong-${i}`);
    await expect(page.locator("main").getByRole("alert")).toHaveText("用户名或密码错误。");
  }
  await signInWithForm(page, `no-such-user-${Date.now()}`, "whatever-1");
  await expect(page.locator("main").getByRole("alert")).toHaveText("用户名或密码错误。");
  await screenshot(page, "login-wrong-password-slowed");

  // The wait is a second or two, not a lock: the right password gets in once it has passed.
  await expect(async () => {
    await signInWithForm(page, user.username, user.password);
    await expect(page).toHaveURL(/\/$/, { timeout: 3000 });
  }).toPass({ timeout: 20_000 });
  const rows = await sql<{ failed: number }>("SELECT count(*)::int AS failed FROM sign_in_attempt WHERE username = $1 AND outcome <> 'SUCCESS'", [
    user.username,
  ]);
  const failed = rows[0]!.failed;
  expect(failed).toBeGreaterThanOrEqual(6);
  const notice = page.getByTestId("sign-in-notice");
  await expect(notice).toContainText(`自上次登录以来，您的账户有 ${failed} 次失败的登录尝试。如果不是您本人操作，请尽快联系本单位系统管理员修改密码。`);
  await screenshot(page, "sign-in-notice");
  // It stays on every page until the user says they have read it, then it is gone for good.
  await page.reload();
  await expect(notice).toBeVisible();
  await notice.getByRole("button", { name: "知道了" }).click();
  await expect(notice).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "工作台" })).toBeVisible();
  await expect(notice).toHaveCount(0);
});

test("a user disabled by an administrator is signed out on their next request", async ({ browser }) => {
  const user = await createUser({ orgCode: "GSLZCG", roles: ["CASEWORKER"], name: "待停用" });
  const userPage = await pageAs(browser, user.username);
  await userPage.goto("/archive");
  await expect(userPage.getByTestId("current-user")).toContainText("待停用");

  const admin = await pageAs(browser, "lz_admin");
  await admin.goto(`/admin/users/${user.id}`);
  await admin.getByRole("button", { name: "停用账户" }).click();
  await screenshot(admin, "user-disable-confirm");
  await admin.getByRole("dialog").getByRole("button", { name: "停用" }).click();
  await expect(admin.getByText("已停用")).toBeVisible();

  await userPage.goto("/orgs");
  await expect(userPage).toHaveURL(/\/login\?expired=1/);
  await expect(userPage.locator("main").getByRole("status")).toContainText("登录已过期");
});

test("a role change takes effect on the user's next request", async ({ browser }) => {
  const user = await createUser({ orgCode: "GSLZ", roles: ["ADMIN"] });
  const userPage = await pageAs(browser, user.username);
  await userPage.goto("/admin/users");
  await expect(userPage.getByRole("heading", { name: "用户管理" })).toBeVisible();
  await sql("UPDATE app_user SET roles = '{CASEWORKER}', session_version = session_version + 1 WHERE id = $1", [user.id]);
  await userPage.goto("/admin/users");
  await expect(userPage).toHaveURL(/\/login/);
});

test("an idle session ends", async ({ browser }) => {
  const user = await createUser({ orgCode: "GSLZ", roles: ["AUDITOR"] });
  const page = await pageAs(browser, user.username);
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "审计日志" })).toBeVisible();
  await sql("UPDATE user_session SET last_seen_at = now() - interval '2 hours' WHERE user_id = $1", [user.id]);
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/login\?expired=1/);
});
