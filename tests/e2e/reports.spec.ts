// Guards the workbench (工作台) and the reports (统计报表) as people meet them: a caseworker lands on
// their overdue re-check and follows the link to it, an official sees the tier change waiting for
// them, an auditor sees a large payment; the report shows Lanzhou's counties, drills down to one,
// and downloads a table as .xlsx (recorded in the audit trail). Desktop and phone width.
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, pageAs, screenshot, sql, test } from "./support/fixtures";

const PHONE = { width: 390, height: 844 };

test("each role lands on a workbench listing their real work; the report drills down and downloads", async ({ browser }) => {
  // Three signed-in roles and eight report tables: longer than one page's budget.
  test.setTimeout(180_000);
  const holderId = residentId({ birthDate: "1968-09-21", sex: "MALE" });
  const fileId = await createOpenFile({ orgCode: "GSLZCG", holderName: "孙德明", holderId, caseworker: "lz_caseworker", official: "lz_official" });
  const [cw] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_caseworker'");
  const [off] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_official'");
  const [file] = await sql<{ organisation_id: string; version: number }>("SELECT organisation_id, version FROM household_file WHERE id = $1", [fileId]);
  await sql(
    `INSERT INTO change_request (file_id, organisation_id, kind, file_version, current_tier, proposed_tier, reason, requested_by_id, requested_at)
     VALUES ($1, $2, 'TIER_CHANGE', $3, 'DEEP', 'RELATIVE', '收入增加，建议调整为相对困难', $4, now() - interval '2 days')`,
    [fileId, file!.organisation_id, file!.version, cw!.id],
  );
  await sql(
    `WITH d AS (
       INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, status, recorded_by_id, decided_by_id, decided_at)
       VALUES (gen_random_uuid(), $1, $2, 'MEDICAL', 'CENTRAL_SPECIAL', 800000, current_date, '大病医疗救助', 'APPROVED', $3, $4, now()) RETURNING id)
     INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id, approved_by_id, disbursement_id)
     SELECT $2, $1, 'MEDICAL', 'CENTRAL_SPECIAL', 800000, current_date, '大病医疗救助', $3, $4, d.id FROM d`,
    [fileId, file!.organisation_id, cw!.id, off!.id],
  );

  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/");
  await expect(caseworker.getByRole("heading", { name: "工作台" })).toBeVisible();
  // Earlier tests leave overdue files in Lanzhou too: the item counts every open file of the
  // caseworker's city whose re-check date has passed (China's calendar day).
  const [due] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM household_file f JOIN organisation o ON o.id = f.organisation_id
      WHERE f.status = 'OPEN' AND f.next_check_due < (now() AT TIME ZONE 'Asia/Shanghai')::date
        AND o.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%'`,
  );
  expect(due!.n).toBeGreaterThanOrEqual(1);
  const overdue = caseworker.getByTestId("workbench-caseworker").getByRole("link", { name: /核查已逾期/ });
  await expect(overdue).toContainText(String(due!.n));
  await screenshot(caseworker, "workbench-caseworker");
  await caseworker.setViewportSize(PHONE);
  await screenshot(caseworker, "workbench-caseworker-390");
  await overdue.click();
  await expect(caseworker).toHaveURL(/\/dynamic\?tab=checks&which=overdue/);
  await expect(caseworker.getByRole("link", { name: "孙德明" })).toBeVisible();

  const official = await pageAs(browser, "lz_official");
  await official.goto("/");
  const tierChange = official.getByTestId("workbench-official").getByRole("link", { name: /调整困难类别待审批/ });
  await expect(tierChange).toContainText("1");
  await expect(tierChange).toContainText("最早 2 天前提出");
  await screenshot(official, "workbench-official");
  await tierChange.click();
  await expect(official).toHaveURL(/\/review\?changes=TIER_CHANGE/);

  const auditor = await pageAs(browser, "lz_auditor");
  await auditor.goto("/");
  // Payments of 5,000 yuan or more in the last 30 days that Lanzhou's auditor may see (paid by a
  // Lanzhou union, or to a file Lanzhou holds); earlier tests may have paid some too.
  const [large] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM ledger_entry e
       JOIN organisation po ON po.id = e.organisation_id
       JOIN household_file f ON f.id = e.file_id JOIN organisation fo ON fo.id = f.organisation_id
      WHERE e.amount_fen >= 500000 AND e.entry_date >= (now() AT TIME ZONE 'Asia/Shanghai')::date - 30
        AND (po.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%' OR fo.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%')`,
  );
  expect(large!.n).toBeGreaterThanOrEqual(1);
  await expect(auditor.getByTestId("workbench-auditor").getByRole("link", { name: /5,000 元及以上/ })).toContainText(String(large!.n));
  await expect(auditor.getByRole("link", { name: /孙德明 · 8,000.00 元/ })).toBeVisible();
  await screenshot(auditor, "workbench-auditor");

  // The report: Lanzhou's counties as rows, the year's figures, charts beside the tables.
  await auditor.goto("/reports?kind=year");
  await expect(auditor.getByRole("heading", { name: "统计报表" })).toBeVisible();
  const openFiles = auditor.getByRole("region", { name: /期末在档户数（截至/ });
  await expect(openFiles.getByRole("link", { name: "城关区总工会" })).toBeVisible();
  // 在档 = status OPEN (docs/decisions/004-report-figures.md); earlier tests also open files here.
  const [open] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM household_file f JOIN organisation o ON o.id = f.organisation_id
      WHERE f.status = 'OPEN' AND o.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZCG') || '%'`,
  );
  expect(open!.n).toBeGreaterThanOrEqual(1);
  await expect(
    openFiles
      .getByRole("row", { name: /城关区总工会/ })
      .getByRole("cell")
      .nth(1),
  ).toHaveText(String(open!.n));
  await expect(auditor.getByTestId("report-chart").first().locator("svg")).toBeVisible();
  const moneyByType = auditor.getByRole("region", { name: "期间救助资金（按救助类型）" });
  // This year's medical aid paid by Lanzhou's unions, net of reversals: this test's 8,000 yuan and
  // whatever earlier tests paid.
  const [medical] = await sql<{ fen: string }>(
    `SELECT coalesce(sum(e.amount_fen), 0)::text AS fen FROM ledger_entry e JOIN organisation o ON o.id = e.organisation_id
      WHERE e.aid_type = 'MEDICAL' AND o.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%'
        AND extract(year FROM e.entry_date) = extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')`,
  );
  expect(Number(medical!.fen)).toBeGreaterThanOrEqual(800000);
  const yuan = (Number(medical!.fen) / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  await expect(moneyByType.getByRole("row", { name: /医疗救助/ })).toContainText(`¥${yuan}`);
  await screenshot(auditor, "reports-city-year");
  await auditor.setViewportSize(PHONE);
  await screenshot(auditor, "reports-city-year-390");
  await auditor.setViewportSize({ width: 1280, height: 900 });

  const download = auditor.waitForEvent("download");
  await openFiles.getByRole("link", { name: "下载 .xlsx" }).click();
  expect((await download).suggestedFilename()).toMatch(/^统计报表-兰州市总工会-.*\.xlsx$/);
  await expect
    .poll(
      async () =>
        (
          await sql<{ n: number }>(
            "SELECT count(*)::int AS n FROM audit_event WHERE action = 'report.export' AND actor_id = (SELECT id FROM app_user WHERE username = 'lz_auditor')",
          )
        )[0]!.n,
    )
    .toBe(1);

  await openFiles.getByRole("link", { name: "城关区总工会" }).click();
  await expect(auditor.getByText(/城关区总工会 · \d{4}年/)).toBeVisible();
  await expect(auditor.getByRole("link", { name: "返回上级" })).toBeVisible();
  await screenshot(auditor, "reports-county-drilldown");

  // Bad input is told, not thrown.
  await auditor.goto("/reports?kind=range&from=2026-05-01&to=2026-01-01");
  await expect(auditor.locator("#report-to-error")).toHaveText("结束日期不能早于开始日期。");
});

test("a Tianshui auditor cannot open Lanzhou's report", async ({ browser }) => {
  const [lanzhou] = await sql<{ id: string }>("SELECT id FROM organisation WHERE code = 'GSLZ'");
  const auditor = await pageAs(browser, "ts_auditor");
  const response = await auditor.goto(`/reports?organisationId=${lanzhou!.id}`);
  expect(response?.status()).toBe(404);
  const download = await auditor.request.get(`/reports/export?table=all&organisationId=${lanzhou!.id}`);
  expect(download.status()).toBe(404);
});
