// Guards the whole filing path in the browser — draft, evidence, submission, review, publicity,
// civil-affairs check, approval — and that another city's caseworker cannot act on the file.
import type { Page } from "@playwright/test";
import { createOpenFile, expect, orgId, pageAs, screenshot, sql, test } from "./support/fixtures";
import { residentId } from "../support/resident-ids";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

function shanghaiDate(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function fillMember(
  page: Page,
  index: number,
  m: { name: string; relation?: string; id: string; sex: string; health: string; education: string; employment: string },
) {
  const member = page.getByTestId(`member-${index}`);
  await member.getByLabel("姓名").fill(m.name);
  if (m.relation) await member.getByLabel("与建档职工关系").selectOption({ label: m.relation });
  await member.getByLabel("公民身份号码").fill(m.id);
  await member.getByLabel("公民身份号码").blur();
  await member.getByLabel("性别").selectOption({ label: m.sex });
  await member.getByLabel("健康状况").selectOption({ label: m.health });
  await member.getByLabel("在学情况").selectOption({ label: m.education });
  await member.getByLabel("就业状况").selectOption({ label: m.employment });
}

/** Runs one workflow step through its dialog and waits until the page shows it in the history. */
async function step(page: Page, button: string, recorded: string, fill?: (dialog: ReturnType<Page["getByRole"]>) => Promise<unknown>) {
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: button });
  await fill?.(dialog);
  await dialog.getByRole("button", { name: /^确认/ }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("history")).toContainText(recorded);
}

test("a household goes from draft to an approved, numbered file", async ({ browser }) => {
  // The whole path, objection and its resolution included, in one test: more than a minute on 2 cores.
  test.slow();
  const holderId = residentId({ birthDate: "1979-08-15", sex: "MALE" });
  const spouseId = residentId({ birthDate: "1981-02-03", sex: "FEMALE" });
  const caseworker = await pageAs(browser, "lz_caseworker");

  await caseworker.goto("/intake");
  await screenshot(caseworker, "intake-list");
  await caseworker.getByRole("link", { name: "新建档案" }).click();
  await caseworker.getByLabel("档案级别").selectOption({ label: "市级" });
  await caseworker.getByLabel("职工类别").selectOption({ label: "城镇困难职工" });
  await caseworker.getByLabel("住房情况").selectOption({ label: "租房" });
  await fillMember(caseworker, 0, { name: "马国庆", id: holderId, sex: "男", health: "大病", education: "不在学", employment: "灵活就业" });
  await expect(caseworker.getByTestId("member-0").getByLabel("出生日期")).toHaveValue("1979-08-15");

  // A wrong check character is caught in the browser before anything is sent.
  await caseworker
    .getByTestId("member-0")
    .getByLabel("公民身份号码")
    .fill(holderId.slice(0, 17) + (holderId.endsWith("1") ? "2" : "1"));
  await caseworker.getByRole("button", { name: "保存草稿" }).click();
  await expect(caseworker.getByText("公民身份号码校验位不正确")).toBeVisible();
  await caseworker.getByTestId("member-0").getByLabel("公民身份号码").fill(holderId);

  await caseworker.getByRole("button", { name: "添加成员" }).click();
  await fillMember(caseworker, 1, { name: "周丽", relation: "配偶", id: spouseId, sex: "女", health: "健康", education: "不在学", employment: "失业" });
  await caseworker.getByLabel("收入来源 1").selectOption({ label: "工资性收入" });
  await caseworker.getByLabel("月收入金额 1").fill("1,300");
  await caseworker.getByRole("button", { name: "添加支出" }).click();
  await caseworker.getByLabel("支出类别 1").selectOption({ label: "自付医疗费用" });
  await caseworker.getByLabel("年支出金额 1").fill("6000.50");
  await caseworker.getByLabel("主要致困原因").selectOption({ label: "因病" });
  await caseworker.getByLabel("失业下岗").check();
  // (1300×12 − 6000.50) ÷ 12 ÷ 2 = 399.97 yuan, below Lanzhou's 780-yuan 低保 → deep hardship.
  await expect(caseworker.getByTestId("tier-suggestion")).toContainText("系统建议：深度困难");
  await expect(caseworker.getByTestId("tier-suggestion")).toContainText("399.97");
  await screenshot(caseworker, "intake-form");

  await caseworker.getByRole("button", { name: "保存草稿" }).click();
  await expect(caseworker).toHaveURL(/\/files\/[0-9a-f-]+\/edit\?saved=1/);
  const fileId = caseworker.url().match(/files\/([0-9a-f-]+)\//)![1]!;

  // Submitting needs everything, including the proposed tier and the documents.
  await caseworker.getByRole("button", { name: "提交审核" }).click();
  await expect(caseworker.getByText("请选择建议困难类别")).toBeVisible();
  await caseworker.getByLabel("建议困难类别（提交时填写）").selectOption({ label: "深度困难" });
  await caseworker.getByRole("button", { name: "提交审核" }).click();
  await caseworker.getByRole("dialog").getByRole("button", { name: "确认提交" }).click();
  await expect(caseworker.getByText("提交前请先上传证明材料")).toBeVisible();

  // 因病 also needs its diagnosis (cause-evidence rule in force since 2020).
  await expect(caseworker.getByText("提交建档申请前须上传")).toContainText("诊断证明、医疗票据");
  for (const kind of ["申请书", "家庭经济状况核对授权书", "诊断证明、医疗票据"]) {
    await caseworker.getByLabel("材料类别").selectOption({ label: kind });
    await caseworker.getByLabel("文件", { exact: true }).setInputFiles({ name: `${kind}.pdf`, mimeType: "application/pdf", buffer: PDF });
    await caseworker.getByRole("button", { name: "上传" }).click();
    await expect(caseworker.getByRole("link", { name: `${kind}.pdf` })).toBeVisible();
  }
  await screenshot(caseworker, "intake-evidence");
  await caseworker.getByRole("button", { name: "提交审核" }).click();
  await caseworker.getByRole("dialog").getByRole("button", { name: "确认提交" }).click();
  await expect(caseworker.getByText("建档申请已提交，等待初审")).toBeVisible();

  const official = await pageAs(browser, "lz_official");
  await official.goto("/review");
  await expect(official.getByRole("link", { name: "马国庆" })).toBeVisible();
  await screenshot(official, "review-queue");
  await official.getByRole("link", { name: "马国庆" }).click();
  await step(official, "初审通过", "初审通过");
  // A week passes after the review, so publicity can have started (and ended) in the past; it may
  // never start before the review itself.
  await sql("UPDATE household_file SET reviewed_at = reviewed_at - interval '7 days' WHERE id = $1", [fileId]);
  await official.reload();
  await step(official, "开始公示", "开始公示", (d) => d.getByLabel("公示开始日期").fill(shanghaiDate(-6)));
  await step(official, "登记公示异议", "登记公示异议", (d) => d.getByLabel("异议内容").fill("邻居反映其有出租房屋收入"));
  await step(official, "录入民政核对结果", "录入民政核对结果", (d) => d.getByLabel("核对结果").selectOption({ label: "核对相符" }));
  // An unresolved objection holds approval, and the page says why.
  await expect(official.getByRole("button", { name: "审定建档" })).toBeDisabled();
  await expect(official.getByText("有 1 条公示异议尚未登记处理结果")).toBeVisible();
  await screenshot(official, "objection-unresolved");
  await official.getByTestId("objection").getByRole("button", { name: "登记处理结果" }).click();
  const resolve = official.getByRole("dialog", { name: "登记异议处理结果" });
  await resolve.getByLabel("处理结果").fill("经入户核实，出租房屋为亲属所有，异议不成立");
  await resolve.getByRole("button", { name: "确认登记" }).click();
  await expect(official.getByTestId("objection")).toContainText("异议不成立");
  await expect(official.getByTestId("history")).toContainText("登记异议处理结果");
  await step(official, "审定建档", "审定建档", (d) => d.getByLabel("审定困难类别").selectOption({ label: "深度困难" }));
  await expect(official.getByText("在档", { exact: true }).first()).toBeVisible();
  const [file] = await sql<{ file_number: string; status: string }>("SELECT file_number, status FROM household_file WHERE id = $1", [fileId]);
  expect(file!.status).toBe("OPEN");
  expect(file!.file_number).toMatch(/^GSLZ-\d{4}-\d{5}$/);
  await expect(official.getByText(`档案编号 ${file!.file_number}`)).toBeVisible();
  await expect(official.getByTestId("history")).toContainText("审定建档");
  await screenshot(official, "household-page");

  await caseworker.goto(`/archive?q=${holderId}`);
  await expect(caseworker.getByRole("link", { name: "马国庆" })).toBeVisible();
  await expect(caseworker.getByText(`${holderId.slice(0, 6)}********${holderId.slice(-4)}`)).toBeVisible();
  await screenshot(caseworker, "archive");

  // The full ID numbers are shown on request only, and the view is audited.
  await caseworker.goto(`/files/${fileId}`);
  await caseworker.getByRole("button", { name: "显示完整身份号码" }).click();
  await expect(caseworker.getByText(holderId)).toBeVisible();
  const audit = await sql("SELECT 1 FROM audit_event WHERE entity_id = $1 AND action = 'filing.reveal-resident-ids'", [fileId]);
  expect(audit).toHaveLength(1);

  // Tianshui's caseworker can neither open it nor find it.
  const other = await pageAs(browser, "ts_caseworker");
  await other.goto(`/files/${fileId}`);
  await expect(other.getByText("不在您的管辖范围内")).toBeVisible();
  await other.goto(`/archive?q=${holderId}`);
  await expect(other.getByText("没有符合条件的档案")).toBeVisible();
});

test("a new draft naming a person who already has a file warns on its first save", async ({ browser }) => {
  const heldId = residentId({ birthDate: "1975-04-12", sex: "MALE" });
  await createOpenFile({ orgCode: "GSLZCG", holderName: "韩立新", holderId: heldId, caseworker: "lz_caseworker", official: "lz_official" });
  const caseworker = await pageAs(browser, "lz_caseworker");
  await caseworker.goto("/intake/new");
  await fillMember(caseworker, 0, { name: "韩立新", id: heldId, sex: "男", health: "健康", education: "不在学", employment: "失业" });
  await caseworker.getByRole("button", { name: "保存草稿" }).click();
  await expect(caseworker).toHaveURL(/\/files\/[0-9a-f-]+\/edit\?saved=1/);
  await expect(caseworker.getByTestId("person-warnings")).toContainText("一人只能在一个有效档案中");
  await screenshot(caseworker, "draft-duplicate-warning");
});

test("a caseworker's draft action cannot be aimed at another city's union", async ({ browser }) => {
  const page = await pageAs(browser, "ts_caseworker");
  await page.goto("/intake/new");
  await page.getByTestId("member-0").getByLabel("姓名").fill("越界测试");
  const requestPromise = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByRole("button", { name: "保存草稿" }).click();
  const request = await requestPromise;
  await expect(page).toHaveURL(/\/edit\?saved=1/);
  const [body] = JSON.parse(request.postData()!) as [{ data: Record<string, unknown> }];
  const response = await page.request.post(request.url(), {
    headers: { "next-action": request.headers()["next-action"]!, "content-type": request.headers()["content-type"]!, accept: "text/x-component" },
    data: JSON.stringify([{ data: { ...body.data, organisationId: await orgId("GSLZCG") } }]),
  });
  expect(await response.text()).toContain("不在您的管辖范围内");
  expect(await sql("SELECT 1 FROM household_file WHERE holder_name = '越界测试' AND organisation_id = $1", [await orgId("GSLZCG")])).toEqual([]);
});
