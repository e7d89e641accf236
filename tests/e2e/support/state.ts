import path from "node:path";

// One state file per server port, so that two end-to-end runs on different ports do not mix up databases.
export const E2E_STATE_FILE = path.resolve(import.meta.dirname, `../../.artifacts/e2e-${process.env.E2E_PORT ?? 3100}.json`);
/** Only for the throwaway end-to-end server; lets the login fixture mint session cookies. */
export const E2E_SECRET = "e2e-only-secret-not-for-production-use-0123456789";
