// Guards issue 29 (a province on several app servers behind one load balancer): nothing a user
// relies on may live in one Next.js process. Each case writes through "server A" and checks
// through "server B" — a second copy of the modules with none of A's process state (its Prisma
// pool, its maps on globalThis), which is what another machine has — against real PostgreSQL:
// - read-your-writes: a user who wrote on A reads their write on B while the streaming standby
//   has not replayed it (the mark is in replica_write_mark, not in A's memory); another user reads
//   the standby; after replay the mark is gone;
// - sign-in delays: failures counted on A slow the name down on B;
// - evidence on a shared folder: a reader polling the final name while a file is written sees
//   either nothing or the whole file, never part of it;
// - the job queue: two pg-boss instances (two job workers) given forty jobs run each exactly once.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { startEmbeddedStandby, type TEmbeddedStandby } from "@/lib/postgres/embedded";
import { createStandby } from "@/lib/postgres/standby";
import { freePort } from "@/lib/net/free-port";
import { actorFor, createTestUser, orgByCode } from "../support/factories";
import { filingValues } from "../support/filing-factory";
import { CLUSTER_PASSWORD, startOwnCluster, type TOwnCluster } from "../support/own-cluster";

const STICKY_MS = 400;
let cluster: TOwnCluster;
let standby: TEmbeddedStandby;
let primaryOwner: pg.Client;
let standbySuper: pg.Client;
let caseworker: TActor;
let auditor: TActor;
let countyId: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another app server: fresh modules, and none of this process's pools or maps. */
async function otherServer() {
  const g = globalThis as Record<string, unknown>;
  await (g.bangfuPrisma as { $disconnect?: () => Promise<void> } | undefined)?.$disconnect?.().catch(() => {});
  await (g.bangfuMarkPool as { pool?: pg.Pool } | undefined)?.pool?.end().catch(() => {});
  for (const key of ["bangfuPrisma", "bangfuReplicaPrisma", "bangfuNotedWrites", "bangfuMarkPool", "bangfuReplay"]) delete g[key];
  vi.resetModules();
}

async function caughtUp() {
  const { rows } = await primaryOwner.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn");
  for (let waited = 0; ; waited += 50) {
    const { rows: r } = await standbySuper.query<{ behind: boolean }>("SELECT pg_last_wal_replay_lsn() < $1::pg_lsn AS behind", [rows[0]!.lsn]);
    if (!r[0]!.behind) return;
    if (waited > 15_000) throw new Error("standby did not catch up");
    await sleep(50);
  }
}

beforeAll(async () => {
  cluster = await startOwnCluster("servers");
  const standbyDir = path.join(cluster.dir, "standby");
  await createStandby({ primarySuperuserUrl: cluster.db.superuserUrl, standbyDir, replicationPassword: "replica-secret" });
  standby = await startEmbeddedStandby({ dataDir: standbyDir, port: await freePort() });
  process.env.DATABASE_REPLICA_URL = cluster.db.url.replace(`:${cluster.port}/`, `:${standby.port}/`);
  process.env.DATABASE_REPLICA_STICKY_MS = String(STICKY_MS);
  primaryOwner = new pg.Client({ connectionString: cluster.db.migrationUrl });
  await primaryOwner.connect();
  standbySuper = new pg.Client({ host: standby.socketDir, port: standby.port, user: "postgres", password: CLUSTER_PASSWORD, database: "bangfu" });
  await standbySuper.connect();
  standbySuper.on("error", () => {});
  caseworker = await actorFor("lz_caseworker");
  auditor = await actorFor("lz_auditor");
  countyId = (await orgByCode("GSLZCG")).id;
}, 120_000);

afterAll(async () => {
  delete process.env.DATABASE_REPLICA_URL;
  delete process.env.DATABASE_REPLICA_STICKY_MS;
  await otherServer();
  await primaryOwner?.end().catch(() => {});
  await standbySuper?.end().catch(() => {});
  await standby?.stop();
  await cluster?.dispose();
});

describe("read-your-writes across app servers", () => {
  it("a draft saved on server A is in the writer's archive on server B while the standby lags; another user reads the standby", async () => {
    await caughtUp();
    await standbySuper.query("SELECT pg_wal_replay_pause()");
    try {
      // Server A: the caseworker saves a draft through the server action's path.
      const a = {
        run: (await import("@/lib/actions/run-action")).runActionAs,
        save: (await import("@/lib/filing/save-filing")).saveDraft,
        schema: (await import("@/lib/filing/schemas")).ZSaveDraftInput,
      };
      const saved = await a.run(a.schema, a.save, caseworker, { data: filingValues(countyId), idempotencyKey: randomUUID() });
      if (!saved.ok) throw new Error(saved.error);
      const fileId = saved.data.fileId;
      const { rows: marks } = await primaryOwner.query("SELECT wal_position FROM replica_write_mark WHERE user_id = $1", [caseworker.userId]);
      expect(marks).toEqual([{ wal_position: null }]);
      // The standby really lacks the draft.
      expect((await standbySuper.query("SELECT 1 FROM household_file WHERE id = $1", [fileId])).rowCount).toBe(0);

      // Server B, past the stickiness window: only the mark in the database keeps the caseworker on the primary.
      await otherServer();
      await sleep(STICKY_MS + 100);
      const { findFiles } = await import("@/lib/filing/find-files");
      const { readClientFor } = await import("@/lib/db/read-routing");
      expect((await findFiles(caseworker, { status: "DRAFT" })).rows.map((f) => f.id)).toContain(fileId);
      expect(await readClientFor(caseworker.userId)).toBeNull();
      // The auditor wrote nothing: their reads go to the standby.
      expect(await readClientFor(auditor.userId)).not.toBeNull();
      const { rows: frozen } = await primaryOwner.query<{ wal_position: string | null }>(
        "SELECT wal_position::text FROM replica_write_mark WHERE user_id = $1",
        [caseworker.userId],
      );
      expect(frozen[0]!.wal_position).toMatch(/^\d+$/);
    } finally {
      await standbySuper.query("SELECT pg_wal_replay_resume()");
    }
    await caughtUp();
    await sleep(250);
    // Server C: the standby has replayed the draft; the caseworker reads it there and the mark is dropped.
    await otherServer();
    const { readClientFor } = await import("@/lib/db/read-routing");
    expect(await readClientFor(caseworker.userId)).not.toBeNull();
    const { rowCount } = await primaryOwner.query("SELECT 1 FROM replica_write_mark WHERE user_id = $1", [caseworker.userId]);
    expect(rowCount).toBe(0);
  }, 60_000);
});

describe("sign-in delays across app servers", () => {
  it("five wrong passwords on server A make the right one wait on server B", async () => {
    await otherServer();
    const user = await createTestUser({ orgCode: "GSLZCG", roles: ["CASEWORKER"], password: "Correct-horse-1" });
    const now = new Date();
    const onA = (await import("@/lib/auth/sign-in")).signIn;
    for (let i = 0; i < 5; i++) {
      expect(await onA({ username: user.username, password: "wrong-password-1", ip: `10.29.1.${i + 1}`, userAgent: "vitest", now })).toMatchObject({
        ok: false,
      });
    }
    await otherServer();
    const onB = (await import("@/lib/auth/sign-in")).signIn;
    const refused = await onB({
      username: user.username,
      password: "Correct-horse-1",
      ip: "10.29.2.1",
      userAgent: "vitest",
      now: new Date(now.getTime() + 500),
    });
    expect(refused).toEqual({ ok: false, outcome: expect.not.stringMatching(/^(SUCCESS|BAD_PASSWORD)$/) });
    // The wait is capped, not a lock: an hour later the right password signs in, also on server A's copy.
    const later = await onA({
      username: user.username,
      password: "Correct-horse-1",
      ip: "10.29.2.1",
      userAgent: "vitest",
      now: new Date(now.getTime() + 3600_000),
    });
    expect(later).toMatchObject({ ok: true });
  });
});

describe("evidence on a folder the app servers share", () => {
  it("a reader of the final name sees nothing or the whole file, never part of it, and no temporary name is left", async () => {
    process.env.EVIDENCE_DIR = await mkdtemp(path.join(tmpdir(), "bangfu-shared-evidence-"));
    try {
      const { writeEvidenceBytes } = await import("@/lib/evidence/storage");
      const bytes = randomBytes(24 * 1024 * 1024);
      const now = new Date("2026-12-07T01:00:00Z");
      const monthDir = path.join(process.env.EVIDENCE_DIR, "2026", "12");
      const seen: number[] = [];
      let writing = true;
      // Server B polls the month folder for a file under a final name while server A writes.
      const poll = (async () => {
        while (writing) {
          const names = await readdir(monthDir).catch(() => [] as string[]);
          for (const name of names.filter((n) => !n.startsWith("."))) seen.push((await readFile(path.join(monthDir, name))).length);
          await sleep(1);
        }
      })();
      const key = await writeEvidenceBytes(bytes, now);
      writing = false;
      await poll;
      expect(new Set(seen)).toEqual(seen.length ? new Set([bytes.length]) : new Set());
      expect(await readdir(monthDir)).toEqual([path.basename(key)]);
      expect(Buffer.compare(await readFile(path.join(process.env.EVIDENCE_DIR, key)), bytes)).toBe(0);
    } finally {
      delete process.env.EVIDENCE_DIR;
    }
  });
});

describe("the job queue across job workers", () => {
  it("two pg-boss instances on one queue run each of forty jobs exactly once", async () => {
    const bossUrl = cluster.db.migrationUrl;
    const queue = `h29-once-${Date.now()}`;
    const ran: Array<{ worker: string; n: number }> = [];
    const bosses = [
      new PgBoss({ connectionString: bossUrl, schema: "pgboss_h29", max: 2 }),
      new PgBoss({ connectionString: bossUrl, schema: "pgboss_h29", max: 2 }),
    ];
    for (const boss of bosses) boss.on("error", () => {});
    await bosses[0]!.start();
    await bosses[1]!.start();
    try {
      await bosses[0]!.createQueue(queue);
      for (const [i, boss] of bosses.entries()) {
        await boss.work<{ n: number }>(queue, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
          ran.push({ worker: `w${i}`, n: job!.data.n });
          await sleep(20);
        });
      }
      for (let n = 0; n < 40; n++) await bosses[n % 2]!.send(queue, { n });
      for (let waited = 0; ran.length < 40 && waited < 30_000; waited += 100) await sleep(100);
      await sleep(1_000);
      expect(ran.map((r) => r.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, n) => n));
      // Both workers took part (otherwise the test would prove nothing about two of them).
      expect(new Set(ran.map((r) => r.worker)).size).toBe(2);
    } finally {
      await Promise.all(bosses.map((b) => b.stop({ graceful: false, wait: true }).catch(() => {})));
    }
  }, 60_000);
});
