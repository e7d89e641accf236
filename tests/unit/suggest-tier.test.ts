import { describe, expect, it } from "vitest";
import { suggestTier, type TSuggestTierInput } from "@/lib/filing/suggest-tier";

// 低保 570 yuan per person per month (an example from the sources), default parameters.
const POLICY = { dibaoMonthlyFen: 57_000, relativeMultiplier: 2, accidentRatio: 0.8 };

function suggest(overrides: Partial<TSuggestTierInput>) {
  return suggestTier({
    annualIncomeFen: 0,
    annualRigidExpenditureFen: 0,
    householdSize: 3,
    hasSuddenEvent: false,
    policy: POLICY,
    ...overrides,
  });
}

/** Annual net income giving exactly `perCapitaFen` per person per month. */
const annualFor = (perCapitaFen: number, size: number) => perCapitaFen * 12 * size;

describe("suggestTier — income tiers", () => {
  it("computes per-capita monthly income and explains it", () => {
    const result = suggest({ annualIncomeFen: 2_400_000, annualRigidExpenditureFen: 348_000, householdSize: 3 });
    expect(result).toMatchObject({
      tier: "RELATIVE",
      perCapitaMonthlyFen: 57_000,
      deepThresholdFen: 57_000,
      relativeThresholdFen: 114_000,
    });
    expect(result.steps[0]).toBe("人均月收入 = (年收入 ¥24,000.00 − 年刚性支出 ¥3,480.00) ÷ 12 ÷ 3 人 = ¥570.00（不足 1 分的部分舍去）");
    expect(result.steps[1]).toBe("深度困难线 = 低保标准 ¥570.00/人·月；相对困难线 = ¥570.00 × 2 = ¥1,140.00");
    expect(result.steps.at(-1)).toContain("→ 相对困难");
  });

  it("suggests RELATIVE exactly at 低保", () => {
    expect(suggest({ annualIncomeFen: annualFor(57_000, 3) })).toMatchObject({ tier: "RELATIVE", perCapitaMonthlyFen: 57_000 });
  });

  it("suggests DEEP one fen of annual income below 低保 (rounding down never lifts a household over a line)", () => {
    const result = suggest({ annualIncomeFen: annualFor(57_000, 3) - 1 });
    expect(result).toMatchObject({ tier: "DEEP", perCapitaMonthlyFen: 56_999 });
    expect(result.steps.at(-1)).toBe("人均月收入 ¥569.99 低于低保标准 ¥570.00 → 深度困难");
  });

  it("suggests RELATIVE just below 2 × 低保 and nothing exactly at it", () => {
    expect(suggest({ annualIncomeFen: annualFor(114_000, 3) - 1 })).toMatchObject({ tier: "RELATIVE", perCapitaMonthlyFen: 113_999 });
    const atLine = suggest({ annualIncomeFen: annualFor(114_000, 3) });
    expect(atLine).toMatchObject({ tier: null, perCapitaMonthlyFen: 114_000 });
    expect(atLine.steps.at(-1)).toBe("无突发事件 → 不符合建档条件");
  });

  it("suggests DEEP when rigid expenditure exceeds income, rounding the negative figure down", () => {
    const result = suggest({ annualIncomeFen: 100_000, annualRigidExpenditureFen: 500_000, householdSize: 3 });
    // −400000 ÷ 36 = −11111.1… → −11112
    expect(result).toMatchObject({ tier: "DEEP", perCapitaMonthlyFen: -11_112 });
    expect(result.steps[0]).toContain("= -¥111.12");
  });

  it("works for a household of one", () => {
    expect(suggest({ householdSize: 1, annualIncomeFen: 684_000 })).toMatchObject({ tier: "RELATIVE", perCapitaMonthlyFen: 57_000 });
    expect(suggest({ householdSize: 1, annualIncomeFen: 683_999 })).toMatchObject({ tier: "DEEP", perCapitaMonthlyFen: 56_999 });
    expect(suggest({ householdSize: 1, annualIncomeFen: 1_368_000 })).toMatchObject({ tier: null, perCapitaMonthlyFen: 114_000 });
  });

  it("rounds a fractional relative line up to whole fen, so the comparison stays exact", () => {
    const policy = { ...POLICY, dibaoMonthlyFen: 57_001, relativeMultiplier: 1.5 }; // line 85501.5 fen
    expect(suggest({ policy, householdSize: 1, annualIncomeFen: annualFor(85_501, 1) })).toMatchObject({
      tier: "RELATIVE",
      relativeThresholdFen: 85_502,
    });
    expect(suggest({ policy, householdSize: 1, annualIncomeFen: annualFor(85_502, 1) })).toMatchObject({ tier: null });
  });
});

describe("suggestTier — accident", () => {
  // 20,000 yuan a year for one person is above the relative line; 80 % of it is 16,000 yuan.
  const base = { householdSize: 1, annualIncomeFen: 2_000_000, hasSuddenEvent: true };

  it("does not suggest ACCIDENT when the loss is exactly 80 % of income", () => {
    const result = suggest({ ...base, accidentLossFen: 1_600_000 });
    expect(result.tier).toBeNull();
    expect(result.steps.at(-1)).toBe("突发事件造成的损失及刚性支出 ¥16,000.00 未超过 年收入 ¥20,000.00 × 80% = ¥16,000.00 → 不符合建档条件");
  });

  it("suggests ACCIDENT when the loss exceeds 80 % of income by one fen", () => {
    const result = suggest({ ...base, accidentLossFen: 1_600_001 });
    expect(result.tier).toBe("ACCIDENT");
    expect(result.steps.at(-1)).toContain("→ 意外致困");
  });

  it("needs a sudden event, and a loss", () => {
    expect(suggest({ ...base, hasSuddenEvent: false, accidentLossFen: 5_000_000 }).tier).toBeNull();
    expect(suggest({ ...base }).tier).toBeNull();
  });

  it("compares the ratio exactly where floating point would not (0.7 × 1368000 = 957599.99…)", () => {
    const policy = { ...POLICY, accidentRatio: 0.7 };
    const income = { householdSize: 1, annualIncomeFen: 1_368_000, hasSuddenEvent: true, policy };
    expect(suggest({ ...income, accidentLossFen: 957_600 }).tier).toBeNull();
    expect(suggest({ ...income, accidentLossFen: 957_601 }).tier).toBe("ACCIDENT");
  });

  it("gives income tiers precedence over ACCIDENT, and says so", () => {
    const deep = suggest({ householdSize: 1, annualIncomeFen: 100_000, hasSuddenEvent: true, accidentLossFen: 5_000_000 });
    expect(deep.tier).toBe("DEEP");
    expect(deep.steps.at(-1)).toContain("收入梯度优先于意外致困");
    const relative = suggest({ householdSize: 1, annualIncomeFen: 684_000, hasSuddenEvent: true, accidentLossFen: 5_000_000 });
    expect(relative.tier).toBe("RELATIVE");
  });
});

describe("suggestTier — input validation", () => {
  it.each([
    [{ householdSize: 0 }, "家庭共同生活人数"],
    [{ householdSize: 1.5 }, "家庭共同生活人数"],
    [{ householdSize: Number.NaN }, "家庭共同生活人数"],
    [{ annualIncomeFen: -1 }, "年收入"],
    [{ annualIncomeFen: 10.5 }, "年收入"],
    [{ annualRigidExpenditureFen: -1 }, "年刚性支出"],
    [{ accidentLossFen: -1 }, "突发事件损失"],
    [{ policy: { ...POLICY, dibaoMonthlyFen: 0 } }, "低保标准"],
    [{ policy: { ...POLICY, relativeMultiplier: 0.5 } }, "相对困难倍数"],
    [{ policy: { ...POLICY, accidentRatio: 0 } }, "意外致困比例"],
    [{ policy: { ...POLICY, accidentRatio: Number.POSITIVE_INFINITY } }, "意外致困比例"],
  ] as [Partial<TSuggestTierInput>, string][])("rejects %j with a RangeError", (overrides, words) => {
    expect(() => suggest(overrides)).toThrow(RangeError);
    expect(() => suggest(overrides)).toThrow(words);
  });
});
