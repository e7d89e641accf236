// Guards 后台导出 in the browser (issue 10): an auditor starts a background export of the
// organisation ledger from the ledger page, lands on 我的导出 with the new job highlighted, sees
// it finish (status 已完成, the rows written against the total), and downloads a real .xlsx
// holding the ledger's rows — written by the export worker the jobs process runs.
import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { createOpenFile, createUser, expect, loginAs, orgId, screenshot, sql, test, userId } from "./support/fixtures";
import { residentId } from "../support/resident-ids";

/** Two approved payments of a new household in 城关区, written as the approval writes them. */
async function twoPayments(holderName: string) {
  const fileId = await createOpenFile({
    orgCode: "GSLZCG",
    holderName,
    holderId: residentId({ birthDate: "1971-03-05" }),
    caseworker: "lz_caseworker",
    official: "lz_official",
  });
  const [organisation, caseworker, official] = [await orgId("GSLZCG"), await userId("lz_caseworker"), await userId("lz_official")];
  for (const amount of [60_000, 45_050]) {
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

test("an auditor exports the ledger in the background, watches it finish and downloads it", async ({ browser }) => {
  const holderName = `后台${Date.now().toString(36).slice(-4)}`;
  await twoPayments(holderName);
  const auditor = await createUser({ orgCode: "GSLZ", roles: ["AUDITOR"], name: "孙审计" });
  const context = await browser.newContext();
  await loginAs(context, auditor.username);
  const page = await context.newPage();

  await page.goto(`/ledger?organisationId=${await orgId("GSLZCG")}`);
  await page.getByText("后台导出…").click();
  await expect(page.getByText("数据较多时使用后台导出")).toBeVisible();
  await page.getByRole("button", { name: "后台导出 Excel" }).click();

  await expect(page).toHaveURL(/\/exports\?job=/);
  await expect(page.getByText("已提交后台导出")).toBeVisible();
  const job = page.getByRole("listitem", { name: /帮扶资金发放实名制汇总表/ });
  // The page refreshes itself while the job is queued or running.
  await expect(job.getByText("已完成")).toBeVisible({ timeout: 30_000 });
  const [row] = await sql<{ rows_total: number }>("SELECT rows_total FROM export_job WHERE requested_by_id = $1", [auditor.id]);
  expect(row!.rows_total).toBe(2);
  await expect(job.getByText("已写入 2 / 2 行（100%）")).toBeVisible();
  await expect(job.getByText(/保留至/)).toBeVisible();
  await screenshot(page, "exports-job-desktop");

  const downloadPromise = page.waitForEvent("download");
  await job.getByRole("link", { name: /^下载/ }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^帮扶资金发放实名制汇总表-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  expect(sheet.getCell("A1").value).toBe("兰州市总工会 帮扶资金发放实名制汇总表");
  const holders: unknown[] = [];
  const amounts: unknown[] = [];
  sheet.eachRow((r, n) => {
    if (n > 4) {
      holders.push(r.getCell(2).value);
      amounts.push(r.getCell(8).value);
    }
  });
  expect(holders).toEqual([holderName, holderName]);
  expect(amounts.sort()).toEqual([450.5, 600]);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(job.getByText("已完成")).toBeVisible();
  await screenshot(page, "exports-job-390");
  await context.close();
});
