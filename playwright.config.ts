import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
const E2E_PG_PORT = Number(process.env.E2E_PG_PORT ?? 54339);

/**
 * E2E_SCREENS_BESIDE_SERIAL=1 (set by `npm run test:e2e` for its second run, `--project=serial
 * --project=screens`): screens gets a server and database of its own on the next ports and runs
 * beside the serial project. The serial project keeps its one worker (its specs still never run
 * beside each other, and are still the only ones on their server); the second worker, which used
 * to wait for the whole serial chain, takes screens' checks meanwhile, and both once the chain is
 * done. Two browser workers in all, as in the shared project. Without it, screens runs on
 * E2E_PORT's server as before (`npx playwright test --project=screens` alone).
 */
const screensBesideSerial = process.env.E2E_SCREENS_BESIDE_SERIAL === "1";
const SCREENS_PORT = screensBesideSerial ? E2E_PORT + 1 : E2E_PORT;

// Playwright cannot download its browsers here: use Debian's. Its headless shell (package
// chromium-headless-shell: the same Blink and version as chromium, without the browser around it)
// is what Playwright itself runs for headless tests, and spent about 40 % less CPU than the full
// chromium on the same specs (docs/benchmarks/2026-12-07-ci-time-5.md). The full one otherwise.
const debianChromium = ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium"].find((file) => existsSync(file));
const executablePath = process.env.CHROMIUM_PATH ?? debianChromium;

/**
 * Specs that change what every other spec sees, count rows others add, or start servers of their
 * own: run one at a time, by `npm run test:e2e` after the shared project and on a fresh server of
 * their own (a second `playwright test`), never beside another spec of their server. (screens
 * runs meanwhile on a third server: other cores' work, not other rows.)
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
 * then see: it runs on a fresh server of its own, by `npm run test:e2e` after the shared project,
 * beside the serial project (E2E_SCREENS_BESIDE_SERIAL above). Nothing else runs on its server, so
 * its page checks take every worker the serial project leaves (parallel mode).
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
    { name: "screens", testMatch: SCREENS_SPECS, use: { baseURL: `http://localhost:${SCREENS_PORT}` } },
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
    // A trace is recorded for every test to keep the failed ones': on the same 39 tests it cost
    // 40 of 143 CPU-s (ci-time-5). CI (.ci/run sets CI=1) records none; a failure there still
    // leaves its screenshot and error context, and `--trace retain-on-failure` brings traces back.
    trace: process.env.CI ? "off" : "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  // The first server builds the app if the code changed (Playwright starts the servers one after
  // the other, so the second finds the build current).
  webServer: [server(E2E_PORT, E2E_PG_PORT), ...(screensBesideSerial ? [server(SCREENS_PORT, E2E_PG_PORT + 1)] : [])],
});

/** The built app on a fresh embedded PostgreSQL, migrated and seeded (tests/e2e/support/server.ts). */
function server(port: number, pgPort: number) {
  return {
    command: "npx tsx tests/e2e/support/server.ts",
    url: `http://localhost:${port}/login`,
    env: { E2E_PORT: String(port), E2E_PG_PORT: String(pgPort) },
    // The first run builds the app (a few minutes on two cores, more on a busy machine).
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
  };
}
