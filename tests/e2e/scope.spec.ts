// Guards organisation scope and roles through the real server: the "attacker" works for Lanzhou
// city union, the "victim" is Tianshui city union. Server actions are also called directly, with
// the request a tampered browser would send, because a page-level check does not protect an action.
import { readFile } from "node:fs/promises";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";

test("a caseworker cannot open another city's organisation or an administrator's page", async ({ browser }) => {
  const page = await pageAs(browser, "lz_caseworker");
  await page.goto(`/orgs/${await orgId("GSLZXG")}`);
  await expect(page.getByRole("heading", { name: "西固区总工会" })).toBeVisible();
  await screenshot(page, "org-page");

  await page.goto(`/orgs/${await orgId("GSTSQZ")}`);
  await expect(page.getByText("不在您的管辖范围内")).toBeVisible();
  await expect(page.getByText("秦州区总工会")).toHaveCount(0);

  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/403$/);
  await expect(page.getByRole("heading", { name: "无权访问此页面" })).toBeVisible();
  await screenshot(page, "forbidden");
});

test("an administrator cannot open another city's user", async ({ browser }) => {
  const page = await pageAs(browser, "lz_admin");
  await page.goto(`/admin/users/${await userId("ts_caseworker")}`);
  await expect(page.getByText("不在您的管辖范围内")).toBeVisible();
  await expect(page.getByText("刘芳")).toHaveCount(0);
});

type TCapturedAction = { url: string; headers: Record<string, string>; body: unknown[] };

/** Creates a user through the form and keeps the server-action request the browser sent. */
async function captureCreateUser(page: Page): Promise<TCapturedAction> {
  await page.goto("/admin/users/new");
  await page.getByLabel("登录名").fill(`scope_probe_${Date.now().toString(36)}`);
  await page.getByLabel("姓名").fill("范围探针");
  await page.getByLabel("初始密码").fill("Probe-password-1");
  const requestPromise = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByRole("button", { name: "新建用户" }).click();
  const request = await requestPromise;
  await expect(page.getByText("用户已创建")).toBeVisible();
  const headers = request.headers();
  return {
    url: request.url(),
    headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: "text/x-component" },
    body: JSON.parse(request.postData()!) as unknown[],
  };
}

async function replay(request: APIRequestContext, action: TCapturedAction, change: Record<string, unknown>) {
  const [input] = action.body as [Record<string, unknown>];
  const response = await request.post(action.url, { headers: action.headers, data: JSON.stringify([{ ...input, ...change }]) });
  return response.text();
}

test("server actions re-check scope and role when called directly", async ({ browser }) => {
  const adminPage = await pageAs(browser, "lz_admin");
  const action = await captureCreateUser(adminPage);
  const tianshui = await orgId("GSTS");

  // The same administrator, with the organisation swapped for another city's.
  const scopeAttack = await replay(adminPage.request, action, { username: "planted_admin", organisationId: tianshui });
  expect(scopeAttack).toContain("不在您的管辖范围内");

  // A caseworker and an auditor of the same city call the administrator's action.
  for (const username of ["lz_caseworker", "lz_auditor"]) {
    const page = await pageAs(browser, username);
    const roleAttack = await replay(page.request, action, { username: `planted_${username}` });
    expect(roleAttack).toContain("您没有权限执行此操作");
  }

  const planted = await sql("SELECT username FROM app_user WHERE username LIKE 'planted_%'");
  expect(planted).toEqual([]);
});

test("an auditor cannot call a mutating action on a user", async ({ browser }) => {
  const adminPage = await pageAs(browser, "lz_admin");
  const victim = await userId("lz_official");
  await adminPage.goto(`/admin/users/${victim}`);
  const requestPromise = adminPage.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await adminPage.getByLabel("新密码").fill("short");
  await adminPage.getByRole("button", { name: "重置密码" }).click();
  // The browser-side check stops this one; a valid password goes through to capture the request.
  await expect(adminPage.getByText("密码至少 10 位")).toBeVisible();
  await adminPage.getByLabel("新密码").fill("Reset-password-1");
  await adminPage.getByRole("button", { name: "重置密码" }).click();
  const request = await requestPromise;
  await expect(adminPage.getByText("密码已重置")).toBeVisible();
  const before = await sql<{ password_hash: string }>("SELECT password_hash FROM app_user WHERE id = $1", [victim]);

  const auditor = await pageAs(browser, "lz_auditor");
  const response = await auditor.request.post(request.url(), {
    headers: { "next-action": request.headers()["next-action"]!, "content-type": request.headers()["content-type"]!, accept: "text/x-component" },
    data: JSON.stringify([{ userId: victim, password: "Auditor-took-1" }]),
  });
  expect(await response.text()).toContain("您没有权限执行此操作");
  const after = await sql<{ password_hash: string }>("SELECT password_hash FROM app_user WHERE id = $1", [victim]);
  expect(after).toEqual(before);
});

test("an auditor exports the audit trail as CSV; other roles cannot", async ({ browser }) => {
  const auditor = await pageAs(browser, "lz_auditor");
  await auditor.goto("/audit?tab=signins");
  const downloadPromise = auditor.waitForEvent("download");
  await auditor.getByRole("link", { name: "导出 CSV" }).click();
  const download = await downloadPromise;
  const text = await readFile((await download.path())!, "utf8");
  expect(text.startsWith('\uFEFF"时间","用户名"')).toBe(true);
  expect(download.suggestedFilename()).toContain("登录记录");

  const caseworker = await pageAs(browser, "lz_caseworker");
  const refused = await caseworker.request.get("/audit/export?tab=events");
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("没有权限");
});
