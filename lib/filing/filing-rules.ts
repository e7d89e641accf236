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
type TStatus = "DRAFT" | "SUBMITTED" | "REVIEWED" | "PUBLICITY" | "OPEN" | "OBSERVATION" | "CLOSED";

/**
 * The workflow's one table: for each step, the history kind it writes, the statuses it acts on, the
 * roles that may take it, and whether the episode's submitter is barred from it (then `label` names
 * the step in the refusal). workflow.ts's step() reads `kind`, `from`, `roles` and `notSubmitter`
 * from here; filingSteps below offers a step from the same entry, so the page and the server cannot
 * disagree (tests/unit/filing-steps.test.ts). The database says the same in 0008_duties_and_app_role.
 */
export const FILING_STEPS = {
  review: { kind: "REVIEWED", label: "初审", from: ["SUBMITTED"], roles: ["OFFICIAL"], notSubmitter: true },
  startPublicity: { kind: "PUBLICITY_STARTED", label: "公示", from: ["REVIEWED"], roles: ["OFFICIAL"], notSubmitter: true },
  recordObjection: { kind: "OBJECTION_RECORDED", label: "登记异议", from: ["PUBLICITY"], roles: ["CASEWORKER", "OFFICIAL"], notSubmitter: false },
  resolveObjection: { kind: "OBJECTION_RESOLVED", label: "处理", from: ["PUBLICITY"], roles: ["OFFICIAL"], notSubmitter: true },
  civilCheck: {
    kind: "CIVIL_CHECK_RECORDED",
    label: "核对",
    from: ["SUBMITTED", "REVIEWED", "PUBLICITY"],
    roles: ["CASEWORKER", "OFFICIAL"],
    notSubmitter: true,
  },
  approve: { kind: "APPROVED", label: "审定", from: ["PUBLICITY"], roles: ["OFFICIAL"], notSubmitter: true },
  reject: { kind: "REJECTED", label: "退回", from: ["SUBMITTED", "REVIEWED", "PUBLICITY"], roles: ["OFFICIAL"], notSubmitter: true },
  reopen: { kind: "REOPENED", label: "返困重新启用", from: ["CLOSED", "OBSERVATION"], roles: ["CASEWORKER"], notSubmitter: false },
} as const satisfies Record<string, { kind: string; label: string; from: readonly TStatus[]; roles: readonly TRole[]; notSubmitter: boolean }>;

export type TFilingStepName = keyof typeof FILING_STEPS;

/** Who fills in, submits and discards a draft (save-filing.ts, deleteDraft). */
export const DRAFT_ROLES = ["CASEWORKER"] as const satisfies readonly TRole[];

export const filingStepRoles = (name: TFilingStepName): readonly TRole[] => FILING_STEPS[name].roles;

/** The refusal a submitter meets on a step barred to them (the trigger filing_event_not_by_submitter agrees). */
export const submitterRefusal = (name: TFilingStepName) => `不能${FILING_STEPS[name].label}自己提交的建档申请，请由其他人员办理。`;

/** Whoever submitted the episode: barred from the steps marked notSubmitter (step() and the pages ask this). */
export const isSubmitter = (actor: { userId: string }, file: { submittedById: string | null }) => file.submittedById === actor.userId;

/** Whether `roles` may take step `name` on a file in `status`, given whether they submitted this episode. */
export function stepOpenTo(name: TFilingStepName, roles: readonly TRole[], status: string, isOwnSubmission: boolean): boolean {
  const s = FILING_STEPS[name];
  return (s.from as readonly string[]).includes(status) && s.roles.some((r) => roles.includes(r)) && !(s.notSubmitter && isOwnSubmission);
}

export type TFilingSteps = {
  review: boolean;
  startPublicity: boolean;
  recordObjection: boolean;
  resolveObjection: boolean;
  civilCheck: boolean;
  reject: boolean;
  reopen: boolean;
  /** Shown when the actor may decide; `approveBlocked` then says why it cannot happen yet. */
  approve: boolean;
  approveBlocked: string | null;
  /** Set when the actor holds a deciding role but submitted this episode. */
  ownSubmission: boolean;
  /** 继续填写 and 删除草稿: a draft, for who fills drafts in; deleting only one never submitted. */
  editDraft: boolean;
  deleteDraft: boolean;
  /** Open and observed files are followed up by the dynamic-management actions beside the panel. */
  followedUp: boolean;
};

/** Which workflow steps the page offers: the entries of FILING_STEPS that the domain functions enforce. */
export function filingSteps(input: {
  roles: readonly TRole[];
  isOwnSubmission: boolean;
  status: string;
  publicityEnd: string | null;
  today: string;
  unresolvedObjections: number;
  civilCheckResult: "CONSISTENT" | "INCONSISTENT" | null;
  /** isDeletableDraft(file) from ./rules.ts. */
  deletable?: boolean;
}): TFilingSteps {
  const open = (name: TFilingStepName) => stepOpenTo(name, input.roles, input.status, input.isOwnSubmission);
  const approve = open("approve");
  const editDraft = input.status === "DRAFT" && DRAFT_ROLES.some((r) => input.roles.includes(r));
  const names = Object.keys(FILING_STEPS) as TFilingStepName[];
  return {
    review: open("review"),
    startPublicity: open("startPublicity"),
    recordObjection: open("recordObjection"),
    resolveObjection: open("resolveObjection"),
    civilCheck: open("civilCheck"),
    reject: open("reject"),
    reopen: open("reopen"),
    approve,
    approveBlocked: approve ? (approvalProblem(input)?.message ?? null) : null,
    // A step barred to the submitter that the actor's roles and the file's status would otherwise open.
    ownSubmission: input.isOwnSubmission && names.some((n) => FILING_STEPS[n].notSubmitter && stepOpenTo(n, input.roles, input.status, false)),
    editDraft,
    deleteDraft: editDraft && input.deletable === true,
    followedUp: input.status === "OPEN" || input.status === "OBSERVATION",
  };
}
