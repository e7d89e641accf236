// Guards the words of 我的导出's progress line and the status a page shows for an expired file.
import { describe, expect, it } from "vitest";
import { describeExportProgress } from "@/lib/exports/labels";
import { canDownloadExport, exportDisplayStatus } from "@/lib/exports/rules";

describe("export progress", () => {
  it("says how many rows are written of how many, in whole percent", () => {
    expect(describeExportProgress(12_345, 1_022_249)).toBe("已写入 12,345 / 1,022,249 行（1%）");
    expect(describeExportProgress(5_000, 9_999)).toBe("已写入 5,000 / 9,999 行（50%）");
    expect(describeExportProgress(0, 0)).toBe("已写入 0 / 0 行（100%）");
    // Rows recorded after the count was taken are written too; the bar stops at 100 %.
    expect(describeExportProgress(1_002, 1_000)).toBe("已写入 1,002 / 1,000 行（100%）");
    expect(describeExportProgress(7, null)).toBe("已写入 7 行");
  });

  it("shows a finished file past its expiry as expired, not downloadable", () => {
    const now = new Date("2026-12-09T08:00:00Z");
    const job = { status: "SUCCEEDED" as const, expiresAt: new Date("2026-12-09T07:59:59Z") };
    expect(exportDisplayStatus(job, now)).toBe("EXPIRED");
    expect(canDownloadExport(job, now)).toBe(false);
    expect(canDownloadExport({ ...job, expiresAt: new Date("2026-12-09T08:00:01Z") }, now)).toBe(true);
    expect(exportDisplayStatus({ status: "RUNNING", expiresAt: null }, now)).toBe("RUNNING");
  });
});
