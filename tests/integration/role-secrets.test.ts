// Guards issue 22 §4: each database role has its own secret. An installation from before, whose
// secrets.json holds one `databasePassword` for every role (the superuser's included), starts with
// the real start-up code (openDatabase): afterwards every role has a secret of its own, the old
// shared one opens nothing, and the file (mode 0600) no longer holds it. The job worker's role
// runs pg-boss on the schema it owns and cannot rewrite history; neither the server's nor the job
// worker's password logs in as the owner or the superuser.
import { existsSync, readFileSync, statSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import type { TDatabase } from "@/lib/db/runtime";
import { freePort } from "@/lib/net/free-port";
import { tryLogin } from "../support/try-login";

const OLD_SHARED = "one-password-for-all";
let dir: string;
let port: number;
let db: TDatabase;
let secretsFile: string;
let oldJobId: string;

/** Logs in as `user` with `password` over TCP, or through the Unix socket with `socket` (see tryLogin). */
function login(user: string, password: string, socket = false): Promise<string> {
  const host = socket ? decodeURIComponent(new URL(db.superuserUrl!).hostname) : "127.0.0.1";
  return tryLogin({ host, port, user, password });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bangfu-role-secrets-"));
  await chmod(dir, 0o755);
  port = await freePort();
  // An installation as it was before: every role with the one shared password, migrated, and a
  // secrets.json that knows only that password.
  const before = await startEmbeddedPostgres({ dataDir: path.join(dir, "pgdata"), port, password: OLD_SHARED, database: "bangfu" });
  await applyMigrations(before.migrationUrl);
  // The job worker of before ran pg-boss as the owner: its schema and a queue with a job are the owner's.
  const oldBoss = new PgBoss({ connectionString: before.migrationUrl, schema: "pgboss" });
  oldBoss.on("error", () => {});
  await oldBoss.start();
  await oldBoss.createQueue("queue-from-before");
  oldJobId = (await oldBoss.send("queue-from-before", { before: true }))!;
  await oldBoss.stop({ graceful: false, wait: true });
  await before.stop();
  secretsFile = path.join(dir, "secrets.json");
  await writeFile(secretsFile, JSON.stringify({ databasePassword: OLD_SHARED, authSecret: "kept-session-secret" }), { mode: 0o644 });

  // The start-up code, on that folder (paths are read from the environment when first imported).
  vi.stubEnv("BANGFU_DATA_DIR", dir);
  vi.stubEnv("EMBEDDED_PG_PORT", String(port));
  vi.stubEnv("DATABASE_URL", "");
  vi.resetModules();
  const { openDatabase } = await import("@/lib/db/runtime");
  db = await openDatabase();
}, 120_000);

afterAll(async () => {
  await db?.stop();
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe("secrets.json after the first start of an installation from before", () => {
  it("holds a secret of its own for every role, keeps the session secret, drops the shared password and is readable by its owner only", () => {
    const secrets = JSON.parse(readFileSync(secretsFile, "utf8")) as Record<string, unknown> & { databasePasswords: Record<string, string> };
    expect(Object.keys(secrets.databasePasswords).sort()).toEqual(["bangfu_jobs", "bangfu_owner", "bangfu_replication", "bangfu_server", "postgres"]);
    const values = Object.values(secrets.databasePasswords);
    expect(new Set(values).size).toBe(5);
    expect(values).not.toContain(OLD_SHARED);
    expect(secrets.authSecret).toBe("kept-session-secret");
    expect(secrets).not.toHaveProperty("databasePassword");
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(existsSync(`${secretsFile}.tmp-${process.pid}`)).toBe(false);
  });

  it("gives each process its own role: the server's and the job worker's URLs name different roles and passwords", () => {
    expect(new URL(db.url).username).toBe("bangfu_server");
    expect(new URL(db.jobsUrl).username).toBe("bangfu_jobs");
    expect(db.jobQueueUrl).toBe(db.jobsUrl);
    expect(new URL(db.migrationUrl).username).toBe("bangfu_owner");
    const passwords = [db.url, db.jobsUrl, db.migrationUrl, db.superuserUrl!].map((u) => new URL(u).password);
    expect(new Set(passwords).size).toBe(4);
  });
});

describe("logging in", () => {
  it("with the old shared password is refused for every role", async () => {
    for (const user of ["postgres", "bangfu_owner", "bangfu_server", "bangfu_jobs"]) {
      expect({ user, result: await login(user, OLD_SHARED, true) }).toEqual({ user, result: "28P01" });
    }
    for (const user of ["bangfu_owner", "bangfu_server", "bangfu_jobs"]) {
      expect({ user, result: await login(user, OLD_SHARED) }).toEqual({ user, result: "28P01" });
    }
  });

  it("as the superuser over TCP is refused even with its own password; through the Unix socket it works", async () => {
    const superuser = new URL(db.superuserUrl!);
    const password = decodeURIComponent(superuser.password);
    expect(await login("postgres", password)).toBe("28000");
    const socket = new pg.Client({ connectionString: db.superuserUrl });
    await socket.connect();
    try {
      expect((await socket.query<{ su: boolean }>("SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user")).rows[0]!.su).toBe(true);
    } finally {
      await socket.end();
    }
  });

  it("with the server's or the job worker's password is refused as the owner and as the superuser", async () => {
    for (const password of [new URL(db.url).password, new URL(db.jobsUrl).password].map(decodeURIComponent)) {
      expect(await login("bangfu_owner", password)).toBe("28P01");
      expect(await login("postgres", password)).toBe("28000");
      expect(await login("postgres", password, true)).toBe("28P01");
    }
    expect(await login("bangfu_server", decodeURIComponent(new URL(db.url).password))).toBe("ok");
    expect(await login("bangfu_jobs", decodeURIComponent(new URL(db.jobsUrl).password))).toBe("ok");
  });
});

describe("the job worker's role", () => {
  it("runs pg-boss on the schema it owns: a new queue (a new partition) and a job", async () => {
    const boss = new PgBoss({ connectionString: db.jobsUrl, schema: "pgboss" });
    boss.on("error", () => {});
    await boss.start();
    try {
      await boss.createQueue("role-secrets-test");
      const id = await boss.send("role-secrets-test", { n: 1 });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await boss.getJobById("role-secrets-test", id!))?.data).toEqual({ n: 1 });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("owns everything in the schema pgboss the owner made before, and reads the job queued then", async () => {
    const owner = new pg.Client({ connectionString: db.migrationUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ owner: string; n: number }>(`
        SELECT pg_get_userbyid(owner) AS owner, count(*)::int AS n FROM (
          SELECT relowner AS owner FROM pg_class WHERE relnamespace = 'pgboss'::regnamespace
          UNION ALL SELECT proowner FROM pg_proc WHERE pronamespace = 'pgboss'::regnamespace
          UNION ALL SELECT nspowner FROM pg_namespace WHERE nspname = 'pgboss') o GROUP BY 1`);
      expect(rows).toEqual([{ owner: "bangfu_jobs", n: expect.any(Number) }]);
    } finally {
      await owner.end();
    }
    const boss = new PgBoss({ connectionString: db.jobsUrl, schema: "pgboss" });
    boss.on("error", () => {});
    await boss.start();
    try {
      expect((await boss.getJobById("queue-from-before", oldJobId))?.data).toEqual({ before: true });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("cannot rewrite history: UPDATE, DELETE, TRUNCATE and DISABLE TRIGGER on the history tables change nothing", async () => {
    const jobs = new pg.Client({ connectionString: db.jobsUrl });
    await jobs.connect();
    try {
      const {
        rows: [me],
      } = await jobs.query<{ member: boolean; owned: number; super: boolean }>(`
        SELECT pg_has_role(current_user, 'bangfu_app', 'USAGE') AS member, r.rolsuper AS super,
               (SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owned
          FROM pg_roles r WHERE r.rolname = current_user`);
      expect(me).toEqual({ member: true, owned: 0, super: false });
      for (const sql of [
        "UPDATE ledger_entry SET amount_fen = amount_fen + 1",
        "DELETE FROM audit_event",
        "TRUNCATE filing_event CASCADE",
        "ALTER TABLE ledger_entry DISABLE TRIGGER ALL",
        "CREATE SCHEMA jobs_own",
      ]) {
        await expect(jobs.query(sql), sql).rejects.toThrow(/permission denied|must be owner/);
      }
    } finally {
      await jobs.end();
    }
  });
});
