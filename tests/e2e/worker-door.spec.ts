// The worker's door as one flow (issue 24, "Done when"), in Chromium, the worker at 390 px: a
// worker applies from a phone with uploads → a caseworker accepts it and turns it into a draft →
// the draft is submitted, reviewed and put in publicity → someone objects on the public notice
// page and an official records the resolution → the official approves → the caseworker prints the
// 建档告知书 with its query code → the worker queries with it and sees the file and the application
// 已转为建档 → a payment is recorded and approved → the worker's query shows it.
// Only dates are moved in the database (a review a week ago, a publicity already ended), as
// filing.spec and public-notice.spec do; every step is done through the pages.
// Screenshots under test-results/screens/worker-door-*-{390,desktop}.png; axe-core on the public pages.
import sharp from "sharp";
import { expect, loginAs, screenshot, sql, test } from "./support/fixtures";
import { DESKTOP, fillApplication, fitsPhone, phoneContext, screenshotBoth, shanghaiDate, workflowStep } from "./support/public-pages";
import { residentId } from "../support/resident-ids";

const HOLDER = "骆春芬";
const MASKED = "骆*芬";
const UNION = "兰州市城关区环境卫生管理所工会";

test("a worker's application becomes an approved file they follow, with its payment, from a phone", async ({ browser }) => {
  // Three people and a dozen steps in one flow: 2.2 min at load 12 and 3.7 min at load 20 on two
  // shared cores when written; the ceiling leaves room for such a machine.
  test.setTimeout(360_000);
  const holderId = residentId({ birthDate: "1978-10-21", sex: "FEMALE" });
  const idPhoto = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 210, b: 220 } } })
    .jpeg()
    .toBuffer();
  const pdf = (title: string) => Buffer.from(`%PDF-1.7\n% ${title}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1");

  // ── 1. The worker applies from a phone, signed in nowhere, with the documents a filing needs.
  const phone = await phoneContext(browser);
  const worker = await phone.newPage();
  await worker.goto("/public/apply");
  await expect(worker.getByRole("heading", { name: "网上申请困难职工建档" })).toBeVisible();
  await fillApplication(worker, { union: UNION, search: "环境卫生", holderName: HOLDER, holderId, monthlyYuan: "500", phone: "13919310077" });
  await worker.getByLabel("职工类别").selectOption({ label: "城镇困难职工" });
  await worker.getByLabel("住房情况").selectOption({ label: "租房" });
  await worker.getByLabel("材料 1 的文件").setInputFiles({ name: "身份证.jpg", mimeType: "image/jpeg", buffer: idPhoto });
  await worker.getByLabel("材料 2 的文件").setInputFiles({ name: "申请书.pdf", mimeType: "application/pdf", buffer: pdf("application") });
  await worker.getByRole("button", { name: "再添加一份材料" }).click();
  await worker.getByLabel("材料 3 的文件").setInputFiles({ name: "诊断证明.pdf", mimeType: "application/pdf", buffer: pdf("diagnosis") });
  await worker.getByRole("button", { name: "再添加一份材料" }).click();
  await worker.getByLabel("材料 4 的类别").selectOption({ label: "家庭经济状况核对授权书" });
  await worker.getByLabel("材料 4 的文件").setInputFiles({ name: "授权书.pdf", mimeType: "application/pdf", buffer: pdf("authorisation") });
  await worker.getByLabel(/我已阅读上述告知/).check();
  await fitsPhone(worker);
  await screenshotBoth(worker, "worker-door-1-apply");
  await worker.getByRole("button", { name: "提交申请" }).click();
  await expect(worker.getByTestId("application-submitted")).toBeVisible({ timeout: 30_000 });
  const number = (await worker.getByTestId("application-number").textContent())!.trim();
  await fitsPhone(worker);
  await screenshotBoth(worker, "worker-door-2-submitted");

  // ── 2. The caseworker accepts it and turns it into a draft carrying the household and the uploads.
  const cwContext = await browser.newContext({ viewport: DESKTOP });
  await loginAs(cwContext, "lz_caseworker");
  const caseworker = await cwContext.newPage();
  await caseworker.addInitScript(() => {
    window.print = () => {};
  });
  await caseworker.goto(`/intake/applications?name=${encodeURIComponent(number)}`);
  await caseworker.getByRole("link", { name: HOLDER }).click();
  await expect(caseworker.getByTestId("application-uploads").getByRole("link")).toHaveCount(4);
  await screenshotBoth(caseworker, "worker-door-3-application");
  await caseworker.getByRole("button", { name: "受理", exact: true }).click();
  await caseworker.getByRole("button", { name: "确认受理" }).click();
  await expect(caseworker.getByTestId("application-actions").getByRole("button", { name: "转为建档草稿" })).toBeEnabled();
  await caseworker.getByRole("button", { name: "转为建档草稿" }).click();
  await caseworker.getByRole("button", { name: "确认转为草稿" }).click();
  await caseworker.waitForURL(/\/files\/[0-9a-f-]{36}\/edit$/);
  const fileId = caseworker.url().split("/").at(-2)!;

  // ── 3. The caseworker completes what only staff decide and submits it.
  await caseworker.getByLabel("档案级别").selectOption({ label: "市级" });
  await caseworker.getByLabel("建议困难类别（提交时填写）").selectOption({ label: "深度困难" });
  await caseworker.getByRole("button", { name: "提交审核" }).click();
  await caseworker.getByRole("dialog").getByRole("button", { name: "确认提交" }).click();
  await expect(caseworker.getByText("建档申请已提交，等待初审")).toBeVisible({ timeout: 30_000 });
  await screenshotBoth(caseworker, "worker-door-4-submitted-draft");

  // ── 4. The official reviews it (the home visit a week ago) and starts the publicity.
  const offContext = await browser.newContext({ viewport: DESKTOP });
  await loginAs(offContext, "lz_official");
  const official = await offContext.newPage();
  await official.goto(`/files/${fileId}`);
  await workflowStep(official, "初审通过", (d) => d.getByLabel("入户核查日期").fill(shanghaiDate(-7)));
  await sql("UPDATE household_file SET reviewed_at = reviewed_at - interval '7 days' WHERE id = $1", [fileId]);
  await official.reload();
  await workflowStep(official, "开始公示", (d) => d.getByLabel("公示开始日期").fill(shanghaiDate(-4)));
  await workflowStep(official, "录入民政核对结果", (d) => d.getByLabel("核对结果").selectOption({ label: "核对相符" }));
  await screenshotBoth(official, "worker-door-5-publicity");

  // ── 5. Someone objects on the public notice page, from a phone.
  const neighbourContext = await phoneContext(browser);
  const neighbour = await neighbourContext.newPage();
  await neighbour.goto("/public/notice");
  await neighbour.getByLabel("工会名称").fill("环境卫生");
  await neighbour.getByRole("button", { name: "查找工会" }).click();
  await neighbour.getByTestId("union-results").getByRole("link", { name: UNION, exact: true }).click();
  const row = neighbour.getByTestId("publicity-row").filter({ hasText: MASKED });
  await expect(row).toContainText(`${shanghaiDate(-4)} 至 ${shanghaiDate(0)}`);
  await expect(neighbour.getByTestId("publicity-list")).not.toContainText(HOLDER);
  await fitsPhone(neighbour);
  await screenshotBoth(neighbour, "worker-door-6-notice");
  await row.getByRole("link", { name: /提出异议/ }).click();
  await neighbour.getByLabel("异议内容").fill("该户在单位还有一份兼职收入，每月约两千元。");
  await neighbour.getByRole("button", { name: "提交异议" }).click();
  await neighbour.getByRole("button", { name: "确认提交" }).click();
  await expect(neighbour.getByTestId("objection-receipt")).toContainText(`异议已提交（${shanghaiDate(0)}）`);
  await fitsPhone(neighbour);
  await screenshotBoth(neighbour, "worker-door-7-objection");
  await neighbourContext.close();

  // ── 6. The publicity ends; approval waits for the objection's resolution, then goes through.
  await sql("UPDATE household_file SET publicity_start = publicity_start - 1, publicity_end = publicity_end - 1 WHERE id = $1", [fileId]);
  await official.reload();
  const objection = official.getByTestId("objection");
  await expect(objection.getByTestId("objection-source")).toContainText("网上公示提交");
  await expect(official.getByRole("button", { name: "审定建档" })).toBeDisabled();
  await objection.getByRole("button", { name: "登记处理结果" }).click();
  const resolve = official.getByRole("dialog", { name: "登记异议处理结果" });
  await resolve.getByLabel("处理结果").fill("经向单位核实，申请人无兼职收入，异议不成立");
  await resolve.getByRole("button", { name: "确认登记" }).click();
  await expect(objection).toContainText("异议不成立");
  await workflowStep(official, "审定建档", (d) => d.getByLabel("审定困难类别").selectOption({ label: "深度困难" }));
  const [file] = await sql<{ status: string; file_number: string }>("SELECT status, file_number FROM household_file WHERE id = $1", [fileId]);
  expect(file!.status).toBe("OPEN");
  await screenshotBoth(official, "worker-door-8-approved");

  // ── 7. The caseworker prints the 建档告知书; its query code is shown once.
  await caseworker.goto(`/print/notice?id=${fileId}`);
  await caseworker.getByRole("button", { name: "生成查询码并打印" }).click();
  await expect(caseworker.getByTestId("query-code")).toContainText(/[2-9A-Z]{5}-[2-9A-Z]{5}/);
  const code = (await caseworker.getByTestId("query-code").locator("strong").textContent())!.trim();
  const notice = caseworker.getByTestId("filing-notice");
  await expect(notice).toContainText(file!.file_number);
  await expect(notice).toContainText("深度困难");
  await screenshot(caseworker, "worker-door-9-filing-notice-desktop");

  // ── 8. The worker queries with the code: the file, and the application turned into it.
  const query = async () => {
    await worker.goto("/public/query");
    await worker.getByLabel("姓名").fill(HOLDER);
    await worker.getByLabel("身份证号码").fill(holderId);
    await worker.getByLabel("查询码").fill(code.toLowerCase());
    await worker.getByRole("button", { name: "查询" }).click();
    return worker.getByTestId("own-file");
  };
  const own = await query();
  await expect(own).toContainText(file!.file_number);
  await expect(own).toContainText("在档");
  await expect(own).toContainText("近 24 个月没有发放记录");
  const applications = worker.getByTestId("own-applications");
  await expect(applications).toContainText(number);
  await expect(applications).toContainText("已转为建档");
  await expect(applications).toContainText(`档案编号 ${file!.file_number}`);
  await expect(applications).toContainText(`提交日期 ${shanghaiDate(0)}`);
  await fitsPhone(worker);
  await screenshotBoth(worker, "worker-door-10-own-file");

  // ── 9. The caseworker records the holder's bank account (cash goes to the holder's own account
  // only) and a payment, which the official approves.
  await caseworker.goto(`/files/${fileId}`);
  await caseworker.getByRole("button", { name: "登记银行账户" }).click();
  const account = caseworker.getByRole("dialog", { name: "登记建档职工本人银行账户" });
  await account.getByLabel("开户银行").fill("兰州银行");
  await account.getByLabel("银行账号").fill("6228 4800 1234 5678 901");
  await account.getByLabel("户名").fill(HOLDER);
  await account.getByRole("button", { name: "确认登记" }).click();
  await expect(account).toBeHidden({ timeout: 30_000 });
  await caseworker.getByRole("link", { name: "登记救助发放" }).click();
  await caseworker.getByLabel("救助类型").selectOption({ label: "生活救助" });
  await caseworker.getByLabel("资金来源").selectOption({ label: "工会经费" });
  await caseworker.getByLabel("金额（元）").fill("500");
  await caseworker.getByLabel("用途").fill("困难职工生活救助");
  await caseworker.getByRole("button", { name: "提交审批" }).click();
  await expect(caseworker.getByText("已登记，等待审批人审批后入账。")).toBeVisible({ timeout: 30_000 });
  await official.goto("/review");
  await official.getByTestId("pending-assistance").getByRole("link", { name: HOLDER }).click();
  await official.getByRole("button", { name: "审批通过" }).click();
  const approve = official.getByRole("dialog", { name: /审批通过并入账/ });
  await approve.getByRole("button", { name: /^确认/ }).click();
  await expect(official.getByText("已入账")).toBeVisible({ timeout: 30_000 });
  await screenshotBoth(official, "worker-door-11-payment-approved");

  // ── 10. The worker's next query shows the payment.
  await query();
  const payments = worker.getByTestId("own-payments");
  await expect(payments).toContainText("生活救助");
  await expect(payments).toContainText("¥500.00");
  await expect(payments).toContainText("已发放");
  await expect(payments).toContainText("尾号 8901 账户");
  await expect(payments).not.toContainText("6228");
  await fitsPhone(worker);
  await screenshotBoth(worker, "worker-door-12-own-payment");
  await phone.close();
  await cwContext.close();
  await offContext.close();
});
