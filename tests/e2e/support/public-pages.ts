// What the specs of the public pages (issue 24) check on every public screen: a phone's viewport,
// no serious axe-core violation, nothing wider than the phone; and the staff workflow step they
// drive through its dialog. New public specs import these instead of copying them.
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { expect, screenshot } from "./fixtures";

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** A phone signed in nowhere, in China. */
export function phoneContext(browser: Browser) {
  return browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
}

/** Today (or some days from it) in China, as YYYY-MM-DD. */
export const shanghaiDate = (offsetDays = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}

/** Nothing wider than the phone: no horizontal scrolling. */
export async function noHorizontalOverflow(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}

/** A public page at phone width: no serious axe violation, no horizontal scrolling. */
export async function fitsPhone(page: Page) {
  await noHorizontalOverflow(page);
  expect(await seriousViolations(page)).toEqual([]);
}

/** Screenshots the page as it is at both widths: `<name>-390.png` and `<name>-desktop.png`; the page keeps its own width after. */
export async function screenshotBoth(page: Page, name: string) {
  const own = page.viewportSize() ?? DESKTOP;
  for (const [size, suffix] of [
    [PHONE, "390"],
    [DESKTOP, "desktop"],
  ] as const) {
    await page.setViewportSize(size);
    await screenshot(page, `${name}-${suffix}`);
  }
  await page.setViewportSize(own);
}

/**
 * The online application's form as a worker with a seriously ill holder on 低保 fills it: the union
 * found by name and chosen, the holder, one income, the cause, membership and a phone. The uploads,
 * the consent and whatever else a spec needs are its own.
 */
export async function fillApplication(
  page: Page,
  a: { union: string; search: string; holderName: string; holderId: string; monthlyYuan: string; phone: string },
) {
  await page.getByLabel("工会名称").fill(a.search);
  await page.getByRole("button", { name: "查找" }).click();
  await page.getByRole("button", { name: new RegExp(a.union) }).click();
  await expect(page.getByTestId("chosen-union")).toContainText(a.union);
  const self = page.getByTestId("member-0");
  await self.getByLabel("姓名").fill(a.holderName);
  await self.getByLabel("身份证号码").fill(a.holderId);
  await self.getByLabel("健康状况").selectOption("SERIOUS_ILLNESS");
  await self.getByLabel("在学情况").selectOption("NOT_IN_SCHOOL");
  await self.getByLabel("就业状况").selectOption("UNABLE");
  await page.getByRole("button", { name: "添加收入" }).click();
  await page.getByLabel("收入来源 1").selectOption("DIBAO");
  await page.getByLabel("月收入金额 1").fill(a.monthlyYuan);
  await page.getByLabel("主要致困原因").selectOption("ILLNESS");
  await page.getByLabel("申请人是工会会员").check();
  await page.getByLabel("联系电话").fill(a.phone);
}

/** Runs one staff workflow step through its dialog and waits until the page shows it in the history. */
export async function workflowStep(page: Page, button: string, fill?: (dialog: ReturnType<Page["getByRole"]>) => Promise<unknown>) {
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: button });
  await fill?.(dialog);
  await dialog.getByRole("button", { name: /^确认/ }).click();
  // A server action round trip: allowed more than the default 10 s on a loaded machine.
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId("history")).toContainText(button);
}
