// The crash tests' pause points (lib/testing/pause-point.ts) sit inside approvals and imports: they
// must do nothing outside a test run, whatever variable a server happens to have.
import { describe, expect, it } from "vitest";
import { pauseEnabled } from "@/lib/testing/pause-point";

describe("pause points", () => {
  it("stop only in a test run that names the point", () => {
    expect(pauseEnabled("import-commit", { NODE_ENV: "test", BANGFU_TEST_PAUSE_AT: "import-commit" })).toBe(true);
    expect(pauseEnabled("import-commit", { NODE_ENV: "test", BANGFU_TEST_PAUSE_AT: "batch-approve" })).toBe(false);
    expect(pauseEnabled("import-commit", { NODE_ENV: "test" })).toBe(false);
  });

  it("are inert on a production or development server even with the variable set", () => {
    expect(pauseEnabled("batch-approve", { NODE_ENV: "production", BANGFU_TEST_PAUSE_AT: "batch-approve" })).toBe(false);
    expect(pauseEnabled("batch-approve", { NODE_ENV: "development", BANGFU_TEST_PAUSE_AT: "batch-approve" })).toBe(false);
    expect(pauseEnabled("batch-approve", { BANGFU_TEST_PAUSE_AT: "batch-approve" })).toBe(false);
  });
});
