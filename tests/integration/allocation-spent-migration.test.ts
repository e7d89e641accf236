// Guards what an existing database gets when 0065_allocation_spent_sums arrives: the sums
// 资金额度使用情况 reads, filled from the entries already paid (a reversal counted for the union its
// original paid, a bank return and uncollected cash in their own columns), and kept from then on.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApprovedPayment, insertOutcomeReversal, insertPayableFiles } from "../support/ledger-fixtures";
import { insertPayingUnions, migrationDatabase } from "../support/migration-database";

const database = migrationDatabase("allocation_spent_migration_test");
const MIGRATION = "0065_allocation_spent_sums";
let client: pg.Client;

beforeAll(async () => {
  client = await database.open("0064_batch_recon");
}, 120_000);

afterAll(async () => {
  await database.drop(client);
});

describe("0065_allocation_spent_sums on a database that already paid", () => {
  it("fills the daily and monthly sums from the entries, and keeps them from the next entry on", async () => {
    const { province, city, caseworker, cityOfficial, provinceOfficial } = await insertPayingUnions(client);
    for (const [org, fund] of [
      [city, "UNION_FUNDS"],
      [city, "DONATION"],
      [province, "UNION_FUNDS"],
    ])
      await client.query(
        "INSERT INTO allocation (organisation_id, kind, fund_source, amount_fen, entry_date, note) VALUES ($1, 'OPENING', $2, 1000000, '2026-01-01', '期初')",
        [org, fund],
      );
    await insertPayableFiles(client, { organisationId: city, count: 3, caseworkerId: caseworker, officialId: cityOfficial });
    const files = (await client.query<{ id: string }>("SELECT id FROM household_file ORDER BY file_number")).rows.map((r) => r.id);
    const pay = (fileId: string, approvedById: string, amountFen: number, entryDate: string, fundSource = "UNION_FUNDS") =>
      insertApprovedPayment(client, {
        fileId,
        organisationId: city,
        aidType: fundSource === "DONATION" ? "MEDICAL" : "LIVING",
        fundSource: fundSource as "UNION_FUNDS" | "DONATION",
        amountFen,
        entryDate,
        purpose: "救助",
        recordedById: caseworker,
        approvedById,
      });
    const first = await pay(files[0]!, cityOfficial, 100_000, "2026-03-01");
    const returned = await pay(files[1]!, cityOfficial, 50_000, "2026-03-01");
    await pay(files[2]!, cityOfficial, 30_000, "2026-03-20", "DONATION");
    const uncollected = await pay(files[0]!, provinceOfficial, 70_000, "2026-04-02");
    await insertOutcomeReversal(client, returned.entryId, "BANK_RETURN", "2026-03-25");
    await insertOutcomeReversal(client, uncollected.entryId, "UNCLAIMED", "2026-04-05");
    // A correction approved by the province still gives back to the city, which paid the original.
    await insertApprovedPayment(client, {
      fileId: files[0]!,
      organisationId: city,
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      amountFen: -100_000,
      entryDate: "2026-04-10",
      purpose: "冲正",
      recordedById: caseworker,
      approvedById: provinceOfficial,
      reverses: { entryId: first.entryId, reason: "金额录错" },
    });

    expect(await database.migrateTo(MIGRATION)).toEqual([MIGRATION]);

    const kept = async () => ({
      daily: (
        await client.query(
          `SELECT o.code, s.entry_date::text AS day, s.fund_source::text AS fund, s.spent_fen::int AS spent, s.bank_returned_fen::int AS bank, s.unclaimed_fen::int AS unclaimed
             FROM allocation_spent_daily s JOIN organisation o ON o.id = s.paying_organisation_id ORDER BY 2, 3, 1`,
        )
      ).rows,
      monthly: (
        await client.query(
          `SELECT o.code, s.month::text AS month, s.fund_source::text AS fund, s.spent_fen::int AS spent, s.bank_returned_fen::int AS bank, s.unclaimed_fen::int AS unclaimed
             FROM allocation_spent_monthly s JOIN organisation o ON o.id = s.paying_organisation_id ORDER BY 2, 3, 1`,
        )
      ).rows,
    });
    expect(await kept()).toEqual({
      daily: [
        { code: "GSLZ", day: "2026-03-01", fund: "UNION_FUNDS", spent: 150_000, bank: 0, unclaimed: 0 },
        { code: "GSLZ", day: "2026-03-20", fund: "DONATION", spent: 30_000, bank: 0, unclaimed: 0 },
        { code: "GSLZ", day: "2026-03-25", fund: "UNION_FUNDS", spent: -50_000, bank: 50_000, unclaimed: 0 },
        { code: "GS", day: "2026-04-02", fund: "UNION_FUNDS", spent: 70_000, bank: 0, unclaimed: 0 },
        { code: "GS", day: "2026-04-05", fund: "UNION_FUNDS", spent: -70_000, bank: 0, unclaimed: 70_000 },
        { code: "GSLZ", day: "2026-04-10", fund: "UNION_FUNDS", spent: -100_000, bank: 0, unclaimed: 0 },
      ],
      monthly: [
        { code: "GSLZ", month: "2026-03-01", fund: "DONATION", spent: 30_000, bank: 0, unclaimed: 0 },
        { code: "GSLZ", month: "2026-03-01", fund: "UNION_FUNDS", spent: 100_000, bank: 50_000, unclaimed: 0 },
        { code: "GS", month: "2026-04-01", fund: "UNION_FUNDS", spent: 0, bank: 0, unclaimed: 70_000 },
        { code: "GSLZ", month: "2026-04-01", fund: "UNION_FUNDS", spent: -100_000, bank: 0, unclaimed: 0 },
      ],
    });

    // The next payment lands on a filled day and month.
    await pay(files[1]!, cityOfficial, 5_000, "2026-04-10");
    const after = await kept();
    expect(after.daily.find((r) => r.code === "GSLZ" && r.day === "2026-04-10")).toEqual({
      code: "GSLZ",
      day: "2026-04-10",
      fund: "UNION_FUNDS",
      spent: -95_000,
      bank: 0,
      unclaimed: 0,
    });
    expect(after.monthly.find((r) => r.code === "GSLZ" && r.month === "2026-04-01")).toEqual({
      code: "GSLZ",
      month: "2026-04-01",
      fund: "UNION_FUNDS",
      spent: -95_000,
      bank: 0,
      unclaimed: 0,
    });
  });
});
