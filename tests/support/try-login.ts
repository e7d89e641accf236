import pg from "pg";

/**
 * Logs in to the database `bangfu` with `options` and says how it went: "ok", or the server's
 * SQLSTATE on refusal (28P01 wrong password, 28000 refused by pg_hba.conf).
 */
export async function tryLogin(options: pg.ClientConfig): Promise<string> {
  const client = new pg.Client({ ...options, database: "bangfu", connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}
