// Guards issue 25 in the browser: a visit recording a job loss on an exited household raises a
// warning on the caseworker's workbench after the daily job, and the caseworker reopens the file
// from it; an auditor sees and resolves a shared-bank-account signal; a referral to 人社 goes
// overdue and is closed as 办结; the report shows all of it. Screenshots at 1280 and 390 px.
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, loginAs, screenshot, sql, test } from "./support/fixtures";

async function runDailyJob(browser: import("@playwright/test").Browser) {
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(context, "lz_admin");
  const page = await context.newPage();
  await page.goto("/admin/jobs");
  await page.getByRole("button", { name: "立即运行" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "运行" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await context.close();
}

test("warning → reopen, shared account → resolved, referral → overdue → 办结, and the report", async ({ browser }) => {
  test.slow();
  const stamp = Date.now() % 10000;
  const exitedName = `返困${stamp}`;
  const exited = await createOpenFile({
    orgCode: "GSLZCG",
    holderName: exitedName,
    holderId: residentId({ birthDate: "1975-05-05", sex: "MALE" }),
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  await sql(
    "UPDATE household_file SET status = 'OBSERVATION', exit_reason = 'RESOLVED', exit_path = 'EMPLOYMENT', exited_at = now() - interval '1 month', observation_until = current_date + 300 WHERE id = $1",
    [exited],
  );
  const sharedName = `共户${stamp}`;
  const a = await createOpenFile({
    orgCode: "GSLZCG",
    holderName: sharedName,
    holderId: residentId({ birthDate: "1976-06-06", sex: "MALE" }),
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  const b = await createOpenFile({
    orgCode: "GSLZQLH",
    holderName: sharedName,
    holderId: residentId({ birthDate: "1977-07-07", sex: "MALE" }),
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  const [cw] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_caseworker'");
  const account = `62220${String(stamp).padStart(4, "0")}1234567`;
  for (const [fileId, org] of [
    [a, "GSLZCG"],
    [b, "GSLZQLH"],
  ] as const) {
    await sql(
      "INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id) SELECT $1, id, '兰州银行', $2, $3, $4 FROM organisation WHERE code = $5",
      [fileId, account, sharedName, cw!.id, org],
    );
  }

  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(context, "lz_caseworker");
  const page = await context.newPage();

  // A visit to the exited household records a job loss.
  await page.goto(`/files/${exited}`);
  await page.getByRole("button", { name: "登记走访" }).click();
  const visit = page.getByRole("dialog", { name: "登记走访" });
  await visit.getByLabel("走访人员").fill("王静");
  await visit.getByLabel("走访情况").fill("户主所在企业停产，本人失业");
  await visit.getByLabel("失业").check();
  await visit.getByRole("button", { name: "确认登记" }).click();
  await expect(visit).toBeHidden();

  await runDailyJob(browser);

  // The workbench shows the warning with its reason; the caseworker reopens the file from it.
  await page.goto("/");
  await expect(page.getByText(`${exitedName} 户返困预警：重大变故`)).toBeVisible();
  await screenshot(page, "warnings-workbench");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "warnings-workbench-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/warnings?q=${encodeURIComponent(exitedName)}`);
  const warning = page.getByTestId("warning").filter({ hasText: exitedName });
  await expect(warning).toContainText("走访记录：失业。走访情况：户主所在企业停产，本人失业");
  await screenshot(page, "warnings-list");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "warnings-list-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  await warning.getByRole("button", { name: "返困重新建档" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "确认重新建档" }).click();
  await expect(page.getByText("没有待处理的返困预警")).toBeVisible();
  await page.goto(`/files/${exited}`);
  await expect(page.getByText("第 2 期（返困）")).toBeVisible();

  // A referral to 人社 from the open household's plan, already past its due date.
  await page.goto(`/files/${a}`);
  await page.getByRole("button", { name: "转介到部门" }).click();
  const refer = page.getByRole("dialog", { name: "转介到部门" });
  await refer.getByLabel("转介部门").selectOption("HUMAN_RESOURCES");
  await refer.getByLabel("转介事项").fill("申请公益性岗位");
  const [days] = await sql<{ d: string; y: string }>("SELECT to_char(current_date - 10, 'YYYY-MM-DD') AS d, to_char(current_date - 1, 'YYYY-MM-DD') AS y");
  await refer.getByLabel("转介日期").fill(days!.d);
  await refer.getByLabel("对接人及联系方式").fill("区人社局 刘科长 0931-8888888");
  await refer.getByLabel("办结时限").fill(days!.y);
  await refer.getByRole("button", { name: "确认转介" }).click();
  await expect(refer).toBeHidden();
  await expect(page.getByTestId("referral")).toContainText("已逾期");
  await page.goto("/");
  await expect(page.getByText(`${sharedName} 户转介人社逾期`)).toBeVisible();
  await page.goto(`/files/${a}`);
  await page.getByTestId("referral").getByRole("button", { name: "登记结果" }).click();
  const close = page.getByRole("dialog", { name: "登记转介办理结果" });
  await close.getByLabel("办理结果").selectOption("GRANTED");
  await close.getByLabel("办理情况").fill("公益性岗位（社区保洁），月工资 2,000 元");
  await close.getByRole("button", { name: "确认登记" }).click();
  await expect(page.getByTestId("referral")).toContainText("办结");
  await screenshot(page, "warnings-referral");

  // The auditor sees the shared account with both households and resolves it.
  const auditorContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(auditorContext, "lz_auditor");
  const auditor = await auditorContext.newPage();
  await auditor.goto("/signals");
  const signal = auditor.getByTestId("signal").filter({ hasText: `${account.slice(0, 4)}****${account.slice(-4)}` });
  await expect(signal).toContainText("同时登记为 2 户档案的收款账户");
  await expect(signal.getByRole("link", { name: `${sharedName} 户` })).toHaveCount(2);
  await screenshot(auditor, "warnings-signals");
  await auditor.setViewportSize({ width: 390, height: 844 });
  await screenshot(auditor, "warnings-signals-390");
  await auditor.setViewportSize({ width: 1280, height: 900 });
  await signal.getByRole("button", { name: "登记核查结论" }).click();
  const resolve = auditor.getByRole("dialog", { name: "登记核查结论" });
  await resolve.getByLabel("核查结论").selectOption("CORRECTED");
  await resolve.getByLabel("核查情况").fill("七里河户已更换为本人账户");
  await resolve.getByRole("button", { name: "确认登记" }).click();
  await expect(auditor.getByText("没有待核查的线索")).toBeVisible();

  // The report counts all of it.
  await page.goto("/warnings/report");
  await expect(page.getByTestId("report-rules").getByRole("row", { name: /重大变故/ })).toContainText("1");
  await expect(page.getByTestId("report-referrals").getByRole("row", { name: /人社/ })).toContainText("1");
  await expect(page.getByTestId("report-return")).toContainText("脱困退档");
  await screenshot(page, "warnings-report");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "warnings-report-390");
  await context.close();
  await auditorContext.close();
});
