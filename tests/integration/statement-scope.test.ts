// Decision 027: the statement check at run time. Raw SQL through scopedDb is refused when a second
// scoped table in the statement has no scope of its own (one fragment no longer lets it through),
// before anything is read or written; a `pg` client statement naming a scoped table is refused
// unless the connection is declared infrastructure. The features' own statements pass (their
// integration tests run through the same check).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { pgClient } from "@/lib/db/pg";
import { Prisma } from "@/lib/generated/prisma/client";
import { demoActors, seedDemo } from "../support/factories";

let official: TActor;
let owner: pg.Client;

beforeAll(async () => {
  await seedDemo();
  official = (await demoActors()).lzOfficial;
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
});

describe("raw SQL through scopedDb", () => {
  it("refuses a second scoped table that has no fragment of its own, and writes nothing", async () => {
    const db = scopedDb(official);
    const inScope = db.$orgInScope(Prisma.sql`f.organisation_id`);
    const [one] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*)::bigint AS n FROM household_file f WHERE ${inScope}`;
    expect(typeof one.n).toBe("bigint");
    // Planted: audit rows of every union beside the files in scope.
    await expect(db.$queryRaw`SELECT count(*) FROM household_file f, audit_event a WHERE ${inScope}`).rejects.toThrow("it reads audit_event (a)");
    await expect(db.$queryRaw`SELECT f.id, (SELECT count(*) FROM ledger_entry e) FROM household_file f WHERE ${inScope}`).rejects.toThrow(
      "it reads ledger_entry (e)",
    );
    const before = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM visit");
    await expect(db.$executeRaw`DELETE FROM visit v USING household_file f WHERE v.note = 'x' AND ${inScope}`).rejects.toThrow("it reads visit (v)");
    expect((await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM visit")).rows[0]!.n).toBe(before.rows[0]!.n);
    // With its own scope, the same read passes.
    const [two] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*)::bigint AS n FROM household_file f JOIN visit v ON v.file_id = f.id WHERE ${inScope}`;
    expect(Number(two.n)).toBeGreaterThanOrEqual(0);
  });
});

describe("pg clients", () => {
  it("refuses a statement of a scoped table on an application connection; locks and infrastructure pass", async () => {
    const app = pgClient({ connectionString: process.env.DATABASE_URL, application_name: "bangfu-test" });
    await app.connect();
    try {
      // Planted: an export worker's lock connection reading files.
      await expect(app.query("SELECT count(*) FROM household_file")).rejects.toThrow("a pg client statement reads household_file");
      await expect(app.query({ text: "SELECT f.id FROM household_file f JOIN ledger_entry e ON e.file_id = f.id" })).rejects.toThrow("outside any scope");
      const { rows } = await app.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS held", ["statement-scope-test"]);
      expect(rows[0]!.held).toBe(true);
    } finally {
      await app.end();
    }
    const infra = pgClient({ connectionString: process.env.MIGRATION_DATABASE_URL }, { infrastructure: "the test reads as the owner" });
    await infra.connect();
    try {
      const { rows } = await infra.query<{ n: number }>("SELECT count(*)::int AS n FROM household_file");
      expect(typeof rows[0]!.n).toBe("number");
    } finally {
      await infra.end();
    }
  });
});
