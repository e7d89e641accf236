import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { ConflictError, DomainError } from "@/lib/errors/domain-error";
import { claimRosterRetry, compareRosterRun } from "./compare-roster";
import { findRosterRunOutcome, type TCompareOutcome } from "./find-runs";
import { uploadRoster } from "./upload-roster";

// The steps the roster route and the retry action start, and the background half they leave
// running (as lib/import/run-import.ts). Errors of the background half are already recorded on the
// run (INVALID / FAILED with a message).

export { uploadRosterFile as startRosterUpload } from "./upload-roster";

export const startRosterRetry = claimRosterRetry;

export async function runRosterComparison(actor: TActor, runId: string) {
  await compareRosterRun(actor, runId).catch((error) => console.error("civil comparison", runId, error));
}

/**
 * Upload and comparison in one call, waiting for the comparison — what a script or a test wants
 * (scripts/bench-civil.ts, the integration tests); the web server answers after the upload.
 * A bad roster is an outcome with its problems; a failed comparison throws its message.
 */
export async function compareRoster(actor: TActor, input: { fileName: string; bytes: Buffer }): Promise<TCompareOutcome> {
  const { runId } = await uploadRoster(actor, input);
  const status = await compareRosterRun(actor, runId);
  if (status === "NOT_CLAIMED") throw new ConflictError("这次比对已由他人开始，请刷新页面查看进度。");
  const outcome = await findRosterRunOutcome(actor, runId);
  if (outcome.status === "FAILED") throw new DomainError(outcome.message ?? "比对失败", "CIVIL_FAILED");
  return outcome.outcome;
}
