// Guards what an existing database gets when 0031_allocations arrives (docs/decisions/023): every
// entry's paying union derived (a reversal's from its original), an OPENING allocation per union,
// fund and year equal to what it had spent, balances at zero — and from then on nothing is paid
// without an allocation.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";
import { insertPayingUnions, migrationDatabase } from "../support/migration-database";

const database = migrationDatabase("allocations_migration_test");
let client: pg.Client;

beforeAll(async () => {
  client = await database.open("0030_reversal_kind");
});

afterAll(async () => {
  await database.drop(client);
});

describe("0031_allocations on a database that already paid", () => {
  it("opens each paying union's year at exactly what it spent, and then pays nothing without an allocation", async () => {
    const { province, city, caseworker, cityOfficial, provinceOfficial } = await insertPayingUnions(client);
    await insertPayableFiles(client, { organisationId: city, count: 3, caseworkerId: caseworker, officialId: cityOfficial });
    const files = (await client.query<{ id: string }>("SELECT id FROM household_file ORDER BY file_number")).rows.map((r) => r.id);
    const pay = (fileId: string, approvedById: string, amountFen: number, entryDate: string) =>
      insertApprovedPayment(client, {
        fileId,
        organisationId: city,
        aidType: "LIVING",
        fundSource: "CENTRAL_SPECIAL",
        amountFen,
        entryDate,
        purpose: "生活救助",
        recordedById: caseworker,
        approvedById,
      });
    await pay(files[0]!, cityOfficial, 100_000, "2025-03-01");
    const reversed = await pay(files[1]!, cityOfficial, 50_000, "2026-02-01");
    await insertApprovedPayment(client, {
      fileId: files[1]!,
      organisationId: city,
      aidType: "LIVING",
      fundSource: "CENTRAL_SPECIAL",
      amountFen: -50_000,
      entryDate: "2026-02-10",
      purpose: "冲正",
      recordedById: caseworker,
      approvedById: provinceOfficial,
      reverses: { entryId: reversed.entryId, reason: "账号错误" },
    });
    await pay(files[2]!, provinceOfficial, 30_000, "2026-05-01");

    expect(await database.migrateTo("0031_allocations")).toEqual(["0031_allocations"]);

    // The reversal gives back to the city (its original's payer), though a province official approved it.
    const payers = (
      await client.query<{ amount_fen: number; paying_organisation_id: string }>(
        "SELECT amount_fen, paying_organisation_id FROM ledger_entry ORDER BY entry_date",
      )
    ).rows;
    expect(payers).toEqual([
      { amount_fen: 100_000, paying_organisation_id: city },
      { amount_fen: 50_000, paying_organisation_id: city },
      { amount_fen: -50_000, paying_organisation_id: city },
      { amount_fen: 30_000, paying_organisation_id: province },
    ]);
    const openings = (
      await client.query("SELECT organisation_id, fund_source::text, amount_fen::int, entry_date::text, note FROM allocation ORDER BY entry_date")
    ).rows;
    expect(openings).toEqual([
      { organisation_id: city, fund_source: "CENTRAL_SPECIAL", amount_fen: 100_000, entry_date: "2025-01-01", note: "期初额度：启用额度管理前已支出的金额" },
      { organisation_id: province, fund_source: "CENTRAL_SPECIAL", amount_fen: 30_000, entry_date: "2026-01-01", note: "期初额度：启用额度管理前已支出的金额" },
    ]);
    const balances = (await client.query("SELECT organisation_id, year, balance_fen::int FROM allocation_balance ORDER BY year, organisation_id")).rows;
    expect(balances.every((b) => b.balance_fen === 0)).toBe(true);
    await expect(pay(files[0]!, cityOfficial, 1, "2026-06-01")).rejects.toThrow(/allocation_exceeded/);
  });
});
