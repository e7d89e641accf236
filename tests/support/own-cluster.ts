// A PostgreSQL cluster of the test file's own, in a temporary folder: for tests that back it up
// physically, kill it with -9 or start it again on the same folder — none of which may happen to
// the cluster the other test files share. Points DATABASE_URL (and the Prisma client) at it.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type TEmbeddedDatabase } from "@/lib/postgres/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { seedDemoIfEmpty } from "@/lib/demo/seed-demo";
import { freePort } from "@/lib/net/free-port";

export const CLUSTER_PASSWORD = "own-cluster";

export type TOwnCluster = { dir: string; pgdata: string; port: number; db: TEmbeddedDatabase; restart: () => Promise<void>; dispose: () => Promise<void> };

async function usePrisma(url: string) {
  const client = (globalThis as { bangfuPrisma?: { $disconnect(): Promise<void> } }).bangfuPrisma;
  await client?.$disconnect().catch(() => {});
  (globalThis as { bangfuPrisma?: unknown }).bangfuPrisma = undefined;
  process.env.DATABASE_URL = url;
}

export async function startOwnCluster(prefix: string): Promise<TOwnCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), `bangfu-${prefix}-`));
  // As root the server runs as the `postgres` user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const pgdata = path.join(dir, "pgdata");
  const port = await freePort();
  const cluster: TOwnCluster = {
    dir,
    pgdata,
    port,
    db: await startEmbeddedPostgres({ dataDir: pgdata, port, password: CLUSTER_PASSWORD, database: "bangfu" }),
    /** Starts PostgreSQL again on the same folder (after it was stopped or killed): crash recovery. */
    restart: async () => {
      await usePrisma("postgresql://invalid");
      for (let attempt = 1; ; attempt++) {
        try {
          cluster.db = await startEmbeddedPostgres({ dataDir: pgdata, port, password: CLUSTER_PASSWORD, database: "bangfu" });
          break;
        } catch (error) {
          // Backends of a killed postmaster may take a moment to notice and release its memory.
          if (attempt === 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      await usePrisma(cluster.db.url);
    },
    dispose: async () => {
      await usePrisma("postgresql://invalid");
      await cluster.db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await applyMigrations(cluster.db.migrationUrl);
  await seedDemoIfEmpty(cluster.db.url);
  await usePrisma(cluster.db.url);
  return cluster;
}
