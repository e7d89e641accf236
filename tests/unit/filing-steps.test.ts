// The filing workflow has one table (FILING_STEPS in lib/filing/filing-rules.ts): workflow.ts's
// step() takes each step's history kind, statuses, roles and submitter bar from it, and the file
// page's filingSteps offers a step from the same entry. These tests hold both ends to the table:
// the page's answers are written out for the cases people meet, every role × status × authorship
// agrees with the table's entry, and workflow.ts declares no statuses, roles or refusals of its own.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FILING_STEPS, filingSteps, submitterRefusal, type TFilingStepName } from "@/lib/filing/filing-rules";

const ROLES = ["CASEWORKER", "OFFICIAL", "AUDITOR", "ADMIN"] as const;
const STATUSES = ["DRAFT", "SUBMITTED", "REVIEWED", "PUBLICITY", "OPEN", "OBSERVATION", "CLOSED"] as const;
const base = { publicityEnd: "2026-11-30", today: "2026-12-07", unresolvedObjections: 0, civilCheckResult: "CONSISTENT" as const };
const ask = (roles: (typeof ROLES)[number][], status: string, isOwnSubmission = false, deletable = false) =>
  filingSteps({ ...base, roles, status, isOwnSubmission, deletable });

describe("filingSteps offers what the step table allows", () => {
  it("answers the everyday cases as written out", () => {
    expect(ask(["OFFICIAL"], "SUBMITTED")).toMatchObject({
      review: true,
      civilCheck: true,
      reject: true,
      startPublicity: false,
      approve: false,
      ownSubmission: false,
    });
    expect(ask(["OFFICIAL"], "SUBMITTED", true)).toMatchObject({ review: false, civilCheck: false, reject: false, ownSubmission: true });
    expect(ask(["CASEWORKER"], "PUBLICITY")).toMatchObject({ recordObjection: true, civilCheck: true, resolveObjection: false, approve: false, reject: false });
    expect(ask(["CASEWORKER"], "PUBLICITY", true)).toMatchObject({ recordObjection: true, civilCheck: false, ownSubmission: true });
    expect(ask(["OFFICIAL"], "PUBLICITY")).toMatchObject({ approve: true, approveBlocked: null, resolveObjection: true });
    expect(ask(["AUDITOR"], "PUBLICITY")).toMatchObject({ recordObjection: false, civilCheck: false, approve: false, ownSubmission: false });
    expect(ask(["CASEWORKER"], "CLOSED")).toMatchObject({ reopen: true, followedUp: false });
    expect(ask(["OFFICIAL"], "OBSERVATION")).toMatchObject({ reopen: false, followedUp: true });
    expect(ask(["CASEWORKER"], "DRAFT", false, true)).toMatchObject({ editDraft: true, deleteDraft: true });
    expect(ask(["CASEWORKER"], "DRAFT", false, false)).toMatchObject({ editDraft: true, deleteDraft: false });
    expect(ask(["OFFICIAL"], "DRAFT", false, true)).toMatchObject({ editDraft: false, deleteDraft: false });
  });

  it("says why approval waits, from the same rule approveFiling enforces", () => {
    expect(filingSteps({ ...base, roles: ["OFFICIAL"], status: "PUBLICITY", isOwnSubmission: false, publicityEnd: "2026-12-07" }).approveBlocked).toBe(
      "公示期至 2026-12-07 结束，期满后（次日起）才能审定。",
    );
    expect(filingSteps({ ...base, roles: ["OFFICIAL"], status: "PUBLICITY", isOwnSubmission: false, unresolvedObjections: 2 }).approveBlocked).toBe(
      "有 2 条公示异议尚未登记处理结果，处理完毕后才能审定。",
    );
  });

  it("agrees with FILING_STEPS for every role, status and authorship", () => {
    const names = Object.keys(FILING_STEPS) as TFilingStepName[];
    for (const role of ROLES)
      for (const status of STATUSES)
        for (const own of [false, true]) {
          const offered = ask([role], status, own);
          for (const name of names) {
            const entry = FILING_STEPS[name];
            const expected =
              (entry.from as readonly string[]).includes(status) && (entry.roles as readonly string[]).includes(role) && !(entry.notSubmitter && own);
            expect(offered[name], `${name} for ${role} on ${status}${own ? " (own)" : ""}`).toBe(expected);
          }
        }
  });

  it("names each barred step in the submitter's refusal with the table's label", () => {
    expect(submitterRefusal("review")).toBe("不能初审自己提交的建档申请，请由其他人员办理。");
    expect(submitterRefusal("reject")).toBe("不能退回自己提交的建档申请，请由其他人员办理。");
    expect(submitterRefusal("civilCheck")).toBe("不能核对自己提交的建档申请，请由其他人员办理。");
    expect(FILING_STEPS.recordObjection.notSubmitter).toBe(false);
    expect(FILING_STEPS.reopen.notSubmitter).toBe(false);
  });
});

describe("workflow.ts takes each step from the table", () => {
  const source = readFileSync(path.resolve(import.meta.dirname, "../../lib/filing/workflow.ts"), "utf8");

  it("declares no statuses, history kinds, roles or submitter refusals of its own", () => {
    expect(source).not.toMatch(/\bfrom:\s*\[/);
    expect(source).not.toMatch(/\bkind:\s*"[A-Z_]+"/);
    expect(source).not.toMatch(/assertRole\(/);
    expect(source).not.toMatch(/自己提交的建档申请/);
  });

  it("names a table entry in every step() call and every role check", () => {
    const steps = [...source.matchAll(/return step\(actor, input, "(\w+)"/g)].map((m) => m[1]);
    const roleChecks = [...source.matchAll(/mayTake\(actor, "(\w+)"\)/g)].map((m) => m[1]);
    expect(steps.sort()).toEqual(Object.keys(FILING_STEPS).sort());
    expect(roleChecks.sort()).toEqual(steps.sort());
  });
});
