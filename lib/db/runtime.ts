// What `npm start`, `npm run db:migrate` and `npm run seed` share: the local secrets and the
// choice between DATABASE_URL and the embedded PostgreSQL.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type TEmbeddedDatabase } from "./embedded";
import { STATE_DIR } from "./paths";

export { PROJECT_DIR, STATE_DIR } from "./paths";

type TSecrets = { databasePassword: string; authSecret: string };

/** Generated on first start and kept, so sessions and the embedded database survive restarts. */
export function loadLocalSecrets(): TSecrets {
  const file = path.join(STATE_DIR, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as TSecrets;
  mkdirSync(STATE_DIR, { recursive: true });
  const secrets = { databasePassword: randomBytes(18).toString("base64url"), authSecret: randomBytes(32).toString("base64url") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export type TDatabase = TEmbeddedDatabase & { embedded: boolean };

export async function openDatabase(log: (line: string) => void = () => {}): Promise<TDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) return { url, embedded: false, stop: async () => {} };
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const dataDir = path.join(STATE_DIR, "pgdata");
  const password = loadLocalSecrets().databasePassword;
  // `npm run seed` or `npm run bench` while `npm start` runs: use the running instance (it is ours
  // if it serves this data directory) and leave it running.
  const running = await runningEmbedded(port, password, dataDir);
  if (running) return { url: running, embedded: true, stop: async () => {} };
  const db = await startEmbeddedPostgres({ dataDir, port, password, database: "bangfu", log });
  let stopped: Promise<void> | undefined;
  return { url: db.url, embedded: true, stop: () => (stopped ??= db.stop()) };
}

/** The URL of an embedded PostgreSQL already serving `dataDir` on the port, or null. */
async function runningEmbedded(port: number, password: string, dataDir: string): Promise<string | null> {
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/bangfu`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>("SHOW data_directory");
    return path.resolve(rows[0]!.data_directory) === path.resolve(dataDir) ? url : null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}
