// The intake form computes its suggestion from the same figures the server records, and says
// nothing before an income is typed; a second 本人 is refused in drafts and submissions alike.
import { describe, expect, it } from "vitest";
import { typedHouseholdFigures } from "@/lib/filing/figures";
import { ZDraftFilingData } from "@/lib/filing/schemas";

describe("figures of a form being filled in", () => {
  it("are absent while no income amount has been typed", () => {
    expect(typedHouseholdFigures({ members: [{ livesInHousehold: true }], incomes: [{ monthlyFen: "" }], expenditures: [] })).toBeNull();
    expect(typedHouseholdFigures({ members: [{ livesInHousehold: true }], incomes: [{ monthlyFen: "abc" }], expenditures: [] })).toBeNull();
  });

  it("count typed yuan as fen, the people living in the household, and a sudden event's loss only when ticked", () => {
    const figures = typedHouseholdFigures({
      members: [{ livesInHousehold: true }, { livesInHousehold: true }, { livesInHousehold: false }],
      incomes: [{ monthlyFen: "1,300" }, { monthlyFen: "200.50" }],
      expenditures: [{ annualFen: "6000.50" }, { annualFen: "" }],
      suddenEvent: false,
      suddenEventLossFen: "9000",
    });
    expect(figures).toEqual({ annualIncomeFen: 1_800_600, annualRigidExpenditureFen: 600_050, householdSize: 2, accidentLossFen: 0 });
  });
});

describe("relation 本人", () => {
  const base = { organisationId: "00000000-0000-4000-8000-000000000001", incomes: [], expenditures: [] };
  it("is refused for anyone but the holder", () => {
    const parsed = ZDraftFilingData.safeParse({ ...base, members: [{ relation: "SELF", name: "张建华" }, { relation: "SELF" }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ["members", 1, "relation"], message: "只有建档职工本人的关系为“本人”" })]);
  });
});
