// A test hook for the crash tests (tests/integration/crash-recovery.test.ts): with
// BANGFU_TEST_PAUSE_AT=<point> in a test run (NODE_ENV=test, which vitest sets and the crash
// child inherits), the process stops at that point — inside the caller's transaction — prints
// "BANGFU_PAUSED <point>" and waits to be killed with `kill -9`. Anywhere else it returns at once:
// a stray variable on a production server (NODE_ENV=production, set by `next start`) cannot hang
// an approval.
export type TPausePoint = "batch-approve" | "evidence-upload" | "filing-approve" | "import-commit";

export function pauseEnabled(point: TPausePoint, env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV === "test" && env.BANGFU_TEST_PAUSE_AT === point;
}

export async function pausePoint(point: TPausePoint): Promise<void> {
  if (!pauseEnabled(point)) return;
  process.stdout.write(`BANGFU_PAUSED ${point}\n`);
  await new Promise(() => {});
}
