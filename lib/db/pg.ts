// The one door to the `pg` driver for application code (decision 027). Prisma's own pool is made in
// lib/db/client.ts; every other connection — the export worker's locks and LISTEN, migrations,
// roles, the backup — is opened here, and each statement it sends is checked like raw SQL through
// scopedDb: a statement that reads a table of an organisation's is refused, unless the connection
// was opened as infrastructure, naming why it reads every organisation's rows (the owner migrating
// or copying the database). tests/unit/import-boundaries.test.ts keeps `import pg` to this file.
import pg from "pg";
import { checkStatementScope } from "@/lib/db/statement-scope";

export type { ClientBase, ClientConfig, PoolClient, QueryResult } from "pg";

type TPurpose = {
  /**
   * Why this connection reads rows of every organisation (it is infrastructure, not a user's
   * request): its statements are not checked. Without it, a statement naming a scoped table is refused.
   */
  infrastructure?: string;
};

function statementText(args: unknown[]): string | null {
  const first = args[0] as string | { text?: unknown } | undefined;
  if (typeof first === "string") return first;
  if (first && typeof first === "object" && typeof first.text === "string") return first.text;
  return null;
}

/** Refuses a statement that reads a scoped table on a connection that is not infrastructure. */
export function assertPgStatementScoped(args: unknown[]) {
  const text = statementText(args);
  if (text === null) return;
  const verdict = checkStatementScope(text);
  if (!verdict.ok) {
    throw new Error(
      `a pg client statement reads ${verdict.table} (${verdict.reference}) outside any scope: read it through scopedDb, or open the connection with pgClient(config, { infrastructure: reason })`,
    );
  }
}

/** A `pg.Client`; its statements are checked unless `purpose.infrastructure` says why not. */
export function pgClient(config: string | pg.ClientConfig, purpose: TPurpose = {}): pg.Client {
  const client = new pg.Client(config);
  if (purpose.infrastructure) return client;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    try {
      assertPgStatementScoped(args);
    } catch (error) {
      // As a failed query: the caller's await (or .catch) sees it, and nothing was sent.
      return Promise.reject(error);
    }
    return query(...args);
  };
  return client;
}

/** A `pg.Pool` whose `query` is checked like `pgClient`'s (the replica write mark's small pool). */
export function pgPool(config: pg.PoolConfig, purpose: TPurpose = {}): pg.Pool {
  const pool = new pg.Pool(config);
  if (purpose.infrastructure) return pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    try {
      assertPgStatementScoped(args);
    } catch (error) {
      return Promise.reject(error);
    }
    return query(...args);
  };
  return pool;
}
