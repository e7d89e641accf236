// What a backup promises about the database: every table's row count and a checksum of its
// contents, and the migration level. Taken in the backup's own snapshot (create-backup.ts) and
// again on the restored copy (restore-backup.ts); both must agree exactly.
import type pg from "pg";

export type TTableStats = Record<string, { rows: number; checksum: string }>;
export type TMigrationLevel = { count: number; last: string | null };

export async function appTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return rows.map((r) => r.name);
}

/**
 * The checksum is the MD5 of the sorted MD5s of every row's text form: independent of the physical
 * order of rows, which a restore does not keep, and sensitive to every value of every column.
 */
export async function tableStats(client: pg.ClientBase): Promise<TTableStats> {
  const stats: TTableStats = {};
  for (const table of await appTables(client)) {
    const id = `public."${table.replaceAll('"', '""')}"`;
    const { rows } = await client.query<{ rows: string; checksum: string }>(
      `SELECT count(*)::text AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS checksum FROM (SELECT md5(t::text) AS h FROM ${id} t) s`,
    );
    stats[table] = { rows: Number(rows[0]!.rows), checksum: rows[0]!.checksum };
  }
  return stats;
}

export async function migrationLevel(client: pg.ClientBase): Promise<TMigrationLevel> {
  const exists = await client.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'bangfu_migration'");
  if (!exists.rowCount) return { count: 0, last: null };
  const { rows } = await client.query<{ count: number; last: string | null }>("SELECT count(*)::int AS count, max(name) AS last FROM bangfu_migration");
  return rows[0]!;
}
