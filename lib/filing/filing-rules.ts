// The filing workflow's date and objection rules, as pure predicates: the domain functions in
// workflow.ts refuse with these messages, and the file page uses the same ones to show a step
// disabled with its reason. The database enforces the same rules (0008_duties_and_app_role).
import { addDays } from "@/lib/format/datetime";

/** Why publicity cannot start on `startDate`, or null. Dates are YYYY-MM-DD in Asia/Shanghai. */
export function publicityStartProblem(input: { startDate: string; reviewedOn: string | null; today: string; maxDaysAhead: number }): string | null {
  if (input.reviewedOn && input.startDate < input.reviewedOn) {
    return `公示开始日期不能早于初审日期（${input.reviewedOn}）。`;
  }
  const latest = addDays(input.today, input.maxDaysAhead);
  if (input.startDate > latest) return `公示开始日期最晚为 ${latest}（今天起 ${input.maxDaysAhead} 天内）。`;
  return null;
}

/** The last day of a publicity period that starts on `startDate` and lasts `days` days. */
export function publicityLastDay(startDate: string, days: number): string {
  return addDays(startDate, Math.max(days, 1) - 1);
}

/** Why the file cannot be approved today, or null. */
export function approvalProblem(input: {
  publicityEnd: string | null;
  today: string;
  unresolvedObjections: number;
  civilCheckResult: "CONSISTENT" | "INCONSISTENT" | null;
}): { code: string; message: string } | null {
  if (!input.publicityEnd || input.publicityEnd >= input.today) {
    return { code: "PUBLICITY_RUNNING", message: `公示期至 ${input.publicityEnd ?? "—"} 结束，期满后（次日起）才能审定。` };
  }
  if (input.unresolvedObjections > 0) {
    return { code: "OBJECTION_UNRESOLVED", message: `有 ${input.unresolvedObjections} 条公示异议尚未登记处理结果，处理完毕后才能审定。` };
  }
  if (!input.civilCheckResult) return { code: "CIVIL_CHECK_MISSING", message: "请先录入民政核对结果，再审定。" };
  if (input.civilCheckResult === "INCONSISTENT") return { code: "CIVIL_CHECK_FAILED", message: "民政核对结果为“核对不符”，不能审定，请退回核实。" };
  return null;
}

/** The steps after submission that its submitter may never take on the same episode. */
export const OWN_SUBMISSION_REFUSED = "这是您提交的申请，初审、公示、民政核对、异议处理、审定和退回均须由其他人员办理。";

type TRole = "CASEWORKER" | "OFFICIAL" | "AUDITOR" | "ADMIN";

export type TFilingSteps = {
  review: boolean;
  startPublicity: boolean;
  recordObjection: boolean;
  resolveObjection: boolean;
  civilCheck: boolean;
  reject: boolean;
  /** Shown when the actor may decide; `approveBlocked` then says why it cannot happen yet. */
  approve: boolean;
  approveBlocked: string | null;
  /** Set when the actor holds a deciding role but submitted this episode. */
  ownSubmission: boolean;
};

/** Which workflow steps the page offers: the same rules the domain functions enforce. */
export function filingSteps(input: {
  roles: readonly TRole[];
  isOwnSubmission: boolean;
  status: string;
  publicityEnd: string | null;
  today: string;
  unresolvedObjections: number;
  civilCheckResult: "CONSISTENT" | "INCONSISTENT" | null;
}): TFilingSteps {
  const official = input.roles.includes("OFFICIAL");
  const caseworker = input.roles.includes("CASEWORKER");
  const inReview = ["SUBMITTED", "REVIEWED", "PUBLICITY"].includes(input.status);
  const decides = !input.isOwnSubmission;
  const approve = input.status === "PUBLICITY" && official && decides;
  return {
    review: input.status === "SUBMITTED" && official && decides,
    startPublicity: input.status === "REVIEWED" && official && decides,
    recordObjection: input.status === "PUBLICITY" && (official || caseworker),
    resolveObjection: input.status === "PUBLICITY" && official && decides,
    civilCheck: inReview && (official || caseworker) && decides,
    reject: inReview && official && decides,
    approve,
    approveBlocked: approve ? (approvalProblem(input)?.message ?? null) : null,
    ownSubmission: inReview && (official || caseworker) && input.isOwnSubmission,
  };
}
