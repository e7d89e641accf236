// Guards the web surface in a real browser against the built app behind scripts/serve.ts: every
// page carries a nonce CSP (and the app still works under it: sign-in and navigation run scripts),
// framing is refused, and a forged X-Forwarded-For is neither trusted for the sign-in limit nor
// written to the audit trail. Also: an out-of-scope organisation in a URL filter is told, not a 500,
// and the ledger export refuses it before any byte.
import { createUser, expect, pageAs, signInWithForm, sql, test } from "./support/fixtures";

test("pages carry a nonce CSP and the security headers, and the app runs under them", async ({ page }) => {
  const response = await page.goto("/login");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await signInWithForm(page, "lz_auditor", "Bangfu@2026");
  await expect(page.getByTestId("current-user")).toContainText("赵敏");
  await page.getByRole("link", { name: "台账" }).click();
  await expect(page.getByRole("heading", { name: "救助资金台账" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("a forged X-Forwarded-For is not the client's address", async ({ browser }) => {
  const user = await createUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
  const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.77" }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  await signInWithForm(page, user.username, "not-the-password");
  await expect(page.locator("main").getByRole("alert")).toHaveText("用户名或密码错误。");
  const rows = await sql<{ ip: string }>("SELECT ip FROM sign_in_attempt WHERE username = $1", [user.username]);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.ip).not.toBe("203.0.113.77");
  expect(rows[0]!.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  await context.close();
});

test("an organisation outside the scope in the address is told, and the export refuses it before any byte", async ({ browser }) => {
  const page = await pageAs(browser, "ts_auditor");
  const id = (await sql<{ id: string }>("SELECT id FROM organisation WHERE code = 'GSLZCG'"))[0]!.id;
  const ledger = await page.goto(`/ledger?organisationId=${id}`);
  expect(ledger!.status()).toBe(200);
  await expect(page.locator("main").getByRole("alert")).toContainText("不在您的管辖范围内");
  const archive = await page.goto(`/archive?org=${id}`);
  expect(archive!.status()).toBe(200);
  await expect(page.locator("main").getByRole("alert")).toContainText("不在您的管辖范围内");
  const exported = await page.request.get(`/ledger/export?organisationId=${id}`);
  expect(exported.status()).toBe(404);
  expect(await exported.text()).toBe("该组织不存在，或不在您的管辖范围内。");
});
