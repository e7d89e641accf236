// Guards issue 28's bounded count on the auditor's workbench (工作台): large payments of the last 30
// days are counted up to a bound and shown as "超过 N 笔" past it, never a guess; below or at the
// bound the count is exact; another city's payments (Tianshui, the attacker) are never counted in
// Lanzhou's (the victim's) figure, and Lanzhou's never in Tianshui's.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { findWorkbench, type TWorkbench } from "@/lib/workbench/find-workbench";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let sql: pg.Client;
let lzAuditor: TActor;
let tsAuditor: TActor;

const large = (workbench: TWorkbench) => workbench.sections.flatMap((s) => s.items).find((i) => i.key === "large")!;

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  const actors = await demoActors();
  ({ lzAuditor, tsAuditor } = actors);
  const pay = async (orgCode: string, series: number, amounts: number[], caseworker: TActor, official: TActor) => {
    const org = await orgByCode(orgCode);
    await insertPayableFiles(sql, { organisationId: org.id, count: amounts.length, caseworkerId: caseworker.userId, officialId: official.userId, series });
    const { rows } = await sql.query<{ id: string }>("SELECT id FROM household_file WHERE file_number LIKE $1 ORDER BY file_number", [`BULK${series}-%`]);
    for (const [i, amountFen] of amounts.entries()) {
      await insertApprovedPayment(sql, {
        fileId: rows[i]!.id,
        organisationId: org.id,
        aidType: "MEDICAL",
        fundSource: "CENTRAL_SPECIAL",
        amountFen,
        purpose: "大病医疗救助",
        recordedById: caseworker.userId,
        approvedById: official.userId,
      });
    }
  };
  // Lanzhou: three payments of 5,000 元 or more (the demo policy's 大额) and one of 4,999.99 元.
  await pay("GSLZCG", 1, [500000, 600000, 900000, 499999], actors.lzCaseworker, actors.lzOfficial);
  // Tianshui: one large payment.
  await pay("GSTS", 2, [800000], actors.tsCaseworker, actors.tsOfficial);
});

afterAll(async () => {
  await sql.end();
});

describe("auditor workbench: large payments", () => {
  it("counts exactly below and at the bound, and links to the ledger filtered by the amount", async () => {
    const exact = large(await findWorkbench(lzAuditor));
    expect([exact.count, exact.countAtLeast, exact.detail]).toEqual([3, false, undefined]);
    expect(exact.title).toBe("单笔 5,000 元及以上的发放");
    expect(exact.href).toBe("/ledger?min=5000");
    const atBound = large(await findWorkbench(lzAuditor, { largeCountLimit: 3 }));
    expect([atBound.count, atBound.countAtLeast]).toEqual([3, false]);
  });

  it("says 超过 past the bound instead of counting on", async () => {
    const bounded = large(await findWorkbench(lzAuditor, { largeCountLimit: 2 }));
    expect([bounded.count, bounded.countAtLeast, bounded.detail]).toEqual([2, true, "超过 2 笔，在台账中按金额查看全部"]);
  });

  it("never counts another city's payments", async () => {
    expect(large(await findWorkbench(tsAuditor)).count).toBe(1);
    expect([large(await findWorkbench(tsAuditor, { largeCountLimit: 1 })).countAtLeast]).toEqual([false]);
  });
});
