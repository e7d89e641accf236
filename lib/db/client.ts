// The one Prisma client. Only the data-access layer imports it (see lib/data/scope.ts); the
// import rule is checked by tests/unit/import-boundaries.test.ts.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

function createClient() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start the app with `npm start`.");
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { bangfuPrisma?: PrismaClient };

function getClient(): PrismaClient {
  // One pool per process, also across Next.js dev-server module reloads.
  globalForPrisma.bangfuPrisma ??= createClient();
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

