// Who may do what in dynamic management (走访、结对、帮扶措施、核查、变更申请), asked by the file
// page and enforced by the domain functions (pairing.ts, changes.ts, recheck.ts) with `enforce`.
// Pure: the page passes the rows it already has, a domain function the row it read.
import { firstRefusal, refuse, roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";
import type { ChangeStatus, ExitReason, FileStatus } from "@/lib/generated/prisma/enums";
import { canEndObservation, canVisitAfterExit, isFollowedUp } from "@/lib/filing/rules";

type TWho = Pick<TActor, "roles" | "userId">;

/** Visits, pairing and ending the observation period: the caseworker and the official who follow the file. */
export const mayFollowUp = (actor: Pick<TActor, "roles">) => roleAllows(actor, ["CASEWORKER", "OFFICIAL"]);
/** The plan, re-checks and change requests are the caseworker's. */
export const mayPlanAndPropose = (actor: Pick<TActor, "roles">) => roleAllows(actor, ["CASEWORKER"]);
/** Change requests are decided (and transfers received) by an official. */
export const mayDecideChanges = (actor: Pick<TActor, "roles">) => roleAllows(actor, ["OFFICIAL"]);

const followed = (file: { status: FileStatus }) => () =>
  isFollowedUp(file) ? { ok: true as const } : refuse("只有在档或渐退期的档案可以登记。", "WRONG_STATUS");
const openOnly = (file: { status: FileStatus }) => () =>
  file.status === "OPEN" ? { ok: true as const } : refuse("只有在档的档案可以办理此项。", "WRONG_STATUS");

/** 登记走访: an open or observed file, and a 脱困 file after it closed (回访). */
export function canRecordVisit(actor: Pick<TActor, "roles">, file: { status: FileStatus; exitReason: ExitReason | null }): TAllowed {
  return firstRefusal(
    () => mayFollowUp(actor),
    () => (canVisitAfterExit(file) ? { ok: true } : followed(file)()),
  );
}

/** 设置结对帮扶. */
export function canSetPairing(actor: Pick<TActor, "roles">, file: { status: FileStatus }): TAllowed {
  return firstRefusal(() => mayFollowUp(actor), followed(file));
}

/** 添加帮扶措施 / 更新进展. */
export function canPlan(actor: Pick<TActor, "roles">, file: { status: FileStatus }): TAllowed {
  return firstRefusal(() => mayPlanAndPropose(actor), followed(file));
}

/** 申请调整类别 / 退档 / 转出, and 录入核查: only a file in the open register. */
export function canProposeChange(actor: Pick<TActor, "roles">, file: { status: FileStatus }): TAllowed {
  return firstRefusal(() => mayPlanAndPropose(actor), openOnly(file));
}

/** 渐退期满，结束跟踪: a follower, once the observation period is over. */
export function canEndObservationAs(actor: Pick<TActor, "roles">, file: { status: FileStatus; observationUntil: Date | null }, today: string): TAllowed {
  return firstRefusal(
    () => mayFollowUp(actor),
    () => canEndObservation(file, today),
  );
}

/** 审批 a change request: an official other than its proposer (CHECK change_request_decider_not_requester). */
export function canDecideChange(actor: TWho, request: { status: ChangeStatus; requestedById: string }): TAllowed {
  return firstRefusal(
    () => mayDecideChanges(actor),
    () => (request.status === "PENDING" ? { ok: true } : refuse("该申请已被他人处理，请刷新页面查看结果。", "CONFLICT")),
    () => (request.requestedById === actor.userId ? refuse("不能审批自己提出的申请，请由其他审批人办理。", "MAKER_CHECKER") : { ok: true }),
  );
}

/** 确认接收 a transfer: an official of the receiving union, never its proposer. */
export function canReceiveTransfer(actor: TWho, request: { status: ChangeStatus; requestedById: string }): TAllowed {
  return firstRefusal(
    () => mayDecideChanges(actor),
    () => (request.status === "AWAITING_RECEIVER" ? { ok: true } : refuse("该申请已被他人处理，请刷新页面查看结果。", "CONFLICT")),
    () => (request.requestedById === actor.userId ? refuse("不能接收自己提出的转出申请。", "MAKER_CHECKER") : { ok: true }),
  );
}
