// One embedded PostgreSQL for the whole vitest run, in a temporary folder. Migrations are applied
// once to a template database; every test file then gets its own copy (per-file-database.ts).
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { freePort } from "@/lib/net/free-port";
import { skipDiskWaits } from "./throwaway-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    /** The cluster as `postgres` (no database in the URL): for creating and dropping databases. */
    pgServerUrl: string;
    /** The cluster as the tables' owner, bangfu_owner (migrations, DDL in tests). */
    pgOwnerServerUrl: string;
    /** The cluster as the application role, bangfu_server: what the tests' DATABASE_URL uses. */
    pgAppServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), "bangfu-test-pg-"));
  // As root the server runs as the `postgres` user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), port: await freePort(), password: "test", database: "bangfu_template" });
  await skipDiskWaits(db.superuserUrl);
  // Migrated as the owner, like `npm start`; the tests then run as the application role.
  await applyMigrations(db.migrationUrl);
  const server = (url: string) => url.replace(/\/bangfu_template$/, "");
  project.provide("pgServerUrl", db.superuserUrl);
  project.provide("pgOwnerServerUrl", server(db.migrationUrl));
  project.provide("pgAppServerUrl", server(db.url));
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
