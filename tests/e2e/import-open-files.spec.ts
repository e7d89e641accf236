// Guards 按已在档档案迁入 as people meet it: a caseworker uploads existing approved files choosing
// that mode, the batch waits for approval; another official finds it on the workbench and in the
// review area, previews it and approves it with a confirmation; the files are open, numbered, and
// the household page's history says in words that the file arrived by that batch, approved by whom.
import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { residentId } from "../support/resident-ids";
import { expect, loginAs, screenshot, sql, test } from "./support/fixtures";

test("a caseworker imports existing files as open; another official approves the batch; the file's history says so", async ({ browser }) => {
  const caseworker = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", acceptDownloads: true });
  await loginAs(caseworker, "lz_caseworker");
  const page = await caseworker.newPage();
  await page.goto("/import");
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载导入模板" }).click();
  const template = await readFile((await (await downloadPromise).path())!);
  const holderName = `迁入户${Date.now() % 100000}`;
  const birth = "1968-06-0" + String(1 + (Date.now() % 8));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const households = wb.getWorksheet("户信息")!;
  const header = (households.getRow(1).values as string[]).map((v) => (v ? String(v).replace(/\*$/, "") : v));
  const values: Record<string, string> = {
    户编号: "Y1",
    档案级别: "市级",
    职工类别: "城镇困难职工",
    住房情况: "租房",
    建档职工是否工会会员: "是",
    主要致困原因: "因病",
    "工资性收入（元/月）": "1500",
    建议困难类别: "深度困难",
    在档困难类别: "深度困难",
    原建档日期: "2023-04-20",
    原档案编号: "兰困-2023-077",
  };
  households.addRow(header.slice(1).map((h) => (h ? (values[h] ?? "") : "")));
  wb.getWorksheet("家庭成员")!.addRow(["Y1", holderName, "本人", residentId({ birthDate: birth }), birth, "男", "大病", "", "不在学", "灵活就业", "是"]);
  wb.creator = `open-e2e-${Date.now()}`;
  const path = test.info().outputPath("open.xlsx");
  await wb.xlsx.writeFile(path);

  await page.getByLabel("按已在档档案迁入").check();
  await page.getByLabel("填写好的导入模板（.xlsx）").setInputFiles(path);
  await screenshot(page, "import-open-upload");
  await page.getByRole("button", { name: "上传并校验" }).click();
  await expect(page.getByText("校验通过，待审批")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("该批次等待工作人员审批。")).toBeVisible();
  await expect(page.getByRole("button", { name: /批准迁入/ })).toHaveCount(0);
  const importUrl = page.url();

  const official = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(official, "lz_official");
  const officialPage = await official.newPage();
  await officialPage.goto("/");
  const item = officialPage.getByRole("link", { name: /在档迁入批次待审批/ });
  await expect(item).toBeVisible();
  await item.click();
  await expect(officialPage.getByRole("heading", { name: /^在档迁入批次待审批（Excel 导入，/ })).toBeVisible();
  await officialPage.goto(importUrl);
  await expect(officialPage.getByTestId("import-tier-counts")).toContainText("深度困难 1 户");
  const row = officialPage.getByRole("row").filter({ hasText: holderName });
  await expect(row).toContainText("2023-04-20");
  await expect(row).toContainText("兰困-2023-077");
  await screenshot(officialPage, "import-open-approve");
  await officialPage.setViewportSize({ width: 390, height: 844 });
  await screenshot(officialPage, "import-open-approve-390");
  await officialPage.setViewportSize({ width: 1280, height: 900 });
  await officialPage.getByRole("button", { name: "批准迁入 1 户" }).click();
  await officialPage.getByRole("dialog").getByRole("button", { name: "确认批准" }).click();
  await expect(officialPage.getByText("已迁入 1 户在档档案")).toBeVisible({ timeout: 30_000 });

  const [file] = await sql<{ id: string; status: string; file_number: string }>("SELECT id, status, file_number FROM household_file WHERE holder_name = $1", [
    holderName,
  ]);
  expect(file?.status).toBe("OPEN");
  expect(file?.file_number).toMatch(/^GSLZ-\d{4}-\d{5}$/);
  await officialPage.goto(`/files/${file!.id}`);
  const history = officialPage.getByTestId("history");
  await expect(history).toContainText("按已在档档案迁入（导入批次审批通过）");
  await expect(history).toContainText("李建国 审批通过");
  await expect(history).toContainText("原档案编号 兰困-2023-077");
  await expect(officialPage.getByText("兰困-2023-077").first()).toBeVisible();
  await screenshot(officialPage, "import-open-file-history");
  await caseworker.close();
  await official.close();
});
