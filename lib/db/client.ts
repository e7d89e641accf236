// The Prisma clients. Only the data-access layer imports them (see lib/data/scope.ts); the
// import rule is checked by tests/unit/import-boundaries.test.ts.
//
// `prisma` is the primary (DATABASE_URL): every write, and every read that is not routed to the
// replica. `replicaPrisma()` is the read replica (DATABASE_REPLICA_URL), or null when none is
// configured; lib/db/read-routing.ts decides when a read may use it.
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Prisma's own statements (its SQL names every table as "public"."…") become named prepared
 * statements, kept per connection: PostgreSQL then plans a household page's joined read once per
 * connection instead of on every view (planning it cost more than running it). Hand-written
 * SQL ($queryRaw) stays unnamed, so each run is planned for its own values — a search for 王 and
 * one for 王静 want different plans. Long IN lists are not named, so the set of statements stays small.
 */
function statementName(query: { sql: string; args: unknown[] }): string | undefined {
  if (query.args.length > 32 || !query.sql.includes('"public".')) return undefined;
  let name = statementNames.get(query.sql);
  if (name === undefined) {
    name = `prisma_${createHash("sha1").update(query.sql).digest("base64url")}`;
    if (statementNames.size >= STATEMENT_NAMES_MAX) statementNames.clear();
    statementNames.set(query.sql, name);
  }
  return name;
}
/**
 * The names already computed, by SQL text: a page sends the same few dozen shapes on every load,
 * and hashing each statement's text again was CPU on every read (issue 28). Bounded: Prisma's
 * shapes are few, and a full map simply starts over.
 */
const statementNames = new Map<string, string>();
const STATEMENT_NAMES_MAX = 2_000;

function createClient(connectionString: string) {
  const adapter = new PrismaPg(
    { connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) },
    // Typed as always naming; pg runs a query with no name as the unnamed statement, as before.
    { statementNameGenerator: statementName as (query: { sql: string; args: unknown[] }) => string },
  );
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

/** The read replica's client (its own pool, same size, same statement naming), or null when DATABASE_REPLICA_URL is not set. */
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
