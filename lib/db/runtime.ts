// What `npm start`, `npm run db:migrate`, `npm run seed` and the backup commands share: the local
// secrets and the choice between DATABASE_URL and the embedded PostgreSQL.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded";
import { PGDATA_DIR, STATE_DIR } from "./paths";

export { PGDATA_DIR, PROJECT_DIR, STATE_DIR } from "./paths";

type TSecrets = { databasePassword: string; authSecret: string };

export const SECRETS_FILE = () => path.join(STATE_DIR, "secrets.json");

/** Generated on first start and kept, so sessions and the embedded database survive restarts. */
export function loadLocalSecrets(): TSecrets {
  const file = SECRETS_FILE();
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as TSecrets;
  mkdirSync(STATE_DIR, { recursive: true });
  const secrets = { databasePassword: randomBytes(18).toString("base64url"), authSecret: randomBytes(32).toString("base64url") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function embeddedPort(): number {
  return Number(process.env.EMBEDDED_PG_PORT ?? 54329);
}

/**
 * `url` is what the server connects with (the app role); `migrationUrl` the tables' owner;
 * `superuserUrl` (embedded only, with the database) what backups use.
 */
export type TDatabase = {
  url: string;
  migrationUrl: string;
  superuserUrl?: string;
  embedded: boolean;
  /** The embedded cluster's real folder; undefined with DATABASE_URL. */
  dataDir?: string;
  stop: () => Promise<void>;
};

export async function openDatabase(log: (line: string) => void = () => {}): Promise<TDatabase> {
  const url = process.env.DATABASE_URL;
  // One URL for both still works (the role then owns the tables, and start-up warns about it).
  if (url) return { url, migrationUrl: process.env.MIGRATION_DATABASE_URL || url, embedded: false, stop: async () => {} };
  const db = await startEmbeddedPostgres({
    dataDir: PGDATA_DIR,
    port: embeddedPort(),
    password: loadLocalSecrets().databasePassword,
    database: "bangfu",
    log,
  });
  return { url: db.url, migrationUrl: db.migrationUrl, superuserUrl: `${db.superuserUrl}/bangfu`, embedded: true, dataDir: db.dataDir, stop: db.stop };
}
