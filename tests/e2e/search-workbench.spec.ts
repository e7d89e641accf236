// Guards issue 28's faster search and workbench as a user sees them: a name typed in the archive
// finds the household whose holder has it and the one where a family member has it, each once,
// newest change first, with the count; the auditor's 大额 item links to the ledger filtered by the
// amount it counts. Both screens read at 1280 and at 390 px wide.
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, pageAs, screenshot, sql, test } from "./support/fixtures";

test("a name finds holder and family member alike; the auditor's large payments open the filtered ledger", async ({ browser }) => {
  test.setTimeout(90_000);
  const name = "东方慧敏";
  const holder = await createOpenFile({
    orgCode: "GSLZCG",
    holderName: name,
    holderId: residentId({ birthDate: "1969-04-21" }),
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  const spouseOf = await createOpenFile({
    orgCode: "GSLZCG",
    holderName: "柏立新",
    holderId: residentId({ birthDate: "1968-09-02" }),
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  // 柏立新's wife is 东方慧敏: a member, not the holder. Changed last, so listed first.
  await sql(
    `UPDATE household_file SET data = jsonb_set(data, '{members}', data->'members' || jsonb_build_array(jsonb_build_object('name', $2::text, 'relation', 'SPOUSE'))),
            updated_at = now() WHERE id = $1`,
    [spouseOf, name],
  );

  const auditor = await pageAs(browser, "lz_auditor");
  await auditor.goto(`/archive?q=${encodeURIComponent(name)}`);
  const rows = auditor
    .getByRole("table")
    .getByRole("row")
    .filter({ has: auditor.getByRole("link") });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("柏立新");
  await expect(rows.nth(1)).toContainText(name);
  await expect(auditor.getByRole("navigation", { name: "分页" })).toContainText("共 2 条");
  await screenshot(auditor, "search-workbench-archive");
  await auditor.setViewportSize({ width: 390, height: 844 });
  await screenshot(auditor, "search-workbench-archive-390");
  expect(await auditor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // A payment of 9,000 元 to 东方慧敏's household: the workbench counts it among 单笔 5,000 元及以上.
  await sql(
    `WITH d AS (
       INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, status, recorded_by_id, decided_by_id, decided_at)
       SELECT gen_random_uuid(), $1, f.organisation_id, 'MEDICAL', 'CENTRAL_SPECIAL', 900000, current_date, '大病医疗救助', 'APPROVED',
              (SELECT id FROM app_user WHERE username = 'lz_caseworker'), (SELECT id FROM app_user WHERE username = 'lz_official'), now()
         FROM household_file f WHERE f.id = $1 RETURNING *)
     INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id, approved_by_id, disbursement_id)
     SELECT organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id, decided_by_id, id FROM d`,
    [holder],
  );
  await auditor.setViewportSize({ width: 1280, height: 900 });
  await auditor.goto("/");
  const large = auditor.getByTestId("workbench-auditor").getByRole("link", { name: /单笔 5,000 元及以上的发放/ });
  await expect(large).toBeVisible();
  await expect(large).toHaveAttribute("href", "/ledger?min=5000");
  await screenshot(auditor, "search-workbench-auditor");
  await auditor.setViewportSize({ width: 390, height: 844 });
  await screenshot(auditor, "search-workbench-auditor-390");
  expect(await auditor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await large.click();
  await expect(auditor).toHaveURL(/\/ledger\?min=5000$/);
  await expect(auditor.getByRole("table")).toContainText(name);
});
