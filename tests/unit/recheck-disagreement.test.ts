// Guards issue 26: a re-check whose conclusion departs from the tier its own figures suggest asks
// for a reason. Expected sentences written out.
import { describe, expect, it } from "vitest";
import { recheckDisagreement } from "@/lib/dynamic/recheck-rules";

describe("recheckDisagreement", () => {
  it("agrees when 维持原类别 keeps the suggested tier", () => {
    expect(recheckDisagreement({ outcome: "CONFIRM", currentTier: "DEEP", suggestedTier: "DEEP" })).toBeNull();
  });
  it("asks for a reason when 维持原类别 is recorded where another tier is suggested", () => {
    expect(recheckDisagreement({ outcome: "CONFIRM", currentTier: "RELATIVE", suggestedTier: "DEEP" })).toBe(
      "核查结论（维持原类别）与系统按本次收支建议的类别（深度困难）不一致，请说明理由。",
    );
    expect(recheckDisagreement({ outcome: "CONFIRM", currentTier: "DEEP", suggestedTier: null })).toBe(
      "核查结论（维持原类别）与系统按本次收支建议的类别（不符合条件）不一致，请说明理由。",
    );
  });
  it("compares a proposed tier with the suggestion", () => {
    expect(recheckDisagreement({ outcome: "PROPOSE_TIER_CHANGE", proposedTier: "DEEP", currentTier: "RELATIVE", suggestedTier: "DEEP" })).toBeNull();
    expect(recheckDisagreement({ outcome: "PROPOSE_TIER_CHANGE", proposedTier: "ACCIDENT", currentTier: "RELATIVE", suggestedTier: "DEEP" })).toBe(
      "核查结论（调整为意外致困）与系统按本次收支建议的类别（深度困难）不一致，请说明理由。",
    );
  });
  it("agrees with a 脱困 exit only when the figures no longer qualify; a 注销 exit never disagrees", () => {
    expect(recheckDisagreement({ outcome: "PROPOSE_EXIT", exitReason: "RESOLVED", currentTier: "DEEP", suggestedTier: null })).toBeNull();
    expect(recheckDisagreement({ outcome: "PROPOSE_EXIT", exitReason: "RESOLVED", currentTier: "DEEP", suggestedTier: "RELATIVE" })).toBe(
      "核查结论（建议退档）与系统按本次收支建议的类别（相对困难）不一致，请说明理由。",
    );
    expect(recheckDisagreement({ outcome: "PROPOSE_EXIT", exitReason: "CANCELLED", currentTier: "DEEP", suggestedTier: "DEEP" })).toBeNull();
  });
});
