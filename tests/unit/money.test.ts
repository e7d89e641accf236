import { describe, expect, it } from "vitest";
import { fenToYuanString, formatFen, MONEY_ERROR_MESSAGES, parseYuanToFen } from "@/lib/money/money";

const fen = (input: string, opts = {}) => parseYuanToFen(input, opts);

describe("parseYuanToFen", () => {
  it.each([
    ["1234", 123400],
    ["1234.5", 123450],
    ["1234.56", 123456],
    ["1,234.56", 123456],
    ["1,234,567", 123456700],
    [" 12 ", 1200],
    ["0", 0],
    ["0.01", 1],
    ["007.10", 710],
    ["+5", 500],
    ["-0", 0],
  ])("reads %j as %i fen", (input, expected) => {
    expect(fen(input)).toEqual({ ok: true, fen: expected });
  });

  // Each of these goes wrong through floating point: 0.29 * 100 = 28.999999999999996,
  // 19.99 * 100 = 1998.9999999999998, 1.005 * 100 = 100.49999999999999.
  it.each([
    ["0.29", 29],
    ["19.99", 1999],
    ["0.07", 7],
    ["4.35", 435],
    ["1.15", 115],
    ["9007199254740.99", 900719925474099],
  ])("reads %j as exactly %i fen", (input, expected) => {
    expect(fen(input)).toEqual({ ok: true, fen: expected });
  });

  it("rejects an empty or blank amount", () => {
    expect(fen("")).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.EMPTY });
    expect(fen("   ")).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.EMPTY });
  });

  it.each(["abc", "12a", "1.2.3", ".5", "5.", "1,23", "12,34.5", ",123", "1e3", "¥12", "- 5", "NaN", "Infinity", "0x10"])(
    "rejects %j as not a number",
    (input) => {
      expect(fen(input)).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.FORMAT });
    },
  );

  it("rejects more than two decimals rather than rounding", () => {
    expect(fen("1.005")).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.DECIMALS });
    expect(fen("12.300")).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.DECIMALS });
  });

  it("rejects negatives unless allowed", () => {
    expect(fen("-12.30")).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.NEGATIVE });
    expect(fen("-12.30", { allowNegative: true })).toEqual({ ok: true, fen: -1230 });
    expect(fen("-1,234.5", { allowNegative: true })).toEqual({ ok: true, fen: -123450 });
  });

  it("rejects amounts above the safe-integer limit, compared exactly", () => {
    expect(fen("90071992547409.91")).toEqual({ ok: true, fen: Number.MAX_SAFE_INTEGER });
    expect(fen("90071992547409.92")).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.TOO_LARGE });
    expect(fen("-90071992547409.92", { allowNegative: true })).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.TOO_LARGE });
    expect(fen("1".repeat(40))).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.TOO_LARGE });
  });

  it("applies a caller's limit", () => {
    expect(fen("6300", { maxFen: 630000 })).toEqual({ ok: true, fen: 630000 });
    expect(fen("6300.01", { maxFen: 630000 })).toEqual({ ok: false, message: MONEY_ERROR_MESSAGES.TOO_LARGE });
    expect(() => fen("1", { maxFen: 1.5 })).toThrow(RangeError);
  });

  it("reads back what fenToYuanString writes", () => {
    for (const value of [0, 1, 29, 1999, 123456, -1230, Number.MAX_SAFE_INTEGER]) {
      expect(fen(fenToYuanString(value), { allowNegative: true })).toEqual({ ok: true, fen: value });
    }
  });
});

describe("formatFen", () => {
  it.each([
    [0, "¥0.00"],
    [1, "¥0.01"],
    [29, "¥0.29"],
    [1230, "¥12.30"],
    [123456, "¥1,234.56"],
    [123456789, "¥1,234,567.89"],
    [-1230, "-¥12.30"],
    [-123456, "-¥1,234.56"],
    [-0, "¥0.00"],
    [Number.MAX_SAFE_INTEGER, "¥90,071,992,547,409.91"],
  ])("formats %i fen as %j", (value, expected) => {
    expect(formatFen(value)).toBe(expected);
  });

  it("refuses anything that is not a whole number of fen", () => {
    expect(() => formatFen(12.5)).toThrow(RangeError);
    expect(() => formatFen(Number.NaN)).toThrow(RangeError);
    expect(() => formatFen(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});

describe("fenToYuanString", () => {
  it.each([
    [0, "0.00"],
    [5, "0.05"],
    [123456, "1234.56"],
    [123400, "1234.00"],
    [-1230, "-12.30"],
  ])("writes %i fen as %j", (value, expected) => {
    expect(fenToYuanString(value)).toBe(expected);
  });
});
