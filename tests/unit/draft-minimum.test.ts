// Guards issue 26: 保存草稿 on an empty form made a blank draft. A draft names its holder by name
// or ID number; the same schema runs in the browser and in saveDraftAction, so nothing is written.
import { describe, expect, it } from "vitest";
import { ZSaveDraftInput } from "@/lib/filing/schemas";

const ORG = "00000000-0000-4000-8000-000000000001";
const member = {
  name: "",
  relation: "SELF",
  residentId: "",
  birthDate: "",
  sex: "",
  health: "",
  disabilityGrade: "",
  education: "",
  employment: "",
  livesInHousehold: true,
};
const draft = (holder: Partial<typeof member>) =>
  ZSaveDraftInput.safeParse({ data: { organisationId: ORG, members: [{ ...member, ...holder }], incomes: [], expenditures: [], secondaryCauses: [] } });

describe("the smallest draft", () => {
  it("refuses an empty form with the reason beside the holder's name", () => {
    const result = draft({});
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["data.members.0.name", "保存草稿前请至少填写建档职工的姓名或公民身份号码"],
    ]);
    expect(draft({ name: "   " }).success).toBe(false);
  });
  it("accepts a draft with only the name, or only a valid ID number", () => {
    expect(draft({ name: "欧阳建军" }).success).toBe(true);
    expect(draft({ residentId: "620102198503150503" }).success).toBe(true);
  });
});
