import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);

// Playwright cannot download its browsers here: use Debian's Chromium when it is installed.
const debianChromium = "/usr/bin/chromium";
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync(debianChromium) ? debianChromium : undefined);

/**
 * Specs that change what every other spec sees, count rows others add, or start servers of their
 * own: run one at a time, by `npm run test:e2e` after the shared project and on a fresh server of
 * their own (a second `playwright test --project=serial`), never beside another spec.
 * - calendar, policy: the working-day calendar and policy figures every deadline and amount uses;
 * - warnings: runs the daily job (立即运行), which writes work items and warnings for every file;
 * - reports: compares the workbench's and report's figures for all of Lanzhou with counts taken a
 *   moment earlier, which a file added by another spec in between would break;
 * - ledger: builds a batch over 西固's unions, where bank-payments adds households and payments;
 * - auth, web-surface, public-door: sign-in waits and public-page limits count attempts per
 *   address, and every browser here comes from the same address;
 * - backups: lists every backup run;
 * - processes, root-only-folder, workbook-bomb: start their own `npm start` or push the server to
 *   its memory limit, which would starve a neighbour past its timeouts.
 * - import-open-files, paper-and-excel: their imports validate and commit in the background, and
 *   two specs' imports side by side timed out at 60 s in the merged run of 2026-12-07.
 */
export const SERIAL_SPECS = [
  "auth",
  "backups",
  "calendar",
  "import-open-files",
  "ledger",
  "paper-and-excel",
  "policy",
  "processes",
  "public-door",
  "reports",
  "root-only-folder",
  "warnings",
  "web-surface",
  "workbook-bomb",
].map((name) => `**/${name}.spec.ts`);

/**
 * screens fills the demo cities with households, which every other spec's pages and counts would
 * then see: it runs last, by `npm run test:e2e` after the serial project, on a fresh server of its
 * own. Nothing else runs on that server, so its page checks take both workers (parallel mode).
 */
export const SCREENS_SPECS = ["**/screens.spec.ts"];

export default defineConfig({
  testDir: "tests/e2e",
  // A spec's tests run in order in one worker; different specs of the shared project run side by
  // side. They share one server and database: each makes its own users, households and batches,
  // in organisations no other spec of the project builds a batch over.
  fullyParallel: false,
  // E2E_WORKERS=1 runs the shared project one spec at a time again (a slow or busy machine).
  workers: Number(process.env.E2E_WORKERS ?? 2),
  projects: [
    { name: "shared", testIgnore: [...SERIAL_SPECS, ...SCREENS_SPECS] },
    { name: "serial", testMatch: SERIAL_SPECS, workers: 1 },
    { name: "screens", testMatch: SCREENS_SPECS },
  ],
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "npx tsx tests/e2e/support/server.ts",
    url: `http://localhost:${E2E_PORT}/login`,
    // The first run builds the app (a few minutes on two cores, more on a busy machine).
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
