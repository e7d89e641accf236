import path from "node:path";

// One state file per server port, so that two end-to-end runs on different ports do not mix up
// databases, and the shared and serial projects' servers (playwright.config.ts) keep theirs apart.
export const e2eStateFile = (port: number | string) => path.resolve(import.meta.dirname, `../../.artifacts/e2e-${port}.json`);
/** The state file of the server this process is (tests/e2e/support/server.ts). */
export const E2E_STATE_FILE = e2eStateFile(process.env.E2E_PORT ?? 3100);
/** Only for the throwaway end-to-end server; lets the login fixture mint session cookies. */
export const E2E_SECRET = "e2e-only-secret-not-for-production-use-0123456789";
