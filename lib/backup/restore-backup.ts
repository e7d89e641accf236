// `npm run db:restore FILE`: puts an archive from create-backup.ts back as the embedded database,
// the evidence folder and the local secrets. Nothing already there is touched until the archive
// has been read completely, every file matched the manifest's SHA-256, and PostgreSQL, started on
// the restored copy, replayed its WAL and showed the manifest's row count and checksum for every
// table. An existing database or evidence folder is only replaced with `force`, and then moved
// aside (`….before-restore-<time>`), never deleted.
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { spawnSync } from "node:child_process";
import { pgClient } from "@/lib/db/pg";
import { resolveClusterDir, startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { samePasswords, type TLocalSecrets } from "@/lib/db/local-secrets";
import { freePort } from "@/lib/net/free-port";
import { readArchive } from "./archive";
import { BACKUP_FORMAT, type TBackupManifest } from "./create-backup";
import { migrationLevel, tableStats } from "./table-stats";

type TRestoreOptions = {
  file: string;
  /** The embedded cluster's folder as configured (`<data dir>/pgdata`, possibly a link). */
  pgdataDir: string;
  evidenceDir: string;
  secretsFile: string;
  force?: boolean;
  log?: (line: string) => void;
};

export class RestoreError extends Error {}

const SAFE_NAME = /^(pgdata|evidence)(\/[A-Za-z0-9._-]+)*\/?$|^(secrets|manifest)\.json$/;

async function isEmptyDir(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}

function runningPostmaster(clusterDir: string): number | null {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export async function restoreBackup(options: TRestoreOptions): Promise<{ manifest: TBackupManifest; movedAside: string[] }> {
  const log = options.log ?? (() => {});
  if (!existsSync(options.file)) throw new RestoreError(`找不到备份文件：${options.file}`);
  const clusterDir = await resolveClusterDir(path.resolve(options.pgdataDir), console.log);
  const evidenceDir = path.resolve(options.evidenceDir);
  if (runningPostmaster(clusterDir)) throw new RestoreError(`内置数据库正在运行（${clusterDir}）：请先停止帮扶系统（Ctrl-C），再恢复。`);
  const occupied = [];
  if (!(await isEmptyDir(clusterDir))) occupied.push(clusterDir);
  if (!(await isEmptyDir(evidenceDir))) occupied.push(evidenceDir);
  if (occupied.length && !options.force) {
    throw new RestoreError(`目标目录不是空的：${occupied.join("、")}。恢复会替换其中的数据；确认要替换时加上 --force（原有数据会被移到旁边保留，不会删除）。`);
  }

  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  const stageDb = `${clusterDir}.restoring-${process.pid}`;
  const stageEvidence = `${evidenceDir}.restoring-${process.pid}`;
  await rm(stageDb, { recursive: true, force: true });
  await rm(stageEvidence, { recursive: true, force: true });
  await mkdir(stageDb, { recursive: true, mode: 0o700 });
  await mkdir(stageEvidence, { recursive: true, mode: 0o700 });

  let db: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  try {
    // 1. Read everything into the staging folders, hashing each file as it is written.
    const written = new Map<string, { size: number; sha256: string }>();
    let manifestBytes: Buffer | undefined;
    let secretsBytes: Buffer | undefined;
    log(`正在读取备份文件 ${options.file} ……`);
    await readArchive(options.file, async (entry) => {
      if (!SAFE_NAME.test(entry.name) || entry.name.split("/").includes("..")) throw new RestoreError(`备份文件中有不允许的路径：${entry.name}`);
      if (entry.name === "manifest.json" || entry.name === "secrets.json") {
        const chunks: Buffer[] = [];
        for await (const chunk of entry.stream) chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        if (entry.name === "manifest.json") manifestBytes = bytes;
        else secretsBytes = bytes;
        written.set(entry.name, { size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
        return;
      }
      const [top, ...rest] = entry.name.replace(/\/$/, "").split("/");
      const target = path.join(top === "pgdata" ? stageDb : stageEvidence, ...rest);
      if (entry.type === "directory") {
        await mkdir(target, { recursive: true, mode: 0o700 });
        return;
      }
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const hash = createHash("sha256");
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(entry.stream, tap, createWriteStream(target, { mode: entry.mode & 0o700 || 0o600 }));
      written.set(entry.name, { size, sha256: hash.digest("hex") });
    });

    // 2. The manifest: every file it lists is there with the same bytes, and nothing else is.
    if (!manifestBytes) throw new RestoreError("备份文件不完整：缺少清单（manifest.json），可能在写入时被中断。");
    const manifest = JSON.parse(manifestBytes.toString("utf8")) as TBackupManifest;
    if (manifest.format !== BACKUP_FORMAT) throw new RestoreError(`不认识的备份格式：${String(manifest.format)}`);
    const listed = new Set(manifest.files.map((f) => f.path));
    for (const f of manifest.files) {
      const got = written.get(f.path);
      if (!got) throw new RestoreError(`备份文件不完整：缺少 ${f.path}`);
      if (got.sha256 !== f.sha256 || got.size !== f.size) throw new RestoreError(`备份文件已损坏：${f.path} 的校验值与清单不符。`);
    }
    for (const name of written.keys()) {
      if (name !== "manifest.json" && !listed.has(name)) throw new RestoreError(`备份文件中有清单未列出的文件：${name}`);
    }
    if (!secretsBytes) throw new RestoreError("备份文件中没有 secrets.json，无法连接恢复出的数据库。");
    // A backup from before issue 22 has one databasePassword for every role; a newer one a secret per role.
    const secrets = JSON.parse(secretsBytes.toString("utf8")) as Partial<TLocalSecrets>;
    log(`清单核对通过：${manifest.files.length} 个文件，备份开始于 ${manifest.startedAt}。`);

    // 3. Start PostgreSQL on the copy: it replays the WAL, then must show the manifest's tables.
    await chmod(stageDb, 0o700);
    if (typeof process.getuid === "function" && process.getuid() === 0) spawnSync("chown", ["-R", "postgres:postgres", stageDb]);
    log("正在启动数据库并重放 WAL，核对各表的行数和校验值……");
    db = await startEmbeddedPostgres({
      dataDir: stageDb,
      port: await freePort(),
      passwords: secrets.databasePasswords ?? samePasswords(secrets.databasePassword ?? ""),
      legacyPassword: secrets.databasePassword,
      database: manifest.database,
    });
    const client = pgClient(
      { connectionString: `${db.superuserUrl}/${manifest.database}` },
      { infrastructure: "a restore writes every table, as the superuser" },
    );
    await client.connect();
    try {
      const tables = await tableStats(client);
      const migration = await migrationLevel(client);
      const differences = Object.keys({ ...manifest.tables, ...tables })
        .filter((t) => manifest.tables[t]?.rows !== tables[t]?.rows || manifest.tables[t]?.checksum !== tables[t]?.checksum)
        .map((t) => `${t}（清单 ${manifest.tables[t]?.rows ?? "无"} 行，恢复后 ${tables[t]?.rows ?? "无"} 行）`);
      if (differences.length) throw new RestoreError(`恢复出的数据与清单不符：${differences.join("、")}`);
      if (migration.last !== manifest.migration.last) throw new RestoreError(`恢复出的迁移版本（${migration.last}）与清单（${manifest.migration.last}）不符。`);
    } finally {
      await client.end();
    }
    await db.stop();
    db = undefined;

    // 4. Only now replace what is there.
    const movedAside: string[] = [];
    for (const [stage, target] of [
      [stageDb, clusterDir],
      [stageEvidence, evidenceDir],
    ] as const) {
      if (existsSync(target) && !(await isEmptyDir(target))) {
        const aside = `${target}.before-restore-${stamp}`;
        await rename(target, aside);
        movedAside.push(aside);
      } else {
        await rm(target, { recursive: true, force: true });
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(stage, target);
    }
    if (existsSync(options.secretsFile) && readFileSync(options.secretsFile).toString() !== secretsBytes.toString()) {
      const aside = `${options.secretsFile}.before-restore-${stamp}`;
      await rename(options.secretsFile, aside);
      movedAside.push(aside);
    }
    await mkdir(path.dirname(options.secretsFile), { recursive: true });
    await writeFile(options.secretsFile, secretsBytes, { mode: 0o600 });
    return { manifest, movedAside };
  } catch (error) {
    await db?.stop().catch(() => {});
    await rm(stageDb, { recursive: true, force: true });
    await rm(stageEvidence, { recursive: true, force: true });
    throw error;
  }
}
