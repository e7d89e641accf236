// The public notice and objections (公示与异议, issue 24 §3), in Chromium: an official starts the
// publicity of a reviewed file and prints the 公示; on a phone (390 px, signed in nowhere) someone
// finds the union, sees the file masked and files an objection with a contact; the official sees it
// on the file (source, contact), approval is held until they resolve it, then it proceeds.
// Screenshots under test-results/screens/public-notice-*.png; axe-core on the public pages.
import { nameSearchColumns } from "@/lib/filing/name-search";
import { expect, loginAs, screenshot, sql, test } from "./support/fixtures";
import { DESKTOP, fitsPhone, phoneContext, shanghaiDate, workflowStep } from "./support/public-pages";
import { residentId } from "../support/resident-ids";

const HOLDER = "禤国梁";
const MASKED = "禤*梁";

/** A submitted file reviewed a week ago by lz_official (the filing path itself is filing.spec's). */
async function reviewedFile(): Promise<string> {
  const holderId = residentId({ birthDate: "1976-04-12", sex: "MALE" });
  const [org] = await sql<{ id: string }>("SELECT id FROM organisation WHERE code = 'GSLZCG'");
  const [cw] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_caseworker'");
  const [off] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = 'lz_official'");
  const named = nameSearchColumns(HOLDER);
  const data = {
    organisationId: org!.id,
    fileLevel: "CITY",
    workerCategory: "URBAN",
    housing: "RENT",
    holderUnionMember: true,
    members: [
      {
        name: HOLDER,
        relation: "SELF",
        residentId: holderId,
        birthDate: "1976-04-12",
        sex: "MALE",
        health: "SERIOUS_ILLNESS",
        education: "NOT_IN_SCHOOL",
        employment: "UNABLE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "DIBAO", monthlyFen: 50000 }],
    expenditures: [{ kind: "MEDICAL", annualFen: 1200000 }],
    suddenEvent: false,
    mainCause: "ILLNESS",
    secondaryCauses: [],
    proposedTier: "DEEP",
  };
  const [file] = await sql<{ id: string }>(
    `INSERT INTO household_file (organisation_id, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, per_capita_monthly_fen, suggested_tier, proposed_tier, created_by_id, submitted_by_id, submitted_at, reviewed_by_id, reviewed_at,
       home_visit_date, holder_name_pinyin, holder_name_initials, holder_name_grams)
     VALUES ($1, 'REVIEWED', $2, $3, $4, 1, 'CITY', 'URBAN', 'ILLNESS', 50000, 'DEEP', 'DEEP', $5, $5, now() - interval '8 days', $6, now() - interval '7 days',
       current_date - 7, $7, $8, $9) RETURNING id`,
    [org!.id, JSON.stringify(data), HOLDER, holderId, cw!.id, off!.id, named.holderNamePinyin, named.holderNameInitials, named.holderNameGrams],
  );
  await sql("INSERT INTO file_person (file_id, resident_id, is_holder) VALUES ($1, $2, true)", [file!.id, holderId]);
  return file!.id;
}

test("a file in publicity is objected to from a phone, and approval waits until the official resolves it", async ({ browser }) => {
  // Staff and a phone in one flow: about a minute on a quiet machine, more under load.
  test.slow();
  const fileId = await reviewedFile();

  // The official starts publicity (its last day is today) and prints the 公示 for the noticeboard.
  const staff = await browser.newContext({ viewport: DESKTOP });
  await loginAs(staff, "lz_official");
  const official = await staff.newPage();
  await official.goto(`/files/${fileId}`);
  await workflowStep(official, "开始公示", (d) => d.getByLabel("公示开始日期").fill(shanghaiDate(-4)));
  await workflowStep(official, "录入民政核对结果", (d) => d.getByLabel("核对结果").selectOption({ label: "核对相符" }));
  const [org] = await sql<{ id: string }>("SELECT id FROM organisation WHERE code = 'GSLZCG'");
  await expect(official.getByRole("link", { name: "打印公示" })).toHaveAttribute("href", `/print/publicity?org=${org!.id}`);
  await official.goto(`/print/publicity?org=${org!.id}`);
  const sheet = official.getByTestId("publicity-print");
  await expect(sheet).toContainText("困难职工建档公示");
  await expect(sheet).toContainText(MASKED);
  await expect(sheet).toContainText(`${shanghaiDate(-4)} 至 ${shanghaiDate(0)}`);
  await expect(sheet).not.toContainText(HOLDER);
  await screenshot(official, "public-notice-print");

  // On a phone, signed in nowhere: find the union, see the file masked, object.
  const phone = await phoneContext(browser);
  const visitor = await phone.newPage();
  await visitor.goto("/public");
  await visitor
    .getByRole("link", { name: /建档公示/ })
    .last()
    .click();
  await visitor.getByLabel("工会名称").fill("城");
  await visitor.getByRole("button", { name: "查找工会" }).click();
  await expect(visitor.getByText("请至少输入 2 个字")).toBeVisible();
  await visitor.getByLabel("工会名称").fill("城关区");
  await visitor.getByRole("button", { name: "查找工会" }).click();
  // The search navigates: measure the page it lands on, not the one it leaves.
  await expect(visitor.getByTestId("union-results").getByRole("link", { name: "城关区总工会", exact: true })).toBeVisible();
  await fitsPhone(visitor);
  await screenshot(visitor, "public-notice-search-390");
  await visitor.getByTestId("union-results").getByRole("link", { name: "城关区总工会", exact: true }).click();
  const row = visitor.getByTestId("publicity-row").filter({ hasText: MASKED });
  await expect(row).toContainText("深度困难");
  await expect(row).toContainText(`${shanghaiDate(-4)} 至 ${shanghaiDate(0)}`);
  await expect(visitor.getByTestId("publicity-list")).not.toContainText(HOLDER);
  await fitsPhone(visitor);
  await screenshot(visitor, "public-notice-list-390");
  await row.getByRole("link", { name: /提出异议/ }).click();
  // The page names the file by its publicity token, never by its id.
  expect(visitor.url()).not.toContain(fileId);
  await visitor.getByLabel("异议内容").fill("太短");
  await visitor.getByRole("button", { name: "提交异议" }).click();
  await expect(visitor.getByText("请写明异议的事实，至少 5 个字")).toBeVisible();
  await visitor.getByLabel("异议内容").fill("该户在城关区另有一套出租住房，每月有租金收入。");
  await visitor.getByLabel("联系方式（选填）").fill("13900002222");
  await visitor.getByRole("button", { name: "提交异议" }).click();
  await expect(visitor.getByTestId("objection-confirm")).toContainText("将匿名提交");
  await fitsPhone(visitor);
  await screenshot(visitor, "public-notice-objection-390");
  await visitor.getByRole("button", { name: "确认提交" }).click();
  await expect(visitor.getByTestId("objection-receipt")).toContainText(`异议已提交（${shanghaiDate(0)}）`);
  await fitsPhone(visitor);
  await screenshot(visitor, "public-notice-receipt-390");
  await phone.close();

  // The official sees it on the file, with where it came from; approval waits for its resolution.
  await sql("UPDATE household_file SET publicity_start = publicity_start - 1, publicity_end = publicity_end - 1 WHERE id = $1", [fileId]); // the publicity has ended
  await official.goto(`/files/${fileId}`);
  const objection = official.getByTestId("objection");
  await expect(objection.getByTestId("objection-source")).toContainText("网上公示提交");
  await expect(objection.getByTestId("objection-source")).toContainText("匿名");
  await expect(objection.getByTestId("objection-source")).toContainText("13900002222");
  await expect(official.getByTestId("public-visits")).toContainText("公众在网上公示提出异议");
  await expect(official.getByRole("button", { name: "审定建档" })).toBeDisabled();
  await expect(official.getByText("有 1 条公示异议尚未登记处理结果")).toBeVisible();
  await screenshot(official, "public-notice-objection-staff");
  await objection.getByRole("button", { name: "登记处理结果" }).click();
  const resolve = official.getByRole("dialog", { name: "登记异议处理结果" });
  await resolve.getByLabel("处理结果").fill("经核实，该住房为其父母所有，异议不成立；已电话告知异议人");
  await resolve.getByRole("button", { name: "确认登记" }).click();
  await expect(objection).toContainText("异议不成立");
  await workflowStep(official, "审定建档", (d) => d.getByLabel("审定困难类别").selectOption({ label: "深度困难" }));
  const [file] = await sql<{ status: string }>("SELECT status FROM household_file WHERE id = $1", [fileId]);
  expect(file!.status).toBe("OPEN");
  await staff.close();
});
