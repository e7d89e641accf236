// Guards issue 28's auditor workbench at speed: the recent unusual payments are read as the newest
// eight of each kind and merged, and reversals are counted as paid here plus held here. What the
// auditor sees must not change: the eight newest unusual payments of the 30 days, newest first,
// ordinary payments (even newer ones) never, another city's never, a household held here that
// another union paid counted and listed in both — written out by hand below.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { findWorkbench, type TWorkbench } from "@/lib/workbench/find-workbench";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let sql: pg.Client;
let actors: Awaited<ReturnType<typeof demoActors>>;
let lzFiles: string[];
const today = todayInShanghai();

const section = (w: TWorkbench) => w.sections.find((s) => s.key === "auditor")!;
const count = (w: TWorkbench, key: string) => section(w).items.find((i) => i.key === key)!.count;
const shown = (w: TWorkbench) => section(w).records!.map((r) => `${r.meta.slice(0, 10)} ${r.label.split(" · ")[1]} ${(r.tags ?? []).join(",")}`);

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  actors = await demoActors();
  const files = async (orgCode: string, series: number, n: number, caseworker: TActor, official: TActor) => {
    const org = await orgByCode(orgCode);
    await insertPayableFiles(sql, { organisationId: org.id, count: n, caseworkerId: caseworker.userId, officialId: official.userId, series });
    const { rows } = await sql.query<{ id: string }>("SELECT id FROM household_file WHERE file_number LIKE $1 ORDER BY file_number", [`BULK${series}-%`]);
    return rows.map((r) => ({ id: r.id, organisationId: org.id }));
  };
  const lz = await files("GSLZCG", 71, 3, actors.lzCaseworker, actors.lzOfficial);
  const ts = await files("GSTS", 72, 1, actors.tsCaseworker, actors.tsOfficial);
  lzFiles = lz.map((f) => f.id);
  const pay = async (file: { id: string; organisationId: string }, amountFen: number, daysAgo: number, by: "lz" | "ts", reverses?: string) => {
    const [caseworker, official] = by === "lz" ? [actors.lzCaseworker, actors.lzOfficial] : [actors.tsCaseworker, actors.tsOfficial];
    return insertApprovedPayment(sql, {
      fileId: file.id,
      organisationId: file.organisationId,
      aidType: "MEDICAL",
      fundSource: "CENTRAL_SPECIAL",
      amountFen,
      purpose: reverses ? "冲正" : "大病医疗救助",
      entryDate: addDays(today, -daysAgo),
      recordedById: caseworker.userId,
      approvedById: official.userId,
      reverses: reverses ? { entryId: reverses, reason: "重复录入" } : undefined,
    });
  };
  // Lanzhou: ten large payments 3..12 days ago (only the newest eight unusual ones are shown), one
  // reversed 2 days ago, a large one 40 days ago (outside the 30 days), and twelve ordinary payments
  // of today and yesterday that are newer than every unusual one.
  for (let d = 3; d <= 12; d++) await pay(lz[d % 3]!, 500000 + d * 100, d, "lz");
  const reversed = await pay(lz[0]!, 700000, 13, "lz");
  await pay(lz[0]!, -700000, 2, "lz", reversed.entryId);
  await pay(lz[1]!, 900000, 40, "lz");
  for (let i = 0; i < 12; i++) await pay(lz[2]!, 10000, i % 2, "lz");
  // Tianshui: a large payment today and a reversal yesterday, never Lanzhou's.
  const tsLarge = await pay(ts[0]!, 800000, 0, "ts");
  await pay(ts[0]!, -800000, 1, "ts", tsLarge.entryId);
});

afterAll(async () => {
  await sql.end();
});

describe("auditor workbench: recent unusual payments", () => {
  it("shows the eight newest unusual payments of the 30 days, newest first, never an ordinary or another city's", async () => {
    const w = await findWorkbench(actors.lzAuditor);
    const day = (n: number) => addDays(today, -n);
    expect(shown(w)).toEqual([
      `${day(2)} -7,000.00 元 冲正`,
      `${day(3)} 5,003.00 元 大额`,
      `${day(4)} 5,004.00 元 大额`,
      `${day(5)} 5,005.00 元 大额`,
      `${day(6)} 5,006.00 元 大额`,
      `${day(7)} 5,007.00 元 大额`,
      `${day(8)} 5,008.00 元 大额`,
      `${day(9)} 5,009.00 元 大额`,
    ]);
    expect(section(w).records!.every((r) => lzFiles.some((id) => r.href === `/files/${id}`))).toBe(true);
    // 3..12 days ago and the reversed one 13 days ago: eleven large payments; one reversal.
    expect([count(w, "large"), count(w, "reversals")]).toEqual([11, 1]);
  });

  it("gives Tianshui only its own", async () => {
    const w = await findWorkbench(actors.tsAuditor);
    expect(shown(w)).toEqual([`${today} 8,000.00 元 大额`, `${addDays(today, -1)} -8,000.00 元 冲正`]);
    expect([count(w, "large"), count(w, "reversals")]).toEqual([1, 1]);
  });

  it("lists and counts a household held here that another union paid, in both unions", async () => {
    // Lanzhou's household moves to Tianshui: its payments stay Lanzhou's (it paid them) and are Tianshui's too.
    await sql.query("UPDATE household_file SET organisation_id = (SELECT id FROM organisation WHERE code = 'GSTS') WHERE id = $1", [lzFiles[0]]);
    try {
      const ts = await findWorkbench(actors.tsAuditor);
      const day = (n: number) => addDays(today, -n);
      // lz[0] was paid 3, 6, 9 and 12 days ago and reversed 2 days ago (of 13 days ago).
      expect(shown(ts)).toEqual([
        `${today} 8,000.00 元 大额`,
        `${day(1)} -8,000.00 元 冲正`,
        `${day(2)} -7,000.00 元 冲正`,
        `${day(3)} 5,003.00 元 大额`,
        `${day(6)} 5,006.00 元 大额`,
        `${day(9)} 5,009.00 元 大额`,
        `${day(12)} 5,012.00 元 大额`,
        `${day(13)} 7,000.00 元 大额`,
      ]);
      expect([count(ts, "large"), count(ts, "reversals")]).toEqual([6, 2]);
      expect([count(await findWorkbench(actors.lzAuditor), "large"), count(await findWorkbench(actors.lzAuditor), "reversals")]).toEqual([11, 1]);
    } finally {
      await sql.query("UPDATE household_file SET organisation_id = (SELECT id FROM organisation WHERE code = 'GSLZCG') WHERE id = $1", [lzFiles[0]]);
    }
  });
});
