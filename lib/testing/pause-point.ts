// A test hook for the crash tests (tests/integration/crash-recovery.test.ts): with
// BANGFU_TEST_PAUSE_AT=<point>, the process stops at that point — inside the caller's
// transaction — prints "BANGFU_PAUSED <point>" and waits to be killed with `kill -9`. Without the
// variable (always, outside those tests) it returns at once.
export type TPausePoint = "batch-approve" | "evidence-upload" | "filing-approve" | "import-commit";

export async function pausePoint(point: TPausePoint): Promise<void> {
  if (process.env.BANGFU_TEST_PAUSE_AT !== point) return;
  process.stdout.write(`BANGFU_PAUSED ${point}\n`);
  await new Promise(() => {});
}
