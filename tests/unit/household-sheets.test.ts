// Guards how a household's forms fall on sheets (issue 26): long tables continue on sheets of
// their own, so each household's sheets are counted and numbered on their own.
import { describe, expect, it } from "vitest";
import { cutRows, ROWS_PER_SHEET } from "@/lib/print/household-sheets";

describe("cutRows", () => {
  it("keeps an empty table as one sheet and cuts a long one at the rows a sheet holds", () => {
    expect(cutRows([], 20)).toEqual([[]]);
    expect(cutRows([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
    expect(cutRows([1, 2], 2)).toEqual([[1, 2]]);
    expect(ROWS_PER_SHEET).toEqual({ members: 10, ledger: 20, visits: 10, measures: 8 });
    expect(
      cutRows(
        Array.from({ length: 41 }, (_, i) => i),
        ROWS_PER_SHEET.ledger,
      ).map((s) => s.length),
    ).toEqual([20, 20, 1]);
  });
});
