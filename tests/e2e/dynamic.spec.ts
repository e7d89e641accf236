// Guards dynamic management in the browser: an overdue re-check proposes a tier change, another
// official approves it, an exit as resolved puts the household into observation, and on relapse
// the same file is reopened through the filing workflow.
import type { Page } from "@playwright/test";
import { residentId } from "../support/resident-ids";
import { createOpenFile, expect, pageAs, screenshot, sql, test } from "./support/fixtures";

async function dialogStep(page: Page, button: string, fill: (dialog: ReturnType<Page["getByRole"]>) => Promise<unknown>, scope = page.locator("body")) {
  await scope.getByRole("button", { name: button, exact: true }).first().click();
  const dialog = page.getByRole("dialog", { name: button });
  await fill(dialog);
  await dialog.getByRole("button", { name: /^确认/ }).click();
  await expect(dialog).toBeHidden();
}

test("overdue re-check → tier change → exit → observation → reopened", async ({ browser }) => {
  // A long path through many pages: close to a minute on 2 shared cores.
  test.slow();
  const holderId = residentId({ birthDate: "1970-04-12", sex: "MALE" });
  const fileId = await createOpenFile({ orgCode: "GSLZXG", holderName: "赵铁柱", holderId, caseworker: "lz_caseworker", official: "lz_official" });
  const caseworker = await pageAs(browser, "lz_caseworker");
  const official = await pageAs(browser, "lz_official");

  await caseworker.goto("/dynamic?tab=checks&which=overdue");
  await expect(caseworker.getByTestId("pairing-coverage")).toBeVisible();
  await screenshot(caseworker, "dynamic-overdue");
  await caseworker.getByRole("link", { name: "赵铁柱" }).click();
  await expect(caseworker.getByText("已逾期").first()).toBeVisible();

  await caseworker.getByRole("button", { name: "录入核查" }).click();
  const recheck = caseworker.getByRole("dialog", { name: "录入核查" });
  await recheck.getByLabel("核查月收入金额 1").fill("1400");
  await recheck.getByLabel("核查结论").selectOption({ label: "建议调整类别" });
  await recheck.getByLabel("建议调整为").selectOption({ label: "相对困难" });
  await recheck.getByLabel("核查发现").selectOption({ label: "困难类别不准" });
  await recheck.getByRole("button", { name: "确认录入" }).click();
  await expect(recheck.getByText("提出调整或退档时请写明理由")).toBeVisible();
  await recheck.getByLabel("核查情况 / 理由").fill("本人病情稳定，已领取低保并有护工补贴");
  // The figures alone still suggest 深度困难: a conclusion that departs from it says why (issue 26).
  await recheck.getByRole("button", { name: "确认录入" }).click();
  await expect(recheck.getByText("不一致，请说明理由").first()).toBeVisible();
  await recheck.getByLabel("与系统建议不一致的理由").fill("护工补贴与低保未计入本次收入，实际人均收入已高于深度困难标准");
  await screenshot(caseworker, "dynamic-recheck-dialog");
  await recheck.getByRole("button", { name: "确认录入" }).click();
  await expect(recheck).toBeHidden();
  await expect(caseworker.getByTestId("change-request")).toContainText("调整困难类别");

  // The caseworker cannot decide their own proposal; an official can.
  await expect(caseworker.getByRole("button", { name: "批准", exact: true })).toHaveCount(0);
  await official.goto("/review?changes=TIER_CHANGE");
  const row = official.getByTestId("change-row").filter({ hasText: "赵铁柱" });
  await expect(row).toContainText("相对困难");
  await screenshot(official, "review-changes");
  await dialogStep(official, "批准", (d) => d.getByLabel("审批意见").fill("同意调整"), row);
  await official.goto(`/files/${fileId}`);
  await expect(official.getByTestId("tier-history")).toContainText("相对困难");
  await expect(official.getByTestId("tier-history")).toContainText("类别调整");

  await caseworker.goto(`/files/${fileId}`);
  await dialogStep(caseworker, "申请退档", async (d) => {
    await d.getByLabel("退档原因").selectOption({ label: "脱困" });
    // A 脱困 exit names its main path (issue 25), for the province's "几个一批" table.
    await d.getByLabel("脱困主要路径").selectOption({ label: "就业安置" });
    await d.getByLabel("退档理由").fill("连续六个月人均收入高于低保标准两倍");
  });
  await official.goto(`/files/${fileId}`);
  const exit = official.getByTestId("change-request").filter({ hasText: "退档" }).first();
  await dialogStep(official, "批准", (d) => d.getByLabel("审批意见").fill("同意脱困退档"), exit);
  await expect(official.getByText("渐退期", { exact: true }).first()).toBeVisible();
  await screenshot(official, "household-observation");

  await caseworker.goto("/dynamic?tab=observation");
  await expect(caseworker.getByRole("link", { name: "赵铁柱" })).toBeVisible();
  await caseworker.getByRole("link", { name: "赵铁柱" }).click();
  await dialogStep(caseworker, "登记走访", async (d) => {
    await d.getByLabel("走访人员").fill("王静");
    await d.getByLabel("走访情况").fill("再次住院，家庭开支骤增");
  });
  await caseworker.getByRole("button", { name: "返困重新启用" }).click();
  await caseworker.getByRole("dialog").getByRole("button", { name: "重新启用" }).click();
  await expect(caseworker.getByText("草稿", { exact: true }).first()).toBeVisible();
  const [file] = await sql<{ status: string; episode: number; file_number: string }>("SELECT status, episode, file_number FROM household_file WHERE id = $1", [
    fileId,
  ]);
  expect(file).toMatchObject({ status: "DRAFT", episode: 2 });

  await caseworker.goto(`/files/${fileId}/edit`);
  await caseworker.getByLabel("建议困难类别（提交时填写）").selectOption({ label: "深度困难" });
  await caseworker.getByRole("button", { name: "提交审核" }).click();
  await caseworker.getByRole("dialog").getByRole("button", { name: "确认提交" }).click();
  await expect(caseworker.getByText("建档申请已提交，等待初审")).toBeVisible();
  await expect(caseworker.getByText(`档案编号 ${file!.file_number}`)).toBeVisible();
  await expect(caseworker.getByText("第 2 期（返困）")).toBeVisible();
});
