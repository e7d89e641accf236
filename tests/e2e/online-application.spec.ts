// The online application (issue 24 §2), in Chromium at 390 px: a worker finds their base union,
// fills in the household, uploads an ID-card photo and the signed application, consents to the
// PIPL notice and gets a number and a query code; a caseworker of the union (desktop) finds it on
// the workbench and in the queue, opens the uploads, accepts it and turns it into a draft, which
// carries the household and the uploads as evidence; the worker's query shows 已提交, then
// 已转为建档 with the file number once the file is approved. The approval itself (review,
// publicity with its objections, approval) is filing.spec's and the public-notice spec's: here it
// is stood in for by giving the file its number in the database.
// Screenshots under test-results/screens/online-application-*.png; axe-core on the public pages.
import sharp from "sharp";
import { expect, loginAs, screenshot, sql, test } from "./support/fixtures";
import { DESKTOP, fillApplication, fitsPhone, noHorizontalOverflow, phoneContext } from "./support/public-pages";
import { residentId } from "../support/resident-ids";

test("a worker applies from a phone with uploads; a caseworker turns it into a draft; the worker's query follows it", async ({ browser }) => {
  // Under a minute on a quiet machine; the ceiling allows for a loaded shared one (load 37 on 2 cores when written).
  test.setTimeout(240_000);
  const holderId = residentId({ birthDate: "1982-07-15", sex: "FEMALE" });
  const holderName = "马秀兰";
  const idPhoto = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 210, b: 220 } } })
    .jpeg()
    .toBuffer();
  const signedPdf = Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "latin1");

  // ── The worker, on a phone, signed in nowhere.
  const phone = await phoneContext(browser);
  const worker = await phone.newPage();
  await worker.goto("/public/apply");
  await expect(worker.getByRole("heading", { name: "网上申请困难职工建档" })).toBeVisible();
  await fitsPhone(worker);
  await screenshot(worker, "online-application-form-390");

  await fillApplication(worker, {
    union: "兰州市城关区环境卫生管理所工会",
    search: "环境卫生",
    holderName,
    holderId,
    monthlyYuan: "860",
    phone: "13919310001",
  });
  await worker.getByLabel("材料 1 的文件").setInputFiles({ name: "身份证.jpg", mimeType: "image/jpeg", buffer: idPhoto });
  await worker.getByLabel("材料 2 的文件").setInputFiles({ name: "申请书.pdf", mimeType: "application/pdf", buffer: signedPdf });

  // Without the consent nothing is sent: the reason is next to the box.
  await worker.getByRole("button", { name: "提交申请" }).click();
  await expect(worker.getByRole("alert").filter({ hasText: "请阅读个人信息处理告知并勾选同意" })).toBeVisible();
  await screenshot(worker, "online-application-consent-missing-390");
  await worker.getByLabel(/我已阅读上述告知/).check();
  await worker.getByRole("button", { name: "提交申请" }).click();
  await expect(worker.getByTestId("application-submitted")).toBeVisible();
  const number = (await worker.getByTestId("application-number").textContent())!.trim();
  const code = (await worker.getByTestId("application-code").textContent())!.trim();
  expect(number).toMatch(/^SQ[0-9]{6}[2-9A-Z]{6}$/);
  await fitsPhone(worker);
  await screenshot(worker, "online-application-submitted-390");

  const askProgress = async () => {
    await worker.goto("/public/query?tab=application");
    await worker.locator("#a-number").fill(number.toLowerCase());
    await worker.locator("#a-code").fill(code);
    await worker.getByRole("button", { name: "查询进度" }).click();
    return worker.getByTestId("application-progress");
  };
  await expect(await askProgress()).toContainText("已提交");

  // ── The caseworker (desktop): the workbench counts it, the queue lists it.
  const staff = await browser.newContext({ viewport: DESKTOP });
  await loginAs(staff, "lz_caseworker");
  const desk = await staff.newPage();
  await desk.goto("/");
  await expect(desk.getByRole("link", { name: /网上申请待处理/ })).toBeVisible();
  await desk.goto(`/intake/applications?name=${encodeURIComponent(number)}`);
  await desk.getByRole("link", { name: holderName }).click();
  await expect(desk.getByRole("heading", { name: `${holderName}的网上申请` })).toBeVisible();
  const uploads = desk.getByTestId("application-uploads");
  await expect(uploads.getByRole("link")).toHaveCount(2);
  const photo = await desk.request.get((await uploads.getByRole("link", { name: "身份证.jpg" }).getAttribute("href"))!);
  expect(photo.headers()["content-type"]).toBe("image/jpeg");
  await expect(desk.getByRole("button", { name: "转为建档草稿" })).toBeDisabled();
  await screenshot(desk, "online-application-detail");

  await desk.getByRole("button", { name: "受理", exact: true }).click();
  await desk.getByRole("button", { name: "确认受理" }).click();
  await expect(desk.getByTestId("application-actions").getByRole("button", { name: "转为建档草稿" })).toBeEnabled();
  await expect(await askProgress()).toContainText("受理中");

  await desk.getByRole("button", { name: "转为建档草稿" }).click();
  await desk.getByRole("button", { name: "确认转为草稿" }).click();
  await desk.waitForURL(/\/files\/[0-9a-f-]{36}\/edit$/);
  const fileId = desk.url().split("/").at(-2)!;
  await expect(desk.getByText("身份证.jpg").first()).toBeVisible();
  await expect(desk.getByText("申请书.pdf").first()).toBeVisible();
  await screenshot(desk, "online-application-draft");
  const [draft] = await sql<{ status: string; holder_name: string; evidence: number; org: string }>(
    `SELECT f.status, f.holder_name, (SELECT count(*)::int FROM evidence_file e WHERE e.file_id = f.id) AS evidence, o.code AS org
       FROM household_file f JOIN organisation o ON o.id = f.organisation_id WHERE f.id = $1`,
    [fileId],
  );
  expect(draft).toEqual({ status: "DRAFT", holder_name: holderName, evidence: 2, org: "GSLZCG01" });

  // The queue at 390 px too.
  await desk.setViewportSize({ width: 390, height: 844 });
  await desk.goto("/intake/applications?tab=converted");
  await noHorizontalOverflow(desk);
  await screenshot(desk, "online-application-queue-390");

  // ── Approved (stood in for here, see the header): the worker sees the file number.
  const fileNumber = `GSLZCG01-2026-${String(Date.now()).slice(-5)}`;
  await sql("UPDATE household_file SET file_number = $1 WHERE id = $2", [fileNumber, fileId]);
  const progress = await askProgress();
  await expect(progress).toContainText("已转为建档");
  await expect(progress).toContainText(fileNumber);
  await fitsPhone(worker);
  await screenshot(worker, "online-application-progress-390");
});
