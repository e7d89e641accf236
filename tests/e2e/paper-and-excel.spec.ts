// Guards the paper forms and the Excel import as a person meets them: the archive's selection
// prints several households as one A4 document (checked as a PDF: page count, the five forms,
// the member table whole, signature lines, page numbers, no navigation or buttons), and a
// caseworker downloads the template, uploads a workbook with a mistake, sees the problem with
// its row and column, fixes it and imports.
import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { extractText, getDocumentProxy } from "unpdf";
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, loginAs, screenshot, sql, test } from "./support/fixtures";

test("prints two selected households as one A4 document with five forms each", async ({ browser }) => {
  const names = [`冯秀梅${Date.now() % 1000}`, `韩国栋${Date.now() % 1000}`];
  const ids: string[] = [];
  for (const [i, name] of names.entries()) {
    const fileId = await createOpenFile({
      orgCode: "GSLZCG",
      holderName: name,
      holderId: residentId({ birthDate: `197${i}-02-0${i + 3}` }),
      caseworker: "lz_caseworker",
      official: "lz_official",
    });
    ids.push(fileId);
    await sql(
      "INSERT INTO visit (file_id, visit_date, visitors, findings, recorded_by_id) SELECT $1, current_date - 3, '王静、李明', '配偶透析，每周三次', id FROM app_user WHERE username = 'lz_caseworker'",
      [fileId],
    );
    await sql(
      "INSERT INTO plan_measure (file_id, need, measure, responsible, due_date, created_by_id) SELECT $1, '医疗费用负担重', '申请医疗救助', '市总工会帮扶中心', current_date + 30, id FROM app_user WHERE username = 'lz_caseworker'",
      [fileId],
    );
  }
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(context, "lz_caseworker");
  const page = await context.newPage();
  await page.goto(`/archive?q=${encodeURIComponent(names[0]!)}`);
  await page.getByRole("checkbox", { name: `选择 ${names[0]} 的档案` }).check();
  await screenshot(page, "archive-selection");
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "打印所选档案" }).click();
  const popup = await popupPromise;
  await expect(popup.getByRole("heading", { name: "困难职工档案表" })).toBeVisible();
  expect(new URL(popup.url()).searchParams.getAll("id")).toEqual([ids[0]]);

  await page.goto(`/print/files?id=${ids[0]}&id=${ids[1]}`);
  await expect(page.getByRole("heading", { name: "问题清单与帮扶建议" }).nth(1)).toBeAttached();
  await screenshot(page, "print-view");
  const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true, printBackground: true });
  await import("node:fs/promises").then((fs) => fs.writeFile("test-results/screens/print-view.pdf", pdf));
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  // Two households × five forms, each form starting on its own page.
  expect(doc.numPages).toBeGreaterThanOrEqual(10);
  const { text } = await extractText(doc, { mergePages: false });
  // Chromium's CJK font maps some glyphs to radical code points (⼯ for 工, ⻚ for 页): NFKC folds
  // the Kangxi radicals; the few simplified radicals used by these forms are folded by hand.
  const fold = (t: string) =>
    t
      .normalize("NFKC")
      .replace(
        /[\u2E80-\u2EFF]/g,
        (c) => ({ "⻚": "页", "⻓": "长", "⻔": "门", "⻅": "见", "⻛": "风", "⻋": "车", "⻢": "马", "⻄": "西", "⻆": "角", "⻉": "贝", "⺠": "民" })[c] ?? c,
      );
  const needle = (t: string) => fold(t).replace(/\s+/g, "");
  const pages = (text as string[]).map(fold);
  const all = pages.join("\n").replace(/\s+/g, "");
  for (const title of ["困难职工档案表", "家庭收支调查表", "已享受帮扶政策资金记录表", "结对帮扶记录表", "问题清单与帮扶建议"]) {
    expect(pages.filter((p) => p.replace(/\s+/g, "").includes(needle(title))).length).toBeGreaterThanOrEqual(2);
  }
  for (const section of ["一、家庭基本情况", "二、家庭收支", "三、致困原因", "四、困难需求与帮扶计划", "五、已享受政策和资金", "六、结对帮扶"])
    expect(all).toContain(needle(section));
  for (const name of names) expect(all).toContain(needle(name));
  expect(all).toContain(needle("申请人（签字）"));
  expect(all).toContain(needle("经办人（签字）"));
  expect(all).toContain(needle("审核人（签字）"));
  expect(all).toContain(needle("配偶透析，每周三次"));
  expect(all).toContain(needle("申请医疗救助"));
  // Page numbers count each household's own sheets (issue 26), not the whole print: every sheet
  // fits one page, so ten pages read 第1–5页/共5页 twice, each at the foot of its own page.
  expect(doc.numPages).toBe(10);
  expect(pages.map((p) => /第(\d+)页\/共(\d+)页/.exec(p.replace(/\s+/g, ""))?.slice(1).join("/"))).toEqual([
    "1/5",
    "2/5",
    "3/5",
    "4/5",
    "5/5",
    "1/5",
    "2/5",
    "3/5",
    "4/5",
    "5/5",
  ]);
  expect(all).not.toContain(needle("共10页"));
  // Nothing of the screen: no navigation, no sign-out, no print button.
  for (const chrome of ["退出登录", "审计日志", "打印所选档案", "共 2 户"]) expect(all).not.toContain(needle(chrome));
  await context.close();
});

test("imports households from the template after a mistake is shown and fixed", async ({ browser }) => {
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", acceptDownloads: true });
  await loginAs(context, "lz_caseworker");
  const page = await context.newPage();
  await page.goto("/import");
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载导入模板" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("困难职工档案导入模板.xlsx");
  const template = await readFile((await download.path())!);

  const holderName = `蒋文${Date.now() % 10000}`;
  const holderId = residentId({ birthDate: "1976-07-07" });
  async function workbook(level: string, marker: string) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    wb.getWorksheet("户信息")!.addRow(["E1", "", level, "城镇困难职工", "租房", "是", "因病", "", "", "", "1800"]);
    const members = wb.getWorksheet("家庭成员")!;
    members.addRow(["E1", holderName, "本人", holderId, "1976-07-07", "男", "大病", "", "不在学", "灵活就业", "是"]);
    const households = wb.getWorksheet("户信息")!;
    const header = (households.getRow(1).values as string[]).map((v) => (v ? String(v).replace(/\*$/, "") : v));
    households.getRow(households.rowCount).getCell(header.indexOf("建议困难类别")).value = "深度困难";
    wb.creator = marker;
    const path = test.info().outputPath(`${marker}.xlsx`);
    await wb.xlsx.writeFile(path);
    return path;
  }

  await page.getByLabel("填写好的导入模板（.xlsx）").setInputFiles(await workbook("乡级", "bad"));
  await page.getByRole("button", { name: "上传并校验" }).click();
  await expect(page.getByText("「乡级」不是有效的档案级别")).toBeVisible({ timeout: 30_000 });
  const problem = page.getByRole("row").filter({ hasText: "「乡级」不是有效的档案级别" });
  await expect(problem.getByRole("cell").nth(0)).toHaveText("户信息");
  await expect(problem.getByRole("cell").nth(1)).toHaveText("3");
  await expect(problem.getByRole("cell").nth(2)).toHaveText("档案级别");
  await screenshot(page, "import-problems");
  await expect(page.getByRole("link", { name: "下载标注问题的工作簿" })).toBeVisible();

  await page.goto("/import");
  await page.getByLabel("填写好的导入模板（.xlsx）").setInputFiles(await workbook("市级", "good"));
  await page.getByRole("button", { name: "上传并校验" }).click();
  await page.getByRole("button", { name: "确认导入 1 户" }).click({ timeout: 30_000 });
  await page.getByRole("dialog").getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByText("已导入 1 户")).toBeVisible({ timeout: 30_000 });
  const [file] = await sql<{ status: string }>("SELECT status FROM household_file WHERE holder_name = $1", [holderName]);
  expect(file?.status).toBe("DRAFT");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "import-done-390");
  await context.close();
});
