// Which policy row is in force for the bulk seed: the rule lib/policy/policy.ts applies in the database.
import { describe, expect, it } from "vitest";
import { pickDibao, pickParameter } from "@/lib/policy/pick-policy";

const dibao = [
  { regionCode: "100000", monthlyFen: 57000, effectiveFrom: "2020-01-01", effectiveTo: null },
  { regionCode: "620000", monthlyFen: 66400, effectiveFrom: "2024-01-01", effectiveTo: null },
  { regionCode: "620100", monthlyFen: 70000, effectiveFrom: "2023-07-01", effectiveTo: "2024-07-01" },
  { regionCode: "620100", monthlyFen: 78000, effectiveFrom: "2024-07-01", effectiveTo: null },
];
const params = [
  { key: "PUBLICITY_DAYS", regionCode: "", value: 5, effectiveFrom: "2020-01-01", effectiveTo: "2025-01-01" },
  { key: "PUBLICITY_DAYS", regionCode: "", value: 7, effectiveFrom: "2025-01-01", effectiveTo: null },
  { key: "PUBLICITY_DAYS", regionCode: "620100", value: 6, effectiveFrom: "2024-01-01", effectiveTo: null },
];

describe("pickDibao", () => {
  it("takes the county's city row in force on the date, else the province's, else the national one", () => {
    expect(pickDibao(dibao, "620102", "2024-06-30")?.monthlyFen).toBe(70000);
    expect(pickDibao(dibao, "620102", "2024-07-01")?.monthlyFen).toBe(78000);
    expect(pickDibao(dibao, "620502", "2024-03-01")?.monthlyFen).toBe(66400);
    expect(pickDibao(dibao, "620502", "2023-03-01")?.monthlyFen).toBe(57000);
    expect(pickDibao(dibao, "620502", "2019-12-31")).toBeUndefined();
  });
});

describe("pickParameter", () => {
  it("prefers the region's own row, then its city's, then the default, each in its period", () => {
    expect(pickParameter(params, "PUBLICITY_DAYS", "620100", "2026-01-01")?.value).toBe(6);
    expect(pickParameter(params, "PUBLICITY_DAYS", "620102", "2026-01-01")?.value).toBe(6);
    expect(pickParameter(params, "PUBLICITY_DAYS", "620100", "2023-01-01")?.value).toBe(5);
    expect(pickParameter(params, "PUBLICITY_DAYS", "620500", "2026-01-01")?.value).toBe(7);
    expect(pickParameter(params, "OTHER", "620500", "2026-01-01")).toBeUndefined();
  });
});
