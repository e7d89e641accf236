import "server-only";
// What may be done to a household file now, as predicates that the domain functions enforce and
// the pages ask before offering a step. No database access: a page passes the file row it already
// has, a domain function the row it locked. A refusal carries the sentence the user sees, so the
// disabled button and the server's error say the same thing.
import { dateOnlyString, formatMonthDay } from "@/lib/format/datetime";
import type { ExitReason, FileStatus } from "@/lib/generated/prisma/enums";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";

import type { TActor } from "@/lib/auth/actor";
import { ALLOWED, refuse, roleAllows, type TAllowed } from "@/lib/auth/allowed";

export type { TAllowed };

/**
 * Evidence can be added until the file leaves the open register: reviewers may ask for more during
 * review and publicity, and an open file's re-checks and tier changes need documents. A file in
 * its observation period or closed is only followed, not documented further.
 */
export const EVIDENCE_UPLOAD_STATUSES: readonly FileStatus[] = ["DRAFT", "SUBMITTED", "REVIEWED", "PUBLICITY", "OPEN"];

export function canUploadEvidence(file: { status: FileStatus }): TAllowed {
  return EVIDENCE_UPLOAD_STATUSES.includes(file.status)
    ? ALLOWED
    : refuse(`档案当前为“${FILE_STATUS_LABELS[file.status]}”，不能再上传证明材料。`, "FILE_CLOSED");
}

/** A submitted document is part of what was reviewed: only a draft's documents can be removed. */
export function canDeleteEvidence(file: { status: FileStatus }): TAllowed {
  return file.status === "DRAFT" ? ALLOWED : refuse(`只有草稿中的证明材料可以删除，该档案当前为“${FILE_STATUS_LABELS[file.status]}”。`, "NOT_DELETABLE");
}

/** A draft that was never submitted, numbered or reopened: deleting it leaves no gap and no history. */
export function isDeletableDraft(file: { status: FileStatus; fileNumber: string | null; submittedAt: Date | null; episode: number }): boolean {
  return file.status === "DRAFT" && !file.fileNumber && !file.submittedAt && file.episode === 1;
}

// Approval (审定) is decided by approvalProblem / filingSteps in ./filing-rules.ts.

/** 渐退期满，结束跟踪: only once the observation period is over. */
export function canEndObservation(file: { status: FileStatus; observationUntil: Date | null }, today: string): TAllowed {
  if (file.status !== "OBSERVATION") return refuse(`档案当前为“${FILE_STATUS_LABELS[file.status]}”，不在渐退期。`, "CONFLICT");
  const until = file.observationUntil ? dateOnlyString(file.observationUntil) : null;
  if (until && until > today) return refuse(`渐退期至 ${formatMonthDay(until, today)}结束，期满后才能结束跟踪。`, "OBSERVATION_RUNNING");
  return ALLOWED;
}

/** Visits, pairing and the plan follow an open file and one in its observation period. */
export function isFollowedUp(file: { status: FileStatus }): boolean {
  return file.status === "OPEN" || file.status === "OBSERVATION";
}

/** 脱困后回访 (issue 25): a household that left hardship is still visited after its file closed. */
export function canVisitAfterExit(file: { status: FileStatus; exitReason: ExitReason | null }): boolean {
  return file.status === "OBSERVATION" || (file.status === "CLOSED" && file.exitReason === "RESOLVED");
}

/** Documents are added and removed by caseworkers (evidence.ts); others read them. */
export const mayHandleEvidence = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);
