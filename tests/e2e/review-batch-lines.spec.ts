// Guards the review page's 发放批次待审批 after issue 28: each batch's 名单 is the number of lines it
// pays, now read from the count batch_line's triggers keep on the batch (migration 0043) instead of
// a count over all of batch_line — a removed line is not counted — and the section reads at 390 px.
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, orgId, pageAs, screenshot, sql, test, userId } from "./support/fixtures";

test("the review page lists a submitted batch with the number of lines it pays", async ({ browser }) => {
  test.setTimeout(120_000);
  const city = await orgId("GSLZ");
  const caseworker = await userId("lz_caseworker");
  const name = `名单计数核对 ${Date.now().toString(36)}`;
  const files: { id: string; organisation_id: string }[] = [];
  for (const [i, holderName] of ["孟庆华", "段玉兰", "吕建新"].entries()) {
    const id = await createOpenFile({
      orgCode: "GSLZCG",
      holderName,
      holderId: residentId({ birthDate: `1970-0${i + 1}-11` }),
      caseworker: "lz_caseworker",
      official: "lz_official",
    });
    files.push({ id, organisation_id: await orgId("GSLZCG") });
  }
  const [batch] = await sql<{ id: string }>(
    `INSERT INTO disbursement_batch (idempotency_key, organisation_id, name, aid_type, fund_source, entry_date, purpose, status, created_by_id, submitted_by_id, submitted_at)
     VALUES (gen_random_uuid(), $1, $2, 'WARMTH', 'WARMTH_FUND', CURRENT_DATE, '元旦春节慰问', 'SUBMITTED', $3, $3, now()) RETURNING id`,
    [city, name, caseworker],
  );
  for (const f of files) {
    await sql("INSERT INTO batch_line (batch_id, file_id, organisation_id, amount_fen) VALUES ($1, $2, $3, 50000)", [batch!.id, f.id, f.organisation_id]);
  }
  await sql("UPDATE batch_line SET removed = true, removed_reason = '本月已另行慰问' WHERE batch_id = $1 AND file_id = $2", [batch!.id, files[0]!.id]);

  const page = await pageAs(browser, "lz_official");
  await page.goto("/review");
  const row = page.getByTestId("pending-batches").getByRole("row").filter({ hasText: name });
  await expect(row).toBeVisible();
  // 批次, 范围, 类型, 名单, 提交人: three lines added, one removed.
  await expect(row.getByRole("cell").nth(3)).toHaveText("2");
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, "review-batch-lines");
  await page.setViewportSize({ width: 390, height: 844 });
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, "review-batch-lines-390");
  // The wide table scrolls in its own box; the page itself does not scroll sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
