// The start the hand-written report tests share: the demo organisations and users, a client of the
// application role, the caseworker and official who write the test's files, the province's auditor
// who reads the reports, and the ids of the organisations the test names.
import pg from "pg";
import { expect } from "vitest";
import { actorFor, createTestUser, orgByCode, seedDemo } from "./factories";

export async function startReportTest(orgCodes: readonly string[]) {
  await seedDemo();
  const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  const caseworker = await actorFor("lz_caseworker");
  const official = await actorFor("lz_official");
  const provinceAuditor = await actorFor((await createTestUser({ orgCode: "GS", roles: ["AUDITOR"] })).username);
  const org: Record<string, string> = {};
  for (const code of orgCodes) org[code] = (await orgByCode(code)).id;
  return { sql, caseworker, official, provinceAuditor, org };
}

/** The demo data pays nothing before mid-2025: a test paying earlier counts only its own entries. */
export async function expectNoDemoPaymentsBeforeMid2025(sql: pg.Client) {
  const { rows } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entry WHERE entry_date < '2025-06-01'");
  expect(rows[0]!.n, "the demo data pays nothing before mid-2025, so every figure below comes from these entries").toBe(0);
}
