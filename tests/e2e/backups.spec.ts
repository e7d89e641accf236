// Guards the backup page (数据备份): administrators see every run with its time, result, size and
// reason; other roles neither see the entry nor open the page. The e2e server is started without
// `npm start`, so the page explains backups for a database of one's own.
import { expect, pageAs, screenshot, sql, test } from "./support/fixtures";

test("an administrator sees the backup runs with size and result; a caseworker cannot open the page", async ({ browser }) => {
  await sql(
    `INSERT INTO backup_run (trigger, status, started_at, finished_at, file_name, size_bytes, table_rows, evidence_files, error)
     VALUES ('SCHEDULED', 'SUCCEEDED', '2026-12-01T18:30:00Z', '2026-12-01T18:30:42Z', 'bangfu-backup-20261202-023000.tar.gz', 104286676, 1083381, 12, NULL),
            ('MANUAL', 'FAILED', '2026-12-01T10:00:00Z', '2026-12-01T10:00:01Z', NULL, NULL, NULL, NULL, '另一个备份正在进行，请等它完成后再试。')`,
  );
  const page = await pageAs(browser, "lz_admin");
  await page.goto("/");
  await page.getByRole("link", { name: "数据备份" }).click();
  await expect(page.getByRole("heading", { name: "数据备份" })).toBeVisible();
  const succeeded = page.getByRole("row", { name: /bangfu-backup-20261202-023000\.tar\.gz/ });
  await expect(succeeded).toContainText("2026-12-02 02:30");
  await expect(succeeded).toContainText("每日自动");
  await expect(succeeded).toContainText("成功");
  await expect(succeeded).toContainText("99.5 MB");
  await expect(succeeded).toContainText("1,083,381 行");
  await expect(page.getByRole("row", { name: /另一个备份正在进行/ })).toContainText("失败");
  await expect(page.getByText("请数据库管理员定期备份数据库")).toBeVisible();
  await screenshot(page, "backups");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "backups-390");

  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/");
  await expect(caseworker.getByRole("link", { name: "数据备份" })).toHaveCount(0);
  await caseworker.goto("/admin/backups");
  await expect(caseworker).toHaveURL(/\/403$/);
});
