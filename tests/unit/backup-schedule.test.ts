// The daily backup runs at a Beijing wall-clock time (UTC+8, no daylight saving time).
import { afterEach, describe, expect, it } from "vitest";
import { backupTime, nextBackupAt } from "@/lib/backup/schedule";
import { backupKeep } from "@/lib/backup/run-backup";

afterEach(() => {
  delete process.env.BANGFU_BACKUP_TIME;
  delete process.env.BANGFU_BACKUP_KEEP;
});

describe("daily backup time", () => {
  it("is later the same Beijing day when that time has not come yet", () => {
    // 2026-12-01 20:00 Beijing = 12:00 UTC; 23:30 Beijing = 15:30 UTC.
    expect(nextBackupAt(new Date("2026-12-01T12:00:00Z"), { hour: 23, minute: 30 }).toISOString()).toBe("2026-12-01T15:30:00.000Z");
  });

  it("is the next Beijing day once that time has passed, also across a UTC date line", () => {
    // 2026-12-02 07:30 Beijing = 2026-12-01 23:30 UTC; next 02:30 Beijing is 2026-12-03 02:30 Beijing = 2026-12-02 18:30 UTC.
    expect(nextBackupAt(new Date("2026-12-01T23:30:00Z"), { hour: 2, minute: 30 }).toISOString()).toBe("2026-12-02T18:30:00.000Z");
    // Exactly at the time: the next run is a day later, not now again.
    expect(nextBackupAt(new Date("2026-12-02T18:30:00Z"), { hour: 2, minute: 30 }).toISOString()).toBe("2026-12-03T18:30:00.000Z");
  });

  it("reads BANGFU_BACKUP_TIME and BANGFU_BACKUP_KEEP and refuses bad values in Chinese", () => {
    expect(backupTime()).toEqual({ hour: 2, minute: 30 });
    process.env.BANGFU_BACKUP_TIME = "23:05";
    expect(backupTime()).toEqual({ hour: 23, minute: 5 });
    process.env.BANGFU_BACKUP_TIME = "24:00";
    expect(() => backupTime()).toThrow("BANGFU_BACKUP_TIME 应为 24 小时制");
    expect(backupKeep()).toBe(7);
    process.env.BANGFU_BACKUP_KEEP = "0";
    expect(() => backupKeep()).toThrow("BANGFU_BACKUP_KEEP 应为 1–1000 之间的整数");
  });
});
