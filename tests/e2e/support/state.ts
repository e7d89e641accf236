import path from "node:path";

export const E2E_STATE_FILE = path.resolve(import.meta.dirname, "../../.artifacts/e2e.json");
/** Only for the throwaway end-to-end server; lets the login fixture mint session cookies. */
export const E2E_SECRET = "e2e-only-secret-not-for-production-use-0123456789";
