// What the household page offers is what the domain allows: both ask these predicates, so the
// disabled button's reason and the server's refusal are the same sentence.
import { describe, expect, it } from "vitest";
import { canDeleteEvidence, canEndObservation, canUploadEvidence, isDeletableDraft } from "@/lib/filing/rules";

const day = (d: string) => new Date(`${d}T00:00:00Z`);

describe("filing rules", () => {
  it("refuses uploads once a file is in observation or closed", () => {
    expect(canUploadEvidence({ status: "OPEN" })).toEqual({ ok: true });
    expect(canUploadEvidence({ status: "PUBLICITY" })).toEqual({ ok: true });
    expect(canUploadEvidence({ status: "OBSERVATION" })).toMatchObject({ ok: false, reason: "档案当前为“渐退期”，不能再上传证明材料。" });
    expect(canUploadEvidence({ status: "CLOSED" })).toMatchObject({ ok: false, code: "FILE_CLOSED" });
  });

  it("lets only a draft's evidence be deleted", () => {
    expect(canDeleteEvidence({ status: "DRAFT" }).ok).toBe(true);
    expect(canDeleteEvidence({ status: "SUBMITTED" }).ok).toBe(false);
  });

  it("deletes only drafts never submitted, numbered or reopened", () => {
    const draft = { status: "DRAFT" as const, fileNumber: null, submittedAt: null, episode: 1 };
    expect(isDeletableDraft(draft)).toBe(true);
    expect(isDeletableDraft({ ...draft, submittedAt: new Date() })).toBe(false);
    expect(isDeletableDraft({ ...draft, episode: 2 })).toBe(false);
    expect(isDeletableDraft({ ...draft, status: "SUBMITTED" })).toBe(false);
  });

  it("ends observation only once its period is over", () => {
    const file = { status: "OBSERVATION" as const, observationUntil: day("2027-12-01") };
    expect(canEndObservation(file, "2026-12-02")).toEqual({
      ok: false,
      code: "OBSERVATION_RUNNING",
      reason: "渐退期至 2027 年 12 月 1 日结束，期满后才能结束跟踪。",
    });
    expect(canEndObservation(file, "2027-12-01")).toEqual({ ok: true });
    expect(canEndObservation({ ...file, status: "OPEN" }, "2027-12-02").ok).toBe(false);
  });
});
