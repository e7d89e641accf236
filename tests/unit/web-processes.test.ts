import { describe, expect, it } from "vitest";
import { webProcessCount } from "@/lib/process/web-processes";

describe("webProcessCount", () => {
  it("runs one web process per core by default, at most four", () => {
    expect(webProcessCount(undefined, 1)).toBe(1);
    expect(webProcessCount(undefined, 2)).toBe(2);
    expect(webProcessCount("", 3)).toBe(3);
    expect(webProcessCount(undefined, 4)).toBe(4);
    expect(webProcessCount(undefined, 64)).toBe(4);
  });

  it("takes WEB_PROCESSES from 1 to 16 whatever the cores", () => {
    expect(webProcessCount("1", 2)).toBe(1);
    expect(webProcessCount(" 3 ", 2)).toBe(3);
    expect(webProcessCount("16", 2)).toBe(16);
  });

  it("refuses anything else in Chinese rather than guessing", () => {
    for (const bad of ["0", "17", "1.5", "two", "-2"]) {
      expect(() => webProcessCount(bad, 2)).toThrow(`WEB_PROCESSES 应为 1 到 16 之间的整数（现在是「${bad}」）。`);
    }
  });
});
