// What may be done to an online application now (网上申请, issue 24 §2): the predicates the domain
// functions enforce and the pages ask before offering a step, so a disabled button and the
// server's refusal say the same sentence. No database access, no "server-only" (pages import them).
import type { TActor } from "@/lib/auth/actor";
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { OnlineApplicationStatus } from "@/lib/generated/prisma/enums";
import { APPLICATION_STATUS_LABELS } from "./labels";

const ALLOWED: TAllowed = { ok: true };
const refuse = (status: OnlineApplicationStatus, step: string): TAllowed => ({
  ok: false,
  reason: `该申请当前为“${APPLICATION_STATUS_LABELS[status]}”，不能${step}。请刷新页面查看最新状态。`,
  code: "CONFLICT",
});

/** 受理: a caseworker takes up a new application, and the applicant's query says 受理中. */
export function canAcceptApplication(application: { status: OnlineApplicationStatus }): TAllowed {
  return application.status === "SUBMITTED" ? ALLOWED : refuse(application.status, "受理");
}

/** 转为建档草稿: only once accepted, so the applicant has seen 受理中 before it changes again. */
export function canConvertApplication(application: { status: OnlineApplicationStatus }): TAllowed {
  if (application.status === "SUBMITTED") return { ok: false, reason: "请先受理该申请，再转为建档草稿。", code: "NOT_ACCEPTED" };
  return application.status === "ACCEPTED" ? ALLOWED : refuse(application.status, "转为建档草稿");
}

/** 不予受理: new or accepted; a decision already taken stands. */
export function canDeclineApplication(application: { status: OnlineApplicationStatus }): TAllowed {
  return application.status === "SUBMITTED" || application.status === "ACCEPTED" ? ALLOWED : refuse(application.status, "不予受理");
}

/** 受理、转为建档、不予受理 are a caseworker's steps; officials and auditors read the application. */
export const mayHandleApplications = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);
