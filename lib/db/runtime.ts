// What `npm start`, `npm run db:migrate` and `npm run seed` share: the local secrets and the
// choice between DATABASE_URL and the embedded PostgreSQL.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded";
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

/** `url` is what the server connects with (the app role); `migrationUrl` the tables' owner. */
export type TDatabase = { url: string; migrationUrl: string; embedded: boolean; stop: () => Promise<void> };

export async function openDatabase(log: (line: string) => void = () => {}): Promise<TDatabase> {
  const url = process.env.DATABASE_URL;
  // One URL for both still works (the role then owns the tables, and start-up warns about it).
  if (url) return { url, migrationUrl: process.env.MIGRATION_DATABASE_URL || url, embedded: false, stop: async () => {} };
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const db = await startEmbeddedPostgres({
    dataDir: path.join(STATE_DIR, "pgdata"),
    port,
    password: loadLocalSecrets().databasePassword,
    database: "bangfu",
    log,
  });
  let stopped: Promise<void> | undefined;
  return { url: db.url, migrationUrl: db.migrationUrl, embedded: true, stop: () => (stopped ??= db.stop()) };
}
