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

/** A public page at phone width: no serious axe violation, no horizontal scrolling. */
export async function fitsPhone(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
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
