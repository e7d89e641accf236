// Issue 28, the page's own cost: the session is read from next-auth's cookie without its session
// route, and the household page starts every section's read together with the file's own (the
// pairing form's choices only for a user who may pair). Guards
// what a user would notice if either went wrong: every section of the page is there, another
// city's auditor gets the 404 and nothing of the file, and a cookie this server did not sign (or
// no cookie) signs nobody in.
import { encode } from "next-auth/jwt";
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, pageAs, screenshot, sql, test } from "./support/fixtures";

test("the household page: every section for the auditor, nothing for another city, nobody behind a foreign cookie", async ({ browser }) => {
  // Four browser contexts and two screen widths: at a shared machine's load this passed 60 s.
  test.slow();
  const holder = `页成本${Date.now() % 100000}`;
  const holderId = residentId({ birthDate: "1971-03-04", sex: "FEMALE" });
  const fileId = await createOpenFile({
    orgCode: "GSLZCG",
    holderName: holder,
    holderId,
    caseworker: "lz_caseworker",
    official: "lz_official",
  });

  const page = await pageAs(browser, "lz_auditor");
  await page.goto(`/files/${fileId}`);
  await expect(page.getByRole("heading", { name: `${holder}家庭档案` })).toBeVisible();
  for (const section of ["办理", "一、家庭基本情况", "二、家庭收支", "三、致困原因与困难需求", "证明材料", "五、已享受政策和资金", "审核与公示", "办理记录"]) {
    await expect(page.getByRole("heading", { name: section, exact: true })).toBeVisible();
  }
  // The file's own read (masked ID number) and a section read beside it (the income table).
  await expect(page.getByRole("cell", { name: holder, exact: true })).toBeVisible();
  await expect(page.getByText(`${holderId.slice(0, 6)}********${holderId.slice(-4)}`)).toBeVisible();
  await expect(page.getByRole("cell", { name: "¥500.00", exact: true })).toBeVisible();
  await screenshot(page, "page-cost-household");
  // The auditor follows no file: no pairing form (and its choices are not even read).
  await expect(page.getByRole("button", { name: "设置结对帮扶" })).toHaveCount(0);

  // The caseworker pairs: the choices are the caseworkers and officials of 兰州 only.
  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto(`/files/${fileId}`);
  await caseworker.getByRole("button", { name: "设置结对帮扶" }).click();
  const cadre = caseworker.getByRole("dialog", { name: "设置结对帮扶" }).getByLabel("帮扶责任人");
  await expect(cadre.locator("option", { hasText: "王静（兰州市总工会）" })).toHaveCount(1);
  await expect(cadre.locator("option", { hasText: "李建国（兰州市总工会）" })).toHaveCount(1);
  await expect(cadre.locator("option", { hasText: "天水市总工会" })).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole("heading", { name: `${holder}家庭档案` })).toBeVisible();
  await screenshot(page, "page-cost-household-390");

  // Tianshui's auditor: the 404, and none of the sections read beside the file leaks its contents.
  const other = await pageAs(browser, "ts_auditor");
  const answer = await other.goto(`/files/${fileId}`);
  expect(answer?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "找不到该页面或记录" })).toBeVisible();
  await expect(other.getByText(holder)).toHaveCount(0);

  // A cookie that names a real session but was signed with another secret: sent back to sign in.
  const [session] = await sql<{ id: string }>(
    "INSERT INTO user_session (user_id, session_version) SELECT id, session_version FROM app_user WHERE username = 'lz_auditor' RETURNING id",
  );
  const forged = await browser.newContext();
  const token = await encode({ token: { sid: session!.id }, secret: "not-this-servers-secret-0123456789abcdef0123" });
  await forged.addCookies([{ name: "next-auth.session-token", value: token, url: test.info().project.use.baseURL!, httpOnly: true, sameSite: "Lax" }]);
  const forgedPage = await forged.newPage();
  await forgedPage.goto(`/files/${fileId}`);
  await expect(forgedPage).toHaveURL(/\/login\?expired=1/);
  await expect(forgedPage.getByText(holder)).toHaveCount(0);

  // No cookie at all: the sign-in page, without the "expired" notice.
  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto(`/files/${fileId}`);
  await expect(anonymous).toHaveURL(/\/login$/);
});
