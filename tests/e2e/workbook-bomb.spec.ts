// Guards issue 22 §1 through the built app: the issue's own workbook (30 sheets pointing at one
// part of 100 MiB of spaces, about 104 KB zipped), uploaded by a caseworker as the civil-affairs
// roster and as a household import, is refused with the Chinese message naming the limit, and the
// server goes on serving pages. Before the fix the server ran out of heap after 31 s.
import { writeFile } from "node:fs/promises";
import { sheetPart, textPart, workbookParts, zipOf } from "../support/zip-parts";
import { expect, loginAs, test } from "./support/fixtures";

const RATIO_REFUSAL = "工作簿中有部件的解压比超过 200 倍的上限，这不是 Excel 或 WPS 正常保存的文件。";

async function issueWorkbook(marker: string): Promise<string> {
  const sheets = Array.from({ length: 30 }, (_, i) => ({ name: `表${i + 1}`, target: "worksheets/sheet1.xml" }));
  const spaces = Buffer.alloc(1024 * 1024, " ");
  const bytes = zipOf([
    ...(await workbookParts(sheets)),
    await textPart("docProps/app.xml", `<Properties><Company>${marker}</Company></Properties>`), // distinct bytes per upload
    await sheetPart("xl/worksheets/sheet1.xml", (push) => {
      push('<row r="1"><c r="A1" t="inlineStr"><is><t>公民身份号码</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>');
      for (let i = 0; i < 100; i += 1) push(spaces);
    }),
  ]);
  const path = test.info().outputPath(`${marker}.xlsx`);
  await writeFile(path, bytes);
  return path;
}

test("refuses the issue's workbook as a roster and as an import, and keeps serving", async ({ browser }) => {
  test.slow();
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(context, "lz_caseworker");
  const page = await context.newPage();

  await page.goto("/civil");
  await page.getByLabel("民政比对名单（.xlsx 或 .csv）").setInputFiles(await issueWorkbook(`roster-${Date.now()}`));
  await page.getByRole("button", { name: "上传并比对" }).click();
  await expect(page.getByText(RATIO_REFUSAL)).toBeVisible({ timeout: 30_000 });

  // The household import reads the workbook after the response, in the background step.
  await page.goto("/import");
  await page.getByLabel("填写好的导入模板（.xlsx）").setInputFiles(await issueWorkbook(`import-${Date.now()}`));
  await page.getByRole("button", { name: "上传并校验" }).click();
  await expect(page.getByText(RATIO_REFUSAL)).toBeVisible({ timeout: 30_000 });

  // The server is still up: another page loads.
  await page.goto("/civil");
  await expect(page.getByRole("heading", { name: "民政比对" })).toBeVisible();
  await context.close();
});
