// What `npm start`, `npm run db:migrate`, `npm run seed` and the backup commands share: the local
// secrets and the choice between DATABASE_URL and the embedded PostgreSQL.
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { ensureJobQueueSchema } from "./job-queue";
import { forgetLegacyPassword, loadLocalSecrets } from "./local-secrets";
import { PGDATA_DIR } from "./paths";

export { PGDATA_DIR, PROJECT_DIR, STATE_DIR } from "./paths";
export { loadLocalSecrets, SECRETS_FILE } from "./local-secrets";

export function embeddedPort(): number {
  return Number(process.env.EMBEDDED_PG_PORT ?? 54329);
}

/**
 * `url` is what the server connects with (the app role); `jobsUrl` the job worker's domain work
 * and `jobQueueUrl` its pg-boss; `migrationUrl` the tables' owner; `superuserUrl` (embedded only,
 * with the database) what backups use. Only start-up holds the last two.
 */
export type TDatabase = {
  url: string;
  jobsUrl: string;
  jobQueueUrl: string;
  migrationUrl: string;
  superuserUrl?: string;
  embedded: boolean;
  /** The embedded cluster's real folder; undefined with DATABASE_URL. */
  dataDir?: string;
  stop: () => Promise<void>;
};

/** `ownProcessGroup`: npm start's database is not reached by a terminal's Ctrl-C (see lib/postgres/embedded.ts). */
export async function openDatabase(
  options: { log?: (line: string) => void; ownProcessGroup?: boolean; waitForOtherClientsMs?: number } = {},
): Promise<TDatabase> {
  const log = options.log ?? (() => {});
  const url = process.env.DATABASE_URL;
  if (url) {
    // One URL for both still works (the role then owns the tables, and start-up warns about it).
    // pg-boss creates its schema itself here, so by default it connects as the owner.
    const migrationUrl = process.env.MIGRATION_DATABASE_URL || url;
    return { url, jobsUrl: url, jobQueueUrl: process.env.PGBOSS_DATABASE_URL || migrationUrl, migrationUrl, embedded: false, stop: async () => {} };
  }
  const secrets = loadLocalSecrets();
  const db = await startEmbeddedPostgres({
    dataDir: PGDATA_DIR,
    port: embeddedPort(),
    passwords: secrets.databasePasswords,
    legacyPassword: secrets.databasePassword,
    database: "bangfu",
    ownProcessGroup: options.ownProcessGroup,
    waitForOtherClientsMs: options.waitForOtherClientsMs,
    log,
  });
  // Every role now has its own secret in the database: the shared one of before opens nothing.
  forgetLegacyPassword();
  const superuserUrl = `${db.superuserUrl}/bangfu`;
  await ensureJobQueueSchema(superuserUrl);
  return {
    url: db.url,
    jobsUrl: db.jobsUrl,
    jobQueueUrl: db.jobsUrl,
    migrationUrl: db.migrationUrl,
    superuserUrl,
    embedded: true,
    dataDir: db.dataDir,
    stop: db.stop,
  };
}
