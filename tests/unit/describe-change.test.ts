// Guards what an approval dialog restates (issue 26): the household and the change, from what to what.
import { describe, expect, it } from "vitest";
import { describeChange } from "@/lib/dynamic/describe-change";

const base = {
  holderName: "张建华",
  fileNumber: "GSLZ-2026-000123",
  currentTier: "RELATIVE",
  proposedTier: null,
  exitReason: null,
  cancelReason: null,
  fromOrganisation: "七里河区总工会",
  targetOrganisation: null,
} as const;

describe("describeChange", () => {
  it("says the household and the change", () => {
    expect(describeChange({ ...base, kind: "TIER_CHANGE", proposedTier: "DEEP" })).toBe(
      "张建华家庭（GSLZ-2026-000123）：调整困难类别，由“相对困难”改为“深度困难”",
    );
    expect(describeChange({ ...base, kind: "EXIT", exitReason: "CANCELLED", cancelReason: "DEATH" })).toBe(
      "张建华家庭（GSLZ-2026-000123）：退档（注销：死亡），现为“相对困难”",
    );
    expect(describeChange({ ...base, kind: "EXIT", exitReason: "RESOLVED" })).toBe("张建华家庭（GSLZ-2026-000123）：退档（脱困），现为“相对困难”");
    expect(describeChange({ ...base, kind: "TRANSFER", targetOrganisation: "秦州区总工会" })).toBe(
      "张建华家庭（GSLZ-2026-000123）：转出，由七里河区总工会转至秦州区总工会",
    );
    expect(describeChange({ ...base, kind: "TRANSFER", targetOrganisation: "秦州区总工会", receiving: true })).toBe(
      "张建华家庭（GSLZ-2026-000123）：由七里河区总工会转入秦州区总工会",
    );
  });
});
