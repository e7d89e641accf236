// `npm run db:replica -- --dir <folder> [--port <port>]`: a streaming read replica of the embedded
// PostgreSQL that `npm start` is running (lib/postgres/standby.ts). An empty or missing folder is made
// into a standby first (base backup through pg_backup_start/pg_backup_stop, a physical
// replication slot); an existing standby folder is started again and catches up from its slot.
// Runs until Ctrl-C; start Bangfu with the DATABASE_REPLICA_URL it prints.
import { existsSync, readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { socketDirFor, startEmbeddedStandby, superuserSocketUrl } from "@/lib/postgres/embedded";
import { EMBEDDED_SERVER_ROLE } from "@/lib/db/roles";
import { embeddedPort, loadLocalSecrets, PGDATA_DIR } from "@/lib/db/runtime";
import { createStandby } from "@/lib/postgres/standby";

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} 后面需要一个值`);
  return value;
}

const dirArgument = argument("--dir");
if (!dirArgument) {
  console.error("用法：npm run db:replica -- --dir <只读副本的数据目录> [--port <端口>]");
  process.exit(1);
}
if (process.env.DATABASE_URL) {
  console.error("设置了 DATABASE_URL：请按您的 PostgreSQL 服务器的方式（pg_basebackup 等）建立只读副本，再设置 DATABASE_REPLICA_URL。");
  process.exit(1);
}
const dir = path.resolve(dirArgument);
const port = Number(argument("--port") ?? embeddedPort() + 1);
if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error("--port 需要一个端口号");
// Each role its own secret (lib/db/local-secrets.ts): the replica streams as bangfu_replication.
const passwords = loadLocalSecrets().databasePasswords;
// The superuser only through the primary's Unix socket (lib/postgres/embedded.ts).
const superuserUrl = `${superuserSocketUrl(socketDirFor(PGDATA_DIR), embeddedPort(), passwords.postgres)}/bangfu`;

if (!existsSync(dir) || readdirSync(dir).length === 0) {
  // The primary must be the embedded server of this data folder, running (`npm start`).
  const client = new pg.Client({ connectionString: superuserUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    if (realpathSync(rows[0]!.dir) !== realpathSync(PGDATA_DIR)) throw new Error("wrong cluster");
  } catch {
    console.error(`端口 ${embeddedPort()} 上没有本数据目录的内置数据库在运行：请先 npm start（或设置 EMBEDDED_PG_PORT）。`);
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
  await createStandby({ primarySuperuserUrl: superuserUrl, standbyDir: dir, replicationPassword: passwords.bangfu_replication, log: console.log });
} else if (!existsSync(path.join(dir, "standby.signal"))) {
  console.error(`${dir} 不是空目录，也不是只读副本的数据目录。`);
  process.exit(1);
}

const standby = await startEmbeddedStandby({ dataDir: dir, port });
console.log(`只读副本已在端口 ${port} 运行（数据目录 ${standby.dataDir}），按 Ctrl-C 停止。`);
console.log(
  `启动 Bangfu 时设置：DATABASE_REPLICA_URL=postgresql://${EMBEDDED_SERVER_ROLE}:${encodeURIComponent(passwords.bangfu_server)}@127.0.0.1:${port}/bangfu`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void standby.stop().then(() => process.exit(0));
  });
}
