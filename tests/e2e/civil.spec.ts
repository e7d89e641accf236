// Guards the civil-affairs comparison in the browser: the roster template downloads, a roster with
// a bad ID number is refused with its row and column, the corrected roster is compared in the
// background — the run page shows its progress, then the result by itself (issue 28) — the
// household's mismatches are listed with their reasons, and one click opens a re-check.
import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import pg from "pg";
import { residentId } from "../support/resident-ids";
import { createOpenFile, databaseUrl, expect, loginAs, screenshot, sql, test } from "./support/fixtures";

test("uploads a roster, sees the household's mismatches and opens a re-check", async ({ browser }) => {
  test.slow();
  const holderName = `民比${Date.now() % 10000}`;
  const holderId = residentId({ birthDate: "1972-02-02", sex: "MALE" });
  const fileId = await createOpenFile({ orgCode: "GSLZCG", holderName, holderId, caseworker: "lz_caseworker", official: "lz_official" });
  const missedId = residentId({ birthDate: "1983-03-03", sex: "FEMALE" });

  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", acceptDownloads: true });
  await loginAs(context, "lz_caseworker");
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("link", { name: "民政比对" }).first().click();
  await expect(page.getByRole("heading", { name: "民政比对" })).toBeVisible();
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载名单模板" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("民政比对名单模板.xlsx");
  const template = await readFile((await download.path())!);

  async function roster(holderCell: string, marker: string) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("民政比对名单")!;
    // 公民身份号码, 姓名, 低保, 低保金额, 家庭年收入, 人口, 车辆, 房产, 死亡, 工会会员, 工作单位
    sheet.addRow([holderCell, holderName, "否", "", "24000", "1", "是", "否", "否", "是", "兰州市第二人民医院"]);
    sheet.addRow([missedId, "漏评候选", "是", "600", "", "", "否", "否", "否", "是", "兰州佛慈制药"]);
    wb.creator = marker;
    const path = test.info().outputPath(`${marker}.xlsx`);
    await wb.xlsx.writeFile(path);
    return path;
  }

  await page.getByLabel("民政比对名单（.xlsx 或 .csv）").setInputFiles(await roster(holderId.slice(0, 17) + (holderId[17] === "1" ? "2" : "1"), "bad"));
  await page.getByRole("button", { name: "上传并比对" }).click();
  // The upload is answered at once; the run page tells, once the roster is read, what is wrong with it.
  await expect(page.getByRole("heading", { name: /民政比对：bad\.xlsx/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("名单中有 1 处问题")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("名单有问题", { exact: true })).toBeVisible();
  const problem = page.getByRole("row").filter({ hasText: "校验" });
  await expect(problem.getByRole("cell").nth(1)).toHaveText("3");
  await expect(problem.getByRole("cell").nth(2)).toHaveText("公民身份号码");
  await page.getByRole("link", { name: "返回比对记录" }).click();

  // The matching step is held by a lock on the results table, so the progress the page polls can be seen.
  const holder = new pg.Client({ connectionString: databaseUrl() });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("LOCK TABLE civil_comparison_result IN SHARE MODE");
  try {
    await page.getByLabel("民政比对名单（.xlsx 或 .csv）").setInputFiles(await roster(holderId, "good"));
    await page.getByRole("button", { name: "上传并比对" }).click();
    await expect(page.getByRole("heading", { name: /民政比对：good\.xlsx/ })).toBeVisible({ timeout: 30_000 });
    const progress = page.getByRole("status");
    await expect(progress).toContainText("名单已写入，正在与在档档案匹配并列出不符情况：2 / 2 行（100%）", { timeout: 30_000 });
    await expect(page.getByText("正在比对", { exact: true })).toBeVisible();
    await screenshot(page, "civil-progress");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "civil-progress-390");
    await page.setViewportSize({ width: 1280, height: 900 });
  } finally {
    await holder.query("ROLLBACK");
    await holder.end();
  }
  // The page keeps polling and shows the result when the comparison is done, without a reload.
  // 24,000 元 a year for one person is 2,000 元 a month: above Lanzhou's 低保 of 780 元 for a DEEP file.
  const household = page.getByTestId("civil-result").filter({ hasText: "收入超标" });
  await expect(household).toContainText("名单人均月收入 ¥2,000.00", { timeout: 30_000 });
  await expect(household).toContainText("不低于低保标准 ¥780.00");
  await expect(page.getByTestId("civil-result").filter({ hasText: "有车有房" })).toContainText("车辆");
  await expect(page.getByTestId("civil-result").filter({ hasText: "疑似漏评" })).toContainText("漏评候选");
  await expect(page.getByText(holderId)).toHaveCount(0); // masked
  await screenshot(page, "civil-run");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "civil-run-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  await household.getByRole("button", { name: "发起复核" }).click();
  const dialog = page.getByRole("dialog").filter({ hasText: `对 ${holderName} 户发起复核？` });
  await expect(dialog).toContainText("下次核查日期将提前到今天");
  await dialog.getByRole("button", { name: "确认发起复核" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("civil-result").filter({ hasText: "收入超标" })).toContainText("已发起复核");
  const [item] = await sql<{ n: string }>(
    "SELECT count(*)::text AS n FROM work_item WHERE file_id = $1 AND kind = 'RECHECK_DUE' AND status = 'OPEN' AND due_date <= (now() AT TIME ZONE 'Asia/Shanghai')::date",
    [fileId],
  );
  expect(item!.n).toBe("1");

  await page.goto("/civil");
  await expect(page.getByRole("link", { name: "good.xlsx" })).toBeVisible();
  await screenshot(page, "civil-list");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "civil-list-390");
  await context.close();
});
