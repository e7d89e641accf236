// Guards 日历维护 in the browser: a province administrator sees which years the working-day
// calendar covers, enters a holiday of a year chinese-days does not list (a make-up day on a
// weekday is refused with its reason, nothing saved), sees it listed, and withdraws it; a city
// administrator sees the calendar but no way to change it. 2028 leaves other tests' deadlines alone.
import { expect, pageAs, sql, test } from "./support/fixtures";

test("a province administrator enters and withdraws a holiday the package does not list", async ({ browser }) => {
  const admin = await pageAs(browser, "gs_admin");
  await admin.goto("/admin/jobs");
  const card = admin.locator("#calendar");
  await expect(card.getByRole("cell", { name: "2028 年" })).toBeVisible();

  await card.getByRole("button", { name: "录入节假日或调休" }).click();
  const dialog = admin.getByRole("dialog");
  await dialog.getByLabel("日期").fill("2028-01-26");
  await dialog.getByLabel("安排").selectOption({ label: "调休上班" });
  await dialog.getByLabel("名称").fill("春节");
  await dialog.getByRole("button", { name: "保存" }).click();
  // Shown above the form and under the field it concerns.
  await expect(dialog.getByText("调休上班只能设在周六或周日：周一至周五本来就是工作日。")).toHaveCount(2);
  expect(await sql("SELECT 1 FROM calendar_day WHERE day = '2028-01-26'")).toHaveLength(0);

  await dialog.getByLabel("安排").selectOption({ label: "放假" });
  await dialog.getByRole("button", { name: "保存" }).click();
  await expect(dialog).toBeHidden();
  const row = card.getByRole("row", { name: /2028-01-26/ });
  await expect(row).toContainText("放假");
  await expect(row).toContainText("春节");
  await expect(card.getByRole("row", { name: /2028 年/ })).toContainText("1 天");

  // An administrator's home (/orgs) carries the same warning whenever the calendar page shows a year
  // that deadlines reach into with nothing covering it.
  const uncovered = await card.getByText("未覆盖，期限已跨入").count();
  await admin.goto("/");
  await expect(admin).toHaveURL(/\/orgs$/);
  await expect(admin.getByRole("link", { name: "查看工作日历" })).toHaveCount(uncovered > 0 ? 1 : 0);
  await admin.goto("/admin/jobs");

  const city = await pageAs(browser, "lz_admin");
  await city.goto("/admin/jobs");
  await expect(city.locator("#calendar").getByRole("row", { name: /2028-01-26/ })).toBeVisible();
  await expect(city.locator("#calendar").getByRole("button", { name: "录入节假日或调休" })).toHaveCount(0);
  await expect(city.locator("#calendar").getByRole("button", { name: "撤销" })).toHaveCount(0);

  await row.getByRole("button", { name: "撤销" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "确认撤销" }).click();
  await expect(card.getByRole("row", { name: /2028-01-26/ })).toHaveCount(0);
  expect(await sql("SELECT 1 FROM calendar_day WHERE day = '2028-01-26'")).toHaveLength(0);
});
