// Each test file works on a fresh copy of the migrated template database, so files cannot see
// each other's data and may run in parallel.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";

const serverUrl = inject("pgServerUrl");
const name = `test_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
await admin.connect();
// The copy keeps the template's owner (bangfu_owner) on every table and its grants to bangfu_app.
await admin.query(`CREATE DATABASE ${name} TEMPLATE bangfu_template OWNER bangfu_owner`);
await admin.end();

// The code under test connects as the application role, exactly as the server does; tests that
// need the owner (migrations, deliberate DDL) use MIGRATION_DATABASE_URL.
process.env.DATABASE_URL = `${inject("pgAppServerUrl")}/${name}`;
process.env.MIGRATION_DATABASE_URL = `${inject("pgOwnerServerUrl")}/${name}`;
// The Prisma client is cached on globalThis; a worker reused from an earlier file must not keep its pool.
(globalThis as { bangfuPrisma?: unknown }).bangfuPrisma = undefined;

afterAll(async () => {
  const client = (globalThis as { bangfuPrisma?: { $disconnect(): Promise<void> } }).bangfuPrisma;
  await client?.$disconnect();
});
