// What may be done with a comparison mismatch now. The page asks these before offering a button and
// the domain functions (lib/civil/act-on-result.ts) refuse with the same sentence.
import { ALLOWED as CAN, refuse, roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import type { CivilResultStatus, CivilRunStatus, FileStatus } from "@/lib/generated/prisma/enums";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { CIVIL_STATUS_LABELS } from "./roster-columns";

export type TCivilAllowed = { ok: true } | { ok: false; reason: string };
const ALLOWED: TCivilAllowed = { ok: true };

type TResultState = { status: CivilResultStatus; file: { status: FileStatus } | null };

function handled(result: TResultState): TCivilAllowed | null {
  return result.status === "OPEN" ? null : { ok: false, reason: `该比对结果已被他人处理（${CIVIL_STATUS_LABELS[result.status]}），请刷新页面查看。` };
}

/** 发起复核 and 提出退档 act on an open file, as the re-check and exit forms do. */
function onOpenFile(result: TResultState): TCivilAllowed {
  const done = handled(result);
  if (done) return done;
  if (!result.file) return { ok: false, reason: "此人没有在档档案：请核实后按建档流程办理，或标记为不属实。" };
  if (result.file.status !== "OPEN") return { ok: false, reason: `档案当前为“${FILE_STATUS_LABELS[result.file.status]}”，只有在档的档案可以发起复核或退档。` };
  return ALLOWED;
}

export const canOpenRecheck = onOpenFile;
export const canProposeExit = onOpenFile;

export function canDismiss(result: TResultState): TCivilAllowed {
  return handled(result) ?? ALLOWED;
}

/** 民政比对: caseworkers and officials upload rosters and act on mismatches (compare-roster.ts, act-on-result.ts). */
export const mayCompareRosters = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER", "OFFICIAL"]);

/** 提出退档 from a mismatch is the caseworker's, as every exit request is. */
export const mayProposeExitFromResult = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);

/**
 * A run whose comparison makes no progress for this long has lost its job (the server died before
 * the repair at start could run, or another server died): it may be compared again. The job writes
 * its progress at least every 5,000 roster rows; its one matching statement takes seconds.
 */
export const STALLED_AFTER_MS = 10 * 60_000;

type TRunState = { status: CivilRunStatus; updatedAt: Date };

/** The comparison is waiting or running (the page shows its progress). */
export const isComparing = (run: Pick<TRunState, "status">) => run.status === "QUEUED" || run.status === "READING" || run.status === "COMPARING";

/** Waiting or running, but without progress for STALLED_AFTER_MS. */
export const isStalled = (run: TRunState, now: Date) => isComparing(run) && now.getTime() - run.updatedAt.getTime() >= STALLED_AFTER_MS;

/** 重新比对: a run that failed, or one whose job stalled. The claim's UPDATE checks the same again. */
export function canRetryComparison(run: TRunState, now: Date): TAllowed {
  if (run.status === "FAILED" || isStalled(run, now)) return CAN;
  if (run.status === "DONE") return refuse("这次比对已经完成，无需重新比对。", "CONFLICT");
  if (run.status === "INVALID") return refuse("名单未通过校验：请改正问题后重新上传，而不是重新比对。", "CONFLICT");
  return refuse("比对正在进行中，请稍候查看进度。", "CONFLICT");
}
