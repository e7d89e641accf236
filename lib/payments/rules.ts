// Who confirms a bank return file (回盘): an official other than whoever made what it answers —
// the batch's maker or submitter, or the payment run's maker. Asked by the batch and payment-run
// pages, enforced by apply-return-file.ts and apply-run-return-file.ts. Pure.
import { ALLOWED, firstRefusal, refuse, roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

type TWho = Pick<TActor, "roles" | "userId">;

/** Whoever does not confirm is told who will (the page's note under the upload). */
const officialConfirms = (actor: TWho) => () => (roleAllows(actor, ["OFFICIAL"]).ok ? ALLOWED : refuse("核对无误。请由审批人确认导入。", "FORBIDDEN"));

export function canConfirmBatchReturn(actor: TWho, batch: { createdById: string; submittedById: string | null }): TAllowed {
  return firstRefusal(officialConfirms(actor), () =>
    batch.createdById === actor.userId || batch.submittedById === actor.userId
      ? refuse("不能确认自己编制或提交的批次的回盘，请由其他审批人办理。", "MAKER_CHECKER")
      : ALLOWED,
  );
}

export function canConfirmRunReturn(actor: TWho, run: { createdById: string }): TAllowed {
  return firstRefusal(officialConfirms(actor), () =>
    run.createdById === actor.userId ? refuse("不能确认自己汇总的代发回盘，请由其他审批人办理。", "MAKER_CHECKER") : ALLOWED,
  );
}

/** Bank files — the payment file and a return's preview — are handled by caseworkers and officials. */
export const mayHandleBankFiles = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER", "OFFICIAL"]);

/** 回访 (record-callback.ts): caseworkers and officials call households back. */
export const mayCallBack = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER", "OFFICIAL"]);

/** 待核查问题 (resolve-callback-problem.ts): an auditor resolves what call-backs found. */
export const mayResolveCallbackProblems = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["AUDITOR"]);

/** 退回的付款 are reissued or closed by a caseworker (returned-lines.ts, close-returned-disbursement.ts). */
export const mayHandleReturnedPayments = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);

/** The call-back coverage report (覆盖率与问题率): officials and auditors. */
export const CALLBACK_REPORT_READERS = ["OFFICIAL", "AUDITOR"] as const;
export const mayReadCallbackReport = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, CALLBACK_REPORT_READERS);
