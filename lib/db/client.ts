// The Prisma clients. Only the data-access layer imports them (see lib/data/scope.ts); the
// import rule is checked by tests/unit/import-boundaries.test.ts.
//
// `prisma` is the primary (DATABASE_URL): every write, and every read that is not routed to the
// replica. `replicaPrisma()` is the read replica (DATABASE_REPLICA_URL), or null when none is
// configured; lib/db/read-routing.ts decides when a read may use it.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

function createClient(connectionString: string) {
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { bangfuPrisma?: PrismaClient; bangfuReplicaPrisma?: { url: string; client: PrismaClient } };

function getClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start the app with `npm start`.");
  // One pool per process, also across Next.js dev-server module reloads.
  globalForPrisma.bangfuPrisma ??= createClient(connectionString);
  return globalForPrisma.bangfuPrisma;
}

// Created on first use, not at import: `next build` imports server modules without a database.
export const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getClient();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

/** The read replica's client (its own pool, same size), or null when DATABASE_REPLICA_URL is not set. */
export function replicaPrisma(): PrismaClient | null {
  const url = process.env.DATABASE_REPLICA_URL;
  if (!url) return null;
  const cached = globalForPrisma.bangfuReplicaPrisma;
  if (cached?.url === url) return cached.client;
  // The URL changed (tests point the process at another cluster): the old pool is closed.
  void cached?.client.$disconnect().catch(() => {});
  globalForPrisma.bangfuReplicaPrisma = { url, client: createClient(url) };
  return globalForPrisma.bangfuReplicaPrisma.client;
}
