// Applies prisma/migrations/*/migration.sql in name order, each exactly once and inside its own
// transaction, recording it in bangfu_migration. A failed migration rolls back completely and
// stops the caller with the migration's name and PostgreSQL's message.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pgClient } from "@/lib/db/pg";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

// Any constant works; it only has to be the same for every process that migrates this database.
const MIGRATION_LOCK_KEY = 4_206_011;

export class MigrationError extends Error {}

type TMigration = { name: string; sql: string; checksum: string };

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<TMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = pgClient({ connectionString: databaseUrl }, { infrastructure: "migrations run as the owner, on every table" });
  await client.connect();
  try {
    // Two processes starting at once (two `npm start`, a test run and a server) must not both migrate.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS bangfu_migration (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ name: string; checksum: string }>("SELECT name, checksum FROM bangfu_migration");
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const [name, checksum] of applied) {
      const file = migrations.find((m) => m.name === name);
      if (!file) throw new MigrationError(`数据库已执行迁移 ${name}，但代码中没有这个迁移文件：代码版本比数据库旧。`);
      if (file.checksum !== checksum) {
        throw new MigrationError(`迁移 ${name} 在执行后被修改过：已执行的迁移不能再改，请新增一个迁移。`);
      }
    }

    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      try {
        await client.query("BEGIN");
        await client.query(migration.sql);
        await client.query("INSERT INTO bangfu_migration (name, checksum) VALUES ($1, $2)", [migration.name, migration.checksum]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`迁移 ${migration.name} 执行失败，数据库保持原样未作改动：${reason}`);
      }
      done.push(migration.name);
    }
    // What the application role may do follows from the schema (append-only and derived tables;
    // prisma/migrations/0008_duties_and_app_role). Re-applied on every run, so a table added by any
    // later migration is covered without that migration naming a role.
    const {
      rows: [grants],
    } = await client.query<{ fn: string | null }>("SELECT to_regprocedure('bangfu_apply_grants()')::text AS fn");
    if (grants?.fn) await client.query("SELECT bangfu_apply_grants()");
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
