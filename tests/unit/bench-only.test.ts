// `npm run bench -- --only <text>`: the filter keeps the cases whose label contains the text, in
// both scopes, says what it kept, and refuses a text that matches nothing or is missing.
import { describe, expect, it } from "vitest";
import { filterCases, onlyArg } from "@/scripts/bench-only";

const cases = [
  { scope: "市", label: "搜索 王静" },
  { scope: "市", label: "搜索 首字母 wj" },
  { scope: "省", label: "搜索 王静" },
  { scope: "省", label: "搜索 首字母 wj" },
  { scope: "省", label: "台账 第1页" },
];

describe("bench --only", () => {
  it("keeps every case, with no note, when --only is not given", () => {
    expect(onlyArg(["node", "bench.ts", "--runs", "5"])).toBeNull();
    expect(filterCases(cases, null)).toEqual({ cases, note: null });
  });

  it("keeps the matching label in both scopes and names them", () => {
    const only = onlyArg(["node", "bench.ts", "--only", "首字母", "--skip-load"]);
    expect(only).toBe("首字母");
    const { cases: kept, note } = filterCases(cases, only);
    expect(kept).toEqual([
      { scope: "市", label: "搜索 首字母 wj" },
      { scope: "省", label: "搜索 首字母 wj" },
    ]);
    expect(note).toBe("只运行标签含“首字母”的 2 项（共 5 项）：市 搜索 首字母 wj、省 搜索 首字母 wj");
  });

  it("refuses a missing text and a text that matches nothing, listing the labels", () => {
    expect(() => onlyArg(["node", "bench.ts", "--only"])).toThrow("--only 后面应写页面名称中的文字");
    expect(() => onlyArg(["node", "bench.ts", "--only", "--skip-load"])).toThrow("--only 后面应写页面名称中的文字");
    expect(() => filterCases(cases, "户页面")).toThrow("--only “户页面” 没有匹配任何一项。可选：搜索 王静、搜索 首字母 wj、台账 第1页");
  });
});
