// What may be done with a comparison mismatch now. The page asks these before offering a button and
// the domain functions (lib/civil/act-on-result.ts) refuse with the same sentence.
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import type { CivilResultStatus, FileStatus } from "@/lib/generated/prisma/enums";
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
