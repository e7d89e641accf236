// Settings for the test suites' own embedded PostgreSQL clusters, never for one that keeps data.
import pg from "pg";

/**
 * For a throwaway test cluster, deleted at the end of its run (vitest's, the end-to-end servers'): a commit need not wait for the disk, where a
 * synchronous write of 8 KB takes about 8 ms on the CI machine (dd oflag=dsync, 2026-12-07).
 * No test proves durability on it: crash recovery, backups and replicas run clusters of their own
 * (tests/support/own-cluster.ts) with PostgreSQL's defaults, and a killed backend or server still
 * loses nothing a committed transaction wrote (only an operating-system crash would).
 */
export async function skipDiskWaits(superuserUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${superuserUrl}/postgres` });
  await admin.connect();
  try {
    for (const setting of ["fsync", "synchronous_commit", "full_page_writes"]) await admin.query(`ALTER SYSTEM SET ${setting} = off`);
    await admin.query("SELECT pg_reload_conf()");
  } finally {
    await admin.end();
  }
}
