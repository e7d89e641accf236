// The worker's own door (issue 24), in Chromium at 390 px: a caseworker prints the 建档告知书 with
// its one-time query code; the worker queries with it on a phone, is refused the same way for a
// wrong code, and sees the file and, once paid, the payment. Also: a staff action replayed against
// a public page with the staff cookie finds nobody signed in (proxy.ts drops the cookie there).
// Screenshots under test-results/screens/public-*.png; axe-core on the public pages.
import { createOpenFile, expect, loginAs, screenshot, sql, test } from "./support/fixtures";
import { DESKTOP, fitsPhone, noHorizontalOverflow, phoneContext, seriousViolations } from "./support/public-pages";
import { insertApprovedPayment } from "../support/ledger-fixtures";
import { residentId } from "../support/resident-ids";

test("a caseworker prints the 建档告知书 and the worker follows the file and its payment from a phone", async ({ browser }) => {
  test.setTimeout(90_000);
  const holderId = residentId({ birthDate: "1979-03-08", sex: "FEMALE" });
  const fileId = await createOpenFile({ orgCode: "GSLZCG", holderName: "王秀静", holderId, caseworker: "lz_caseworker", official: "lz_official" });
  await sql("UPDATE household_file SET responsible_cadre_id = (SELECT id FROM app_user WHERE username = 'lz_caseworker') WHERE id = $1", [fileId]);
  await sql("UPDATE organisation SET service_phone = '0931-8888123' WHERE code = 'GSLZ'");

  // The caseworker: the file page offers the notice; the notice makes the code once.
  const staff = await browser.newContext({ viewport: DESKTOP });
  await loginAs(staff, "lz_caseworker");
  const staffPage = await staff.newPage();
  await staffPage.addInitScript(() => {
    window.print = () => {};
  });
  await staffPage.goto(`/files/${fileId}`);
  await expect(staffPage.getByRole("link", { name: "打印建档告知书" })).toHaveAttribute("href", `/print/notice?id=${fileId}`);
  await staffPage.goto(`/print/notice?id=${fileId}`);
  await expect(staffPage.getByTestId("query-code")).toContainText("（生成后显示）");
  await staffPage.getByRole("button", { name: "生成查询码并打印" }).click();
  await expect(staffPage.getByTestId("query-code")).toContainText(/[2-9A-Z]{5}-[2-9A-Z]{5}/);
  const code = (await staffPage.getByTestId("query-code").locator("strong").textContent())!.trim();
  const notice = staffPage.getByTestId("filing-notice");
  await expect(notice).toContainText("城关区总工会");
  await expect(notice).toContainText("深度困难");
  await expect(notice).toContainText("0931-8888123");
  await expect(notice).toContainText("王静");
  await screenshot(staffPage, "public-filing-notice");

  // The worker, on a phone, signed in nowhere.
  const phone = await phoneContext(browser);
  const worker = await phone.newPage();
  await worker.goto("/public/query");
  await expect(worker.getByRole("heading", { name: "本人查询" })).toBeVisible();
  await fitsPhone(worker);
  await screenshot(worker, "public-query-390");

  // A wrong code reads exactly as a wrong name would.
  const query = async (name: string, id: string, typed: string) => {
    await worker.getByLabel("姓名").fill(name);
    await worker.getByLabel("身份证号码").fill(id);
    await worker.getByLabel("查询码").fill(typed);
    await worker.getByRole("button", { name: "查询" }).click();
  };
  const wrong = code.startsWith("A") ? "BBBBB-BBBBB" : "AAAAA-AAAAA";
  await query("王秀静", holderId, wrong);
  const notFound = "未查到与所填信息相符的档案。请核对姓名、身份证号码和建档告知书上的查询码；如仍查不到，请致电所在工会。";
  await expect(worker.getByRole("alert").filter({ hasText: "未查到" })).toHaveText(notFound);
  await query("王秀", holderId, code);
  await expect(worker.getByRole("alert").filter({ hasText: "未查到" })).toHaveText(notFound);
  await screenshot(worker, "public-query-refused-390");

  await query("王秀静", holderId, code.toLowerCase());
  const own = worker.getByTestId("own-file");
  await expect(own).toContainText("在档");
  await expect(own).toContainText("深度困难");
  await expect(own).toContainText("王静");
  await expect(own).toContainText("近 24 个月没有发放记录");
  await fitsPhone(worker);
  await screenshot(worker, "public-own-file-390");

  // A payment is approved; the next query shows it.
  const [people] = await sql<{ cw: string; off: string; org: string }>(
    "SELECT (SELECT id FROM app_user WHERE username = 'lz_caseworker') AS cw, (SELECT id FROM app_user WHERE username = 'lz_official') AS off, organisation_id AS org FROM household_file WHERE id = $1",
    [fileId],
  );
  await insertApprovedPayment(sql, {
    fileId,
    organisationId: people!.org,
    aidType: "MEDICAL",
    fundSource: "CENTRAL_SPECIAL",
    amountFen: 120_000,
    purpose: "住院医疗救助",
    recordedById: people!.cw,
    approvedById: people!.off,
  });
  await worker.getByRole("button", { name: "退出查询" }).click();
  await query("王秀静", holderId, code);
  const payments = worker.getByTestId("own-payments");
  await expect(payments).toContainText("医疗救助");
  await expect(payments).toContainText("¥1,200.00");
  await expect(payments).toContainText("已发放");
  await noHorizontalOverflow(worker);
  await screenshot(worker, "public-own-payment-390");

  // The public landing page, at desktop width too; axe on it as well.
  const desk = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await desk.goto("/public");
  await expect(desk.getByRole("link", { name: /本人查询/ }).first()).toBeVisible();
  expect(await seriousViolations(desk)).toEqual([]);
  await screenshot(desk, "public-home-desktop");
  await desk.goto("/public/query");
  await screenshot(desk, "public-query-desktop");

  // The file's history shows the queries, with where they came from.
  await staffPage.goto(`/files/${fileId}`);
  await expect(staffPage.getByTestId("public-visits")).toContainText("本人查询成功");
  await expect(staffPage.getByTestId("public-visits")).toContainText("以本户身份证号码查询未通过");
});

test("a staff action posted to a public page with the staff cookie finds nobody signed in", async ({ browser }) => {
  const holderId = residentId({ birthDate: "1981-07-21" });
  const fileId = await createOpenFile({ orgCode: "GSLZCG", holderName: "赵大明", holderId, caseworker: "lz_caseworker", official: "lz_official" });
  const staff = await browser.newContext();
  await loginAs(staff, "lz_caseworker");
  const page = await staff.newPage();
  await page.addInitScript(() => {
    window.print = () => {};
  });
  // Capture how the browser calls the staff action issueQueryCodeAction…
  let captured: { headers: Record<string, string>; body: string } | null = null;
  await page.route(`**/print/notice?id=${fileId}`, async (route) => {
    const request = route.request();
    if (request.method() === "POST") captured = { headers: await request.allHeaders(), body: request.postData() ?? "" };
    await route.continue();
  });
  await page.goto(`/print/notice?id=${fileId}`);
  await page.getByRole("button", { name: "生成查询码并打印" }).click();
  await expect(page.getByTestId("query-code")).toContainText(/[2-9A-Z]{5}-[2-9A-Z]{5}/);
  expect(captured).not.toBeNull();
  const codes = async () => Number((await sql<{ n: string }>("SELECT count(*) AS n FROM file_query_code WHERE file_id = $1", [fileId]))[0]!.n);
  expect(await codes()).toBe(1);
  const { headers, body } = captured!;
  const replay = (path: string) =>
    staff.request.post(path, {
      headers: {
        "next-action": headers["next-action"]!,
        "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8",
        accept: "text/x-component",
        origin: headers["origin"]!,
      },
      data: body,
    });
  // …replayed on its own page with the same cookie it works (the control)…
  expect((await replay(`/print/notice?id=${fileId}`)).status()).toBe(200);
  expect(await codes()).toBe(2);
  // …and replayed on a public page it finds nobody signed in and writes nothing.
  const refused = await replay("/public/query");
  expect(await refused.text()).toContain("登录已过期");
  expect(await codes()).toBe(2);
});
