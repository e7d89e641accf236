// Guards issue 28's page weight: an archive or ledger page of 20 rows at most half of the bytes it
// had when the issue was filed (2026-12-07 bench: archive 101.5 KB of HTML with 62.2 KB of inline
// RSC payload; ledger 163.3 KB with 93.4 for 50 rows), HTML and RSC payload both, with full server
// rendering kept (the rows are in the HTML). How: each row is sent once as markup and once as an
// array of its texts (client components ArchiveRows / LedgerRows), the cells' classes are set once
// on the table, the header's links are data given once for wide screens and the phone menu, the
// filter selects are data. And nothing a caseworker sees changed: the same columns and texts, the
// cells' look (mono numbers, the holder's link, the badges), filters that keep their choice, links
// that navigate, the auditor's 查看完整账号 in a ledger row, the household page, the 390 px layout.
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";

const KB = 1024;

// The bounds: at most half of each figure when the issue was filed (archive 101.5 KB of HTML, 62.2 of
// it inline RSC, 50.4 KB of navigation RSC; ledger 163.3 / 93.4 / 77.0 KB for 50 rows), as a
// page's fixed part plus its rows for the ledger. npm run bench:http measured after this change
// (docs/benchmarks/2026-12-07-page-weight-2.md): archive 43.4 / 19.8 / 16.9 KB, ledger 67.5 /
// 30.7 / 27.1 KB for 50 rows and 44.6 / 22.1 / 19.2 KB for 20.
const ARCHIVE_HTML = 50 * KB;
const ARCHIVE_INLINE = 25 * KB;
const ARCHIVE_RSC = 22 * KB;
const LEDGER_HTML = { fixed: 32 * KB, row: 0.95 * KB };
const LEDGER_INLINE = { fixed: 19 * KB, row: 0.5 * KB };
const LEDGER_RSC = { fixed: 16 * KB, row: 0.45 * KB };

/** Bytes of the RSC payload a page's HTML carries inline (its self.__next_f.push scripts), as npm run bench:http counts them. */
function inlineRscBytes(html: string): number {
  let n = 0;
  for (const m of html.matchAll(/<script[^>]*>(self\.__next_f\.push\([\s\S]*?)<\/script>/g)) n += Buffer.byteLength(m[1]!);
  return n;
}

/** A page's HTML document, its inline RSC payload and the RSC payload of a client-side navigation to it, in bytes. */
async function weigh(page: import("@playwright/test").Page, path: string) {
  const html = await (await page.request.get(path, { headers: { "Accept-Encoding": "identity" } })).text();
  const rsc = (await (await page.request.get(path, { headers: { RSC: "1", "Accept-Encoding": "identity" } })).body()).length;
  return { html: Buffer.byteLength(html), inline: inlineRscBytes(html), rsc, text: html };
}

/** The computed style of the first element matching `selector`, for the properties asked. */
async function styleOf(page: import("@playwright/test").Page, selector: string, properties: string[]) {
  return page
    .locator(selector)
    .first()
    .evaluate((el, props) => {
      const style = getComputedStyle(el);
      return Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)]));
    }, properties);
}

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

  // The cells look as they did when each carried its own classes: 档案编号 and 身份号码 in mono on
  // one line, the holder's name a brand-red link of medium weight with the household size small
  // and grey beside it, the status a coloured badge, 更新时间 on one line.
  expect(await styleOf(page, "tbody td:nth-child(2)", ["font-family", "white-space", "font-size"])).toEqual({
    "font-family": expect.stringMatching(/mono/i),
    "white-space": "nowrap",
    "font-size": "12px",
  });
  expect(await styleOf(page, "tbody td:nth-child(4)", ["font-family", "font-size"])).toEqual({
    "font-family": expect.stringMatching(/mono/i),
    "font-size": "12px",
  });
  expect(await styleOf(page, "tbody td:nth-child(3) a", ["color", "font-weight"])).toEqual({ color: "rgb(153, 27, 27)", "font-weight": "500" });
  expect(await styleOf(page, "tbody td:nth-child(3) small", ["font-size", "margin-left"])).toEqual({ "font-size": "12px", "margin-left": "4px" });
  expect(await styleOf(page, "tbody td:nth-child(10) span", ["font-size", "border-radius"])).toEqual({ "font-size": "12px", "border-radius": "4px" });
  expect((await styleOf(page, "tbody td:nth-child(10) span", ["background-color"]))["background-color"]).not.toBe("rgba(0, 0, 0, 0)");
  expect(await styleOf(page, "tbody td:nth-child(11)", ["white-space"])).toEqual({ "white-space": "nowrap" });

  const archive = await weigh(page, "/archive");
  console.log(
    `档案 ${rowCount} 行：HTML ${(archive.html / KB).toFixed(1)} KB（内嵌 RSC ${(archive.inline / KB).toFixed(1)} KB），导航 RSC ${(archive.rsc / KB).toFixed(1)} KB`,
  );
  // When the issue was filed: 101.5 KB of HTML, 62.2 KB of it inline RSC, about 50 KB of navigation
  // RSC; the bounds above are half of that or less.
  expect(archive.html).toBeLessThanOrEqual(ARCHIVE_HTML);
  expect(archive.inline).toBeLessThanOrEqual(ARCHIVE_INLINE);
  expect(archive.rsc).toBeLessThanOrEqual(ARCHIVE_RSC);
  // The rows are in the HTML (full server rendering), and the sections' links once, not twice.
  expect(archive.text.match(/<tr>/g)?.length).toBe(21);
  expect(archive.text.match(/aria-label="主导航"/g)?.length).toBe(1);
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
  // The auditor may not act on the file: its 办理 card says so instead of standing empty.
  await expect(page.getByText("当前没有您可以办理的操作。")).toBeVisible();
  await screenshot(page, "page-weight-household");

  // ── 台账: the rows, their bytes, the auditor's reveal in a row ──
  await page.goto("/ledger");
  const ledgerRows = page.getByRole("table").getByRole("row");
  await expect(ledgerRows.nth(1)).toBeVisible();
  await expect(page.getByRole("columnheader")).toHaveText(["日期", "建档职工", "组织", "类型", "资金来源", "金额", "收款账户", "用途"]);
  await expect(ledgerRows.nth(1).getByRole("cell").nth(5)).toHaveText(/^-?¥[\d,]+\.\d\d/);
  const ledgerRowCount = (await ledgerRows.count()) - 1;
  const ledger = await weigh(page, "/ledger");
  console.log(
    `台账 ${ledgerRowCount} 行：HTML ${(ledger.html / KB).toFixed(1)} KB（内嵌 RSC ${(ledger.inline / KB).toFixed(1)} KB），导航 RSC ${(ledger.rsc / KB).toFixed(1)} KB`,
  );
  // A ledger page is up to 50 rows. When the issue was filed: 163.3 KB of HTML, 93.4 of it inline
  // RSC, for 50 rows; the bounds are a page's fixed part plus each row, at most half of that for 50.
  expect(ledger.html).toBeLessThanOrEqual(LEDGER_HTML.fixed + ledgerRowCount * LEDGER_HTML.row);
  expect(ledger.inline).toBeLessThanOrEqual(LEDGER_INLINE.fixed + ledgerRowCount * LEDGER_INLINE.row);
  expect(ledger.rsc).toBeLessThanOrEqual(LEDGER_RSC.fixed + ledgerRowCount * LEDGER_RSC.row);
  expect(await styleOf(page, "tbody td:nth-child(1)", ["white-space"])).toEqual({ "white-space": "nowrap" });
  expect(await styleOf(page, "tbody td:nth-child(2) a", ["color"])).toEqual({ color: "rgb(153, 27, 27)" });
  expect(await styleOf(page, "tbody td:nth-child(2) small", ["display", "font-size"])).toEqual({ display: "block", "font-size": "12px" });
  expect(await styleOf(page, "tbody td:nth-child(6)", ["white-space", "font-variant-numeric"])).toEqual({
    "white-space": "nowrap",
    "font-variant-numeric": "tabular-nums",
  });
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
