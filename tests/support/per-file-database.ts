// Each test file works on a fresh copy of the migrated template database, so files cannot see
// each other's data and may run in parallel.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";

const serverUrl = inject("pgServerUrl");
const name = `test_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
await admin.connect();
await admin.query(`CREATE DATABASE ${name} TEMPLATE bangfu_template`);
await admin.end();

process.env.DATABASE_URL = `${serverUrl}/${name}`;
// The Prisma client is cached on globalThis; a worker reused from an earlier file must not keep its pool.
(globalThis as { bangfuPrisma?: unknown }).bangfuPrisma = undefined;

afterAll(async () => {
  const client = (globalThis as { bangfuPrisma?: { $disconnect(): Promise<void> } }).bangfuPrisma;
  await client?.$disconnect();
});
