// The public notice (公示) shows names masked: written out, never computed with maskName itself.
import { describe, expect, it } from "vitest";
import { maskName } from "@/lib/public/mask-name";

describe("maskName", () => {
  it.each([
    ["王丽静", "王*静"],
    ["王静", "王*"],
    ["欧阳小明", "欧**明"],
    ["阿卜杜·热合曼", "阿*****曼"],
    [" 王 丽 静 ", "王*静"],
    ["𠮷野家", "𠮷*家"],
    ["王", "*"],
    ["", "*"],
    [null, "*"],
  ])("%s → %s", (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});
