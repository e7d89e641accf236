// One embedded PostgreSQL for the whole vitest run, in a temporary folder. Migrations are applied
// once to a template database; every test file then gets its own copy (per-file-database.ts).
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), "bangfu-test-pg-"));
  // As root the server runs as the `postgres` user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), port: await freePort(), password: "test", database: "bangfu_template" });
  await applyMigrations(db.url);
  project.provide("pgServerUrl", db.url.replace(/\/bangfu_template$/, ""));
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
