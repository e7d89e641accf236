// The database roles Bangfu runs under (docs/decisions/009-database-roles.md):
//   - the OWNER owns every table and runs the migrations;
//   - the server logs in as a role that owns nothing and is a member of the NOLOGIN group role
//     bangfu_app, to which the migrations grant exactly what the application may do
//     (bangfu_apply_grants() in prisma/migrations/0008_duties_and_app_role);
//   - the job worker logs in as a role of its own, also a member of bangfu_app, that owns only the
//     schema `pgboss` (pg-boss creates a table per queue and migrates its schema itself).
// Every login role has its own password (lib/db/local-secrets.ts). On the embedded database
// start-up creates the login roles itself; on a server of your own the DBA does (README, "Using
// your own PostgreSQL server").
import type pg from "pg";
import { pgClient } from "@/lib/db/pg";
import type { TDatabasePasswords } from "./local-secrets";

/** The group role every grant names. A server's own login roles only need to be members of it. */
export const APP_GROUP_ROLE = "bangfu_app";
/** The embedded database's login roles. */
export const EMBEDDED_OWNER_ROLE = "bangfu_owner";
export const EMBEDDED_SERVER_ROLE = "bangfu_server";
export const EMBEDDED_JOBS_ROLE = "bangfu_jobs";

const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Creates (or brings up to date) the group role and the login roles, as the superuser of an
 * embedded cluster, and sets every role's password — the superuser's own included — to its own
 * secret. No login role is a superuser or may create roles or databases.
 */
export async function ensureEmbeddedRoles(admin: pg.Client, passwords: TDatabasePasswords): Promise<void> {
  const logins = {
    [EMBEDDED_OWNER_ROLE]: passwords.bangfu_owner,
    [EMBEDDED_SERVER_ROLE]: passwords.bangfu_server,
    [EMBEDDED_JOBS_ROLE]: passwords.bangfu_jobs,
  };
  const existing = new Set(
    (await admin.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", [[APP_GROUP_ROLE, ...Object.keys(logins)]])).rows.map(
      (r) => r.rolname,
    ),
  );
  if (!existing.has(APP_GROUP_ROLE)) await admin.query(`CREATE ROLE ${APP_GROUP_ROLE} NOLOGIN`);
  for (const [role, password] of Object.entries(logins)) {
    const options = `LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD ${quoteLiteral(password)}`;
    await admin.query(existing.has(role) ? `ALTER ROLE ${role} ${options}` : `CREATE ROLE ${role} ${options}`);
  }
  await admin.query(`GRANT ${APP_GROUP_ROLE} TO ${EMBEDDED_SERVER_ROLE}, ${EMBEDDED_JOBS_ROLE}`);
  await admin.query(`ALTER ROLE postgres PASSWORD ${quoteLiteral(passwords.postgres)}`);
}

/**
 * An embedded database created before the owner role existed belongs to `postgres`: hand the
 * database and everything in its public schema to the owner role, so the migrations (run as the
 * owner) can grant on it. Safe to run every start; it does nothing once done.
 */
export async function adoptDatabase(superuserDbUrl: string, database: string): Promise<void> {
  const client = pgClient({ connectionString: superuserDbUrl }, { infrastructure: "creating the roles and their passwords, as the superuser" });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${database}" OWNER TO ${EMBEDDED_OWNER_ROLE}`);
    await client.query(`DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relowner <> '${EMBEDDED_OWNER_ROLE}'::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        LOOP EXECUTE format('ALTER TABLE %s OWNER TO ${EMBEDDED_OWNER_ROLE}', r.obj); END LOOP;
        -- Sequences of serial columns moved with their tables; only free-standing ones are left.
        FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relowner <> '${EMBEDDED_OWNER_ROLE}'::regrole AND c.relkind = 'S'
        LOOP EXECUTE format('ALTER SEQUENCE %s OWNER TO ${EMBEDDED_OWNER_ROLE}', r.obj); END LOOP;
        FOR r IN SELECT t.oid::regtype AS obj FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspname = 'public' AND t.typowner <> '${EMBEDDED_OWNER_ROLE}'::regrole AND t.typtype IN ('e', 'd')
        LOOP EXECUTE format('ALTER TYPE %s OWNER TO ${EMBEDDED_OWNER_ROLE}', r.obj); END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND p.proowner <> '${EMBEDDED_OWNER_ROLE}'::regrole
        LOOP EXECUTE format('ALTER ROUTINE %s OWNER TO ${EMBEDDED_OWNER_ROLE}', r.obj); END LOOP;
      END $$`);
  } finally {
    await client.end();
  }
}

/** Whether the role a URL logs in as could rewrite history: a superuser, or the owner of a table. */
export async function describeRoleRisk(url: string): Promise<string | null> {
  const client = pgClient({ connectionString: url }, { infrastructure: "checking a role's login" });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolsuper: boolean; owned: number }>(`
      SELECT r.rolsuper, (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owned
        FROM pg_roles r WHERE r.rolname = current_user`);
    const row = rows[0];
    if (row?.rolsuper) return `数据库账户 ${client.user} 是超级用户，可以改写台账和审计记录。`;
    if (row && row.owned > 0) return `数据库账户 ${client.user} 拥有 ${row.owned} 张表，可以改写台账和审计记录。`;
    return null;
  } finally {
    await client.end();
  }
}
