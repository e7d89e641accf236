// Guards issue 28's page weight: the archive and the ledger send each row once as markup and once
// as a few strings of data (client components ArchiveRows / LedgerRows), not as an element tree in
// the RSC payload beside the same markup; the header's links, the filter selects and the export
// buttons likewise. Before, a 20-row archive page was about 90 KB of HTML and its client-side
// navigation 50 KB of RSC payload; the bounds below hold today's weight (about 54 and 22 KB). And nothing a caseworker
// sees changed: the same columns and texts, filters that keep their choice, links that navigate,
// the auditor's 查看完整账号 in a ledger row, the household page's ledger, and the 390 px layout.
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";

const KB = 1024;

/** A full archive page and ledger rows of 城关区: 21 open files with one payment each (the demo data has none). */
async function twentyOneHouseholds() {
  const [organisation, caseworker, official] = [await orgId("GSLZCG"), await userId("lz_caseworker"), await userId("lz_official")];
  const tag = Date.now().toString(36).slice(-3);
  const surnames = ["王", "李", "张", "刘", "陈", "杨", "赵"];
  for (let i = 0; i < 21; i++) {
    const fileId = await createOpenFile({
      orgCode: "GSLZCG",
      holderName: `${surnames[i % 7]}页重${tag}${i}`,
      // Birth dates of their own, so that no other spec's holder has the same ID number.
      holderId: residentId({ birthDate: `19${50 + (Date.now() % 40)}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 27) + 1).padStart(2, "0")}` }),
      caseworker: "lz_caseworker",
      official: "lz_official",
    });
    const amount = 30_000 + i * 1_250;
    const [d] = await sql<{ id: string }>(
      `INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, status, recorded_by_id, decided_by_id, decided_at)
       VALUES (gen_random_uuid(), $1, $2, 'LIVING', 'CENTRAL_SPECIAL', $3, CURRENT_DATE, '生活救助', 'APPROVED', $4, $5, now()) RETURNING id`,
      [fileId, organisation, amount, caseworker, official],
    );
    await sql(
      `INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, disbursement_id, recorded_by_id, approved_by_id)
       VALUES ($1, $2, 'LIVING', 'CENTRAL_SPECIAL', $3, CURRENT_DATE, '生活救助', $4, $5, $6)`,
      [organisation, fileId, amount, d!.id, caseworker, official],
    );
  }
}

test("the archive, the ledger and a household page: half the bytes, the same screens", async ({ browser }) => {
  // 21 files made in the database first: a few seconds on a quiet machine, a minute at load 20.
  test.setTimeout(180_000);
  const t0 = Date.now();
  await twentyOneHouseholds();
  console.log(`21 户及其台账：${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const page = await pageAs(browser, "lz_auditor");

  // ── 档案: the rows, their bytes, a filter that keeps its choice ──
  await page.goto("/archive");
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows.nth(1)).toBeVisible();
  const rowCount = (await rows.count()) - 1;
  expect(rowCount).toBe(20);
  await expect(page.getByRole("columnheader")).toHaveText([
    "选择",
    "档案编号",
    "建档职工",
    "身份号码",
    "建档单位",
    "困难类别",
    "档案级别",
    "职工类别",
    "主要致困原因",
    "状态",
    "更新时间",
  ]);
  // Every row: a checkbox of the print form, a masked ID number, a link to its household page.
  const first = rows.nth(1);
  await expect(first.getByRole("checkbox")).toHaveAttribute("form", "print-selection");
  await expect(first.getByRole("cell").nth(3)).toHaveText(/^\d{6}\*{8}\d{3}[\dX]$/);
  await expect(first.getByRole("link")).toHaveAttribute("href", /^\/files\/[0-9a-f-]{36}$/);

  const html = await page.request.get("/archive", { headers: { "Accept-Encoding": "identity" } });
  const htmlBytes = (await html.body()).length;
  const rsc = await page.request.get("/archive", { headers: { RSC: "1", "Accept-Encoding": "identity" } });
  const rscBytes = (await rsc.body()).length;
  console.log(`档案 ${rowCount} 行：HTML ${(htmlBytes / KB).toFixed(1)} KB，RSC ${(rscBytes / KB).toFixed(1)} KB`);
  // Before: about 90 KB of HTML and 50 KB of RSC payload (2026-12-07 bench); now about 54 and 22.
  expect(htmlBytes).toBeLessThanOrEqual(60 * KB);
  expect(rscBytes).toBeLessThanOrEqual(25 * KB);
  await screenshot(page, "page-weight-archive");

  await page.getByLabel("困难类别").selectOption({ label: "深度困难" });
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/tier=DEEP/);
  await expect(page.getByLabel("困难类别")).toHaveValue("DEEP");
  for (const cell of await page
    .getByRole("table")
    .getByRole("row")
    .filter({ has: page.getByRole("cell") })
    .all()) {
    await expect(cell.getByRole("cell").nth(5)).toHaveText(/^深度困难/);
  }

  // ── a household page, reached by the row's link (a client-side navigation) ──
  await page.goto("/archive");
  const name = (await first.getByRole("link").textContent())!;
  await first.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${name}家庭档案`);
  await expect(page.getByTestId("household-ledger")).toBeVisible();
  await screenshot(page, "page-weight-household");

  // ── 台账: the rows, their bytes, the auditor's reveal in a row ──
  await page.goto("/ledger");
  const ledgerRows = page.getByRole("table").getByRole("row");
  await expect(ledgerRows.nth(1)).toBeVisible();
  await expect(page.getByRole("columnheader")).toHaveText(["日期", "建档职工", "组织", "类型", "资金来源", "金额", "收款账户", "用途"]);
  await expect(ledgerRows.nth(1).getByRole("cell").nth(5)).toHaveText(/^-?¥[\d,]+\.\d\d/);
  const ledgerHtml = (await (await page.request.get("/ledger", { headers: { "Accept-Encoding": "identity" } })).body()).length;
  const ledgerRsc = (await (await page.request.get("/ledger", { headers: { RSC: "1", "Accept-Encoding": "identity" } })).body()).length;
  const ledgerRowCount = (await ledgerRows.count()) - 1;
  console.log(`台账 ${ledgerRowCount} 行：HTML ${(ledgerHtml / KB).toFixed(1)} KB，RSC ${(ledgerRsc / KB).toFixed(1)} KB`);
  // A ledger page is up to 50 rows. Before: about 150 KB of HTML and 77 KB of RSC payload for 50
  // (some 2.4 and 1.2 KB a row); now about 96 and 43 (2026-12-07 bench).
  expect(ledgerHtml).toBeLessThanOrEqual(35 * KB + ledgerRowCount * 1.5 * KB);
  expect(ledgerRsc).toBeLessThanOrEqual(22 * KB + ledgerRowCount * 0.8 * KB);
  const reveal = ledgerRows.getByRole("button", { name: "查看完整账号" }).first();
  if (await reveal.count()) {
    await reveal.click();
    await expect(
      ledgerRows
        .locator(".font-mono")
        .filter({ hasText: /^\d{12,30}$/ })
        .first(),
    ).toBeVisible();
  }
  await screenshot(page, "page-weight-ledger");

  // ── 390 px: the tables scroll in their own box, the menu still carries every section ──
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, shot] of [
    ["/archive", "page-weight-archive-390"],
    ["/ledger", "page-weight-ledger-390"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("table")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, shot);
  }
  await page.getByRole("button", { name: "菜单" }).click();
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "档案" }).click();
  await expect(page).toHaveURL(/\/archive$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("困难职工档案");
});
