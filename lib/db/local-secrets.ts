// `<data dir>/secrets.json`: the session secret and one password per database role of the embedded
// PostgreSQL. Before issue 22 a single `databasePassword` served every role, so the web server's
// password was also the owner's and the superuser's: whoever read it could rewrite history. Each
// role now has its own secret, and each process is given only its own (scripts/start.ts):
//   postgres            superuser: start-up, backups, replica set-up; never a child process
//   bangfu_owner        owns every table: migrations at start-up; never a child process
//   bangfu_server       the web server (member of bangfu_app)
//   bangfu_jobs         the job worker (member of bangfu_app, owns only the schema pgboss)
//   bangfu_replication  a read replica's streaming connection (npm run db:replica)
// A file from before keeps its `databasePassword` until start-up has given every role its own
// secret (lib/postgres/embedded.ts logs in with it once), then it is dropped from the file.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STATE_DIR } from "./paths";

export const DATABASE_ROLES = ["postgres", "bangfu_owner", "bangfu_server", "bangfu_jobs", "bangfu_replication"] as const;
export type TDatabaseRole = (typeof DATABASE_ROLES)[number];
export type TDatabasePasswords = Record<TDatabaseRole, string>;

export type TLocalSecrets = {
  authSecret: string;
  databasePasswords: TDatabasePasswords;
  /** The one password of every role before issue 22; present only until the roles have their own. */
  databasePassword?: string;
};

export const SECRETS_FILE = () => path.join(STATE_DIR, "secrets.json");

const newSecret = (bytes = 18) => randomBytes(bytes).toString("base64url");

/** The same password for every role: only for throw-away test clusters. */
export function samePasswords(password: string): TDatabasePasswords {
  return Object.fromEntries(DATABASE_ROLES.map((role) => [role, password])) as TDatabasePasswords;
}

/** Replaces the file in one step (a crash leaves the old or the new file, never half of one), readable only by its owner. */
export function writeLocalSecrets(secrets: TLocalSecrets, file = SECRETS_FILE()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * Generated on first start and kept, so sessions and the embedded database survive restarts. A
 * file missing a role's secret (one from before issue 22, or before a role existed) gets a new
 * random one written to it at once; the database learns it at the next start of the embedded
 * cluster (ensureEmbeddedRoles).
 */
export function loadLocalSecrets(file = SECRETS_FILE()): TLocalSecrets {
  const found = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<TLocalSecrets>) : {};
  const passwords: Partial<TDatabasePasswords> = { ...found.databasePasswords };
  const missing = DATABASE_ROLES.filter((role) => !passwords[role]);
  for (const role of missing) passwords[role] = newSecret();
  const secrets: TLocalSecrets = {
    authSecret: found.authSecret ?? newSecret(32),
    databasePasswords: passwords as TDatabasePasswords,
    ...(found.databasePassword ? { databasePassword: found.databasePassword } : {}),
  };
  if (missing.length > 0 || !found.authSecret) writeLocalSecrets(secrets, file);
  return secrets;
}

/** Once every role has its own secret in the database, the shared one of before is forgotten. */
export function forgetLegacyPassword(file = SECRETS_FILE()): void {
  if (!existsSync(file)) return;
  const found = JSON.parse(readFileSync(file, "utf8")) as TLocalSecrets;
  if (found.databasePassword === undefined) return;
  delete found.databasePassword;
  writeLocalSecrets(found, file);
}
