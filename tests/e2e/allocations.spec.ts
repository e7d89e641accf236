// Guards allocations in the browser (issue 23 §1): the province passes money down to a city with
// a confirmation restating the amounts, the city's caseworker builds batches and sees the city's
// remaining allocation, another official approves what fits and is refused — with the balance —
// what does not, and the province's allocation report shows the spending and drills down.
// Works in a city of its own (no demo allocations), so other specs' balances are untouched.
import { insertPayableFiles } from "../support/ledger-fixtures";
import { createUser, expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";

test("a province allocates to a city, which pays within it and is refused beyond it", async ({ browser }) => {
  // About a minute on a quiet machine; the shared 2-core CI box under load needs more.
  test.setTimeout(180_000);
  const suffix = Date.now().toString(36).toUpperCase();
  const province = await orgId("GS");
  const [cityRow] = await sql<{ id: string }>(
    "INSERT INTO organisation (name, code, level, region_code, parent_id, path, depth) VALUES ('武威市总工会', $1, 'CITY', '620600', $2, '', 0) RETURNING id",
    [`E2EWW${suffix}`, province],
  );
  const city = cityRow!.id;
  const units: string[] = [];
  for (const [i, name] of ["凉州区环卫工人联合工会", "武威市第一中学工会"].entries()) {
    const [row] = await sql<{ id: string }>(
      "INSERT INTO organisation (name, code, level, region_code, parent_id, path, depth) VALUES ($1, $2, 'GRASSROOTS', '620602', $3, '', 0) RETURNING id",
      [name, `E2EWW${suffix}${i}`, city],
    );
    units.push(row!.id);
  }
  const caseworker = await createUser({ orgCode: `E2EWW${suffix}`, roles: ["CASEWORKER"], name: "赵红梅" });
  const approver = await createUser({ orgCode: `E2EWW${suffix}`, roles: ["OFFICIAL"], name: "孙立新" });
  for (const [i, unit] of units.entries()) {
    await insertPayableFiles(sql, { organisationId: unit, count: 2, caseworkerId: caseworker.id, officialId: await userId("gs_official"), series: 5 + i });
  }
  const year = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 4);

  // The province passes ¥1,500 of 送温暖资金 down to the new city.
  const provincePage = await pageAs(browser, "gs_official");
  await provincePage.goto("/allocations");
  await expect(provincePage.getByRole("heading", { name: "资金下拨与额度" })).toBeVisible();
  const form = provincePage.getByRole("form", { name: "登记资金额度" });
  await form.getByLabel("登记类型").selectOption({ label: "下拨" });
  await provincePage.getByRole("button", { name: "核对并登记" }).click();
  await expect(provincePage.getByRole("alert").filter({ hasText: "请填写金额。" })).toBeVisible();
  await expect(provincePage.getByRole("alert").filter({ hasText: "请选择资金来源" })).toBeVisible();
  await form.getByLabel("资金来源").selectOption({ label: "送温暖资金" });
  await form.getByLabel("金额（元）").fill("1500");
  await form.getByLabel("文号或说明").fill(`甘工发〔${year}〕88号 元旦春节送温暖资金`);
  await provincePage.getByRole("button", { name: "核对并登记" }).click();
  await expect(provincePage.getByRole("alert").filter({ hasText: "请选择下级工会" })).toBeVisible();
  await form.getByLabel("下拨给").selectOption({ label: "武威市总工会" });
  await provincePage.getByRole("button", { name: "核对并登记" }).click();
  const confirm = provincePage.getByRole("dialog", { name: "确认登记资金额度" });
  await expect(confirm).toContainText("甘肃省总工会 向 武威市总工会 下拨 送温暖资金 ¥1,500.00");
  await expect(confirm).toContainText(`武威市总工会 ${year} 年“送温暖资金”额度：¥0.00 → ¥1,500.00`);
  await screenshot(provincePage, "allocations-pass-down-confirm");
  await confirm.getByRole("button", { name: "确认登记" }).click();
  await expect(provincePage.getByText("已登记：甘肃省总工会 向 武威市总工会 下拨")).toBeVisible();
  await expect(provincePage.getByRole("row", { name: /武威市总工会.*¥1,500\.00/ }).first()).toBeVisible();
  await screenshot(provincePage, "allocations-desktop");
  await provincePage.setViewportSize({ width: 390, height: 844 });
  await screenshot(provincePage, "allocations-390");
  await provincePage.setViewportSize({ width: 1280, height: 800 });

  // The city's caseworker builds two batches of 2 × ¥500, seeing the city's allocation.
  const cw = await pageAs(browser, caseworker.username);
  const batchIds: string[] = [];
  for (const [i, unit] of units.entries()) {
    await cw.goto("/batches/new");
    await cw.getByLabel("批次名称").fill(`${year} 武威元旦春节送温暖（第${i + 1}批）`);
    await cw.getByLabel("发放范围（组织，含下级）").selectOption({ value: unit });
    await cw.getByLabel("救助类型").selectOption({ label: "送温暖" });
    await cw.getByLabel("资金来源").selectOption({ label: "送温暖资金" });
    await cw.getByLabel("每户（每生）标准金额（元）").fill("500");
    await cw.getByLabel("用途").fill("元旦春节慰问困难职工");
    await cw.getByRole("button", { name: "生成发放名单" }).click();
    await expect(cw).toHaveURL(/\/batches\/[0-9a-f-]+\?built=2/);
    await expect(cw.getByTestId("allocation-headroom")).toContainText(`武威市总工会 ${year} 年“送温暖资金”可用额度 ¥1,500.00，本批次合计 ¥1,000.00`);
    batchIds.push(cw.url().match(/batches\/([0-9a-f-]+)/)![1]!);
    await cw.getByRole("button", { name: "提交审批" }).click();
    const submit = cw.getByRole("dialog", { name: "提交批次审批？" });
    await submit.getByRole("button", { name: /^确认/ }).click();
    await expect(cw.getByTestId("batch-status-notice")).toContainText("已提交");
  }

  // Another official approves the first; the second no longer fits and is refused with the balance.
  const official = await pageAs(browser, approver.username);
  await official.goto(`/batches/${batchIds[0]}`);
  await official.getByRole("button", { name: "审批通过" }).click();
  await official.getByRole("dialog", { name: "审批通过并入账？" }).getByRole("button", { name: /^确认/ }).click();
  await expect(official.getByText("已审批，待发放")).toBeVisible();
  await official.goto(`/batches/${batchIds[1]}`);
  await expect(official.getByTestId("allocation-headroom")).toContainText("可用额度 ¥500.00，本批次合计 ¥1,000.00：额度不足，审批将被拒绝");
  await official.getByRole("button", { name: "审批通过" }).click();
  const refusal = official.getByRole("dialog", { name: "审批通过并入账？" });
  await refusal.getByRole("button", { name: /^确认/ }).click();
  await expect(refusal.getByRole("alert")).toHaveText(
    `超出可用额度：武威市总工会 ${year} 年“送温暖资金”剩余 ¥500.00，本批次合计 ¥1,000.00。请先由上级下拨资金，或减少金额后再办理。`,
  );
  await screenshot(official, "allocations-approval-refused");
  await official.setViewportSize({ width: 390, height: 844 });
  await screenshot(official, "allocations-approval-refused-390");
  const [status] = await sql<{ status: string }>("SELECT status::text FROM disbursement_batch WHERE id = $1", [batchIds[1]]);
  expect(status!.status).toBe("SUBMITTED");

  // The province's report shows the city's spending and drills down to it.
  await provincePage.goto(`/allocations/report?kind=year&year=${year}&fund=WARMTH_FUND`);
  const cityRowInReport = provincePage.getByRole("row", { name: /武威市总工会/ });
  await expect(cityRowInReport).toContainText("¥1,500.00");
  await expect(cityRowInReport).toContainText("¥1,000.00");
  await expect(cityRowInReport).toContainText("66.7%");
  await screenshot(provincePage, "allocations-report");
  await cityRowInReport.getByRole("link", { name: "武威市总工会" }).click();
  await expect(provincePage.getByText(/武威市总工会 · /)).toBeVisible();
  await provincePage.setViewportSize({ width: 390, height: 844 });
  await screenshot(provincePage, "allocations-report-390");
  const download = provincePage.waitForEvent("download");
  await provincePage.getByRole("link", { name: "下载 .xlsx" }).click();
  expect((await download).suggestedFilename()).toMatch(/^资金额度使用报表-武威市总工会-/);
});
