// Guards what the 统计报表 form and downloads tell the reader (issue 26): each table downloads
// under its own name (the three 期间救助资金 tables no longer share one), the quality rates are
// defined in Chinese rather than by a repository path, and the form's boxes hold the period shown.
import { describe, expect, it } from "vitest";
import { queryShowing, ZReportQuery } from "@/lib/reports/period";
import { QUALITY_NOTE, reportFileName } from "@/lib/reports/report-tables";

describe("report downloads and words", () => {
  it("names each table's download after its whole title", () => {
    const period = { from: "2026-12-01", to: "2026-12-31" };
    const names = ["期间救助资金（按组织）", "期间救助资金（按救助类型）", "期间救助资金（按资金来源）"].map((title) =>
      reportFileName("兰州市总工会", period, [{ title }]),
    );
    expect(names).toEqual([
      "统计报表-兰州市总工会-2026-12-01至2026-12-31-期间救助资金-按组织.xlsx",
      "统计报表-兰州市总工会-2026-12-01至2026-12-31-期间救助资金-按救助类型.xlsx",
      "统计报表-兰州市总工会-2026-12-01至2026-12-31-期间救助资金-按资金来源.xlsx",
    ]);
    expect(reportFileName("兰州市总工会", period, [{ title: "期末在档户数（截至 2026-12-31）" }])).toBe(
      "统计报表-兰州市总工会-2026-12-01至2026-12-31-期末在档户数-截至 2026-12-31.xlsx",
    );
    expect(reportFileName("兰州市总工会", period, [{ title: "a" }, { title: "b" }])).toBe("统计报表-兰州市总工会-2026-12-01至2026-12-31.xlsx");
  });

  it("defines the quality rates in Chinese, without a repository path", () => {
    expect(QUALITY_NOTE).toMatch(/^说明：错评率 = /);
    for (const rate of ["错评率", "漏退率", "错退率", "漏评率"]) expect(QUALITY_NOTE).toContain(rate);
    expect(QUALITY_NOTE).not.toMatch(/docs\/|\.md|[A-Za-z]{3,}/);
  });

  it("writes the period shown into its own box", () => {
    const month = ZReportQuery.parse({});
    expect(queryShowing(month, { kind: "month", from: "2026-12-01", to: "2026-12-31", label: "2026年12月" })).toMatchObject({
      kind: "month",
      month: "2026-12",
    });
    expect(queryShowing(ZReportQuery.parse({ kind: "quarter" }), { kind: "quarter", from: "2026-10-01", to: "2026-12-31", label: "" }).quarter).toBe("2026-Q4");
    expect(queryShowing(ZReportQuery.parse({ kind: "quarter" }), { kind: "quarter", from: "2026-01-01", to: "2026-03-31", label: "" }).quarter).toBe("2026-Q1");
    expect(queryShowing(ZReportQuery.parse({ kind: "year" }), { kind: "year", from: "2025-01-01", to: "2025-12-31", label: "" }).year).toBe("2025");
    expect(queryShowing(ZReportQuery.parse({ kind: "range" }), { kind: "range", from: "2026-01-01", to: "2026-12-06", label: "" })).toMatchObject({
      from: "2026-01-01",
      to: "2026-12-06",
    });
  });

  it("refuses a fifth quarter with words that say how to write one", () => {
    const parsed = ZReportQuery.safeParse({ kind: "quarter", quarter: "2026-Q5" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe("季度应写作“年份-Q季度”，季度为 1 至 4，如 2026-Q4");
  });
});
