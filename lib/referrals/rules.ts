// What may be done with referrals, asked by the page and the domain functions alike. Pure.
import type { FileStatus, ReferralOutcome } from "@/lib/generated/prisma/enums";
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

/** A referral is made from the plan of a file that is followed up: open or in observation. */
export function canRefer(file: { status: FileStatus }): TAllowed {
  return file.status === "OPEN" || file.status === "OBSERVATION"
    ? { ok: true }
    : { ok: false, reason: "只有在档或渐退期的档案可以转介。", code: "WRONG_STATUS" };
}

export function canCloseReferral(referral: { outcome: ReferralOutcome | null }): TAllowed {
  return referral.outcome === null ? { ok: true } : { ok: false, reason: "该转介已登记办理结果。", code: "SETTLED" };
}

/** Overdue: no outcome yet and the due date has passed (YYYY-MM-DD compare as text). */
export function isReferralOverdue(referral: { outcome: ReferralOutcome | null; dueDate: string }, today: string): boolean {
  return referral.outcome === null && referral.dueDate < today;
}

/** A caseworker makes a referral (refer.ts createReferral). */
export const mayRefer = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);

/** A caseworker or an official records its outcome (closeReferral). */
export const mayCloseReferral = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER", "OFFICIAL"]);
