import type pg from "pg";

/**
 * VACUUM (ANALYZE) of every table a bulk load wrote and no VACUUM has seen since: the seed vacuums
 * the tables it fills directly, but the tables its triggers and rebuilds fill (the report tables,
 * household_file_tally) were left for autovacuum. Until then their visibility map is empty, so each
 * index-only scan on them visits the heap — the first pages a report or a workbench reads after
 * the load paid for that. A table is picked when PostgreSQL's statistics say rows were inserted,
 * changed or deleted since its last vacuum or analyze, or it has never been analyzed at all
 * (reltuples < 0, which does not depend on the statistics having been flushed yet). Tables
 * vacuumed since their last write are skipped, so this costs little after the loaders' own VACUUMs.
 * As the tables' owner (a maintenance job, as the seed's other VACUUMs are).
 */
export async function vacuumLoadedTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I', s.relname) AS name
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema()
        AND (c.reltuples < 0 OR s.n_ins_since_vacuum > 0 OR s.n_dead_tup > 0 OR s.n_mod_since_analyze > 0)
      ORDER BY s.relname`,
  );
  const names = rows.map((r) => r.name);
  if (names.length) await client.query(`VACUUM (ANALYZE) ${names.join(", ")}`);
  return names;
}
