// Guards what an existing database gets when 0065_allocation_spent_sums arrives: the sums
// 资金额度使用情况 reads, filled from the entries already paid (a reversal counted for the union its
// original paid, a bank return and uncollected cash in their own columns), and kept from then on.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIR } from "@/lib/db/migrate";
import { insertApprovedPayment, insertOutcomeReversal, insertPayableFiles } from "../support/ledger-fixtures";

const serverUrl = inject("pgServerUrl");
const DB = "allocation_spent_migration_test";
const MIGRATION = "0065_allocation_spent_sums";
let client: pg.Client;
const dirs: string[] = [];

async function migrations(keep: (name: string) => boolean) {
  const dir = await mkdtemp(path.join(tmpdir(), "bangfu-spent-migrations-"));
  dirs.push(dir);
  for (const name of (await readdir(MIGRATIONS_DIR)).filter((n) => /^\d{4}_/.test(n) && keep(n))) {
    await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  await applyMigrations(`${serverUrl}/${DB}`, await migrations((n) => n < MIGRATION));
  client = new pg.Client({ connectionString: `${serverUrl}/${DB}` });
  await client.connect();
}, 120_000);

afterAll(async () => {
  await client.end();
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("0065_allocation_spent_sums on a database that already paid", () => {
  it("fills the daily and monthly sums from the entries, and keeps them from the next entry on", async () => {
    const one = async (text: string, values: unknown[] = []) => (await client.query<{ id: string }>(text, values)).rows[0]!.id;
    const province = await one(
      "INSERT INTO organisation (name, code, level, region_code, path, depth) VALUES ('甘肃省总工会', 'GS', 'PROVINCE', '620000', '', 0) RETURNING id",
    );
    const city = await one(
      "INSERT INTO organisation (name, code, level, region_code, parent_id, path, depth) VALUES ('兰州市总工会', 'GSLZ', 'CITY', '620100', $1, '', 0) RETURNING id",
      [province],
    );
    const user = (name: string, org: string, role: string) =>
      one("INSERT INTO app_user (username, name, organisation_id, roles, password_hash) VALUES ($1, $1, $2, $3::role[], 'x') RETURNING id", [
        name,
        org,
        [role],
      ]);
    const caseworker = await user("lz_caseworker", city, "CASEWORKER");
    const cityOfficial = await user("lz_official", city, "OFFICIAL");
    const provinceOfficial = await user("gs_official", province, "OFFICIAL");
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

    expect(await applyMigrations(`${serverUrl}/${DB}`, await migrations((n) => n <= MIGRATION))).toEqual([MIGRATION]);

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
