// Guards read replicas (issue 12): a real streaming standby of the embedded PostgreSQL — a base
// backup through pg_backup_start/pg_backup_stop, standby.signal, primary_conninfo and a physical
// replication slot (lib/postgres/standby.ts) — serves the archive, reports and exports once
// DATABASE_REPLICA_URL points at it. The proof is what a user sees: with replay on the standby
// paused, a change made on the primary is absent from the archive, the report and the export of a
// user who did not make it (so they were read from the standby), present in what the primary
// shows, and present for the user who made it (read-your-writes) — also after the stickiness
// window, for as long as the standby has not replayed it. Writes and everything inside a
// transaction go to the primary; a standby that stops answering sends reads to the primary.
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb, scopedReadDb, unscopedSql } from "@/lib/data/scope";
import { prisma } from "@/lib/db/client";
import { startEmbeddedStandby, type TEmbeddedStandby } from "@/lib/postgres/embedded";
import { createStandby } from "@/lib/postgres/standby";
import { archiveExportSheet } from "@/lib/exports/export-archive";
import { findFiles } from "@/lib/filing/find-files";
import { Prisma } from "@/lib/generated/prisma/client";
import { findReport } from "@/lib/reports/find-report";
import type { TPeriod } from "@/lib/reports/period";
import { actorFor, orgByCode } from "../support/factories";
import { filingValues, submitNewFiling } from "../support/filing-factory";
import { insertOpenFile } from "../support/open-file";
import { freePort } from "@/lib/net/free-port";
import { CLUSTER_PASSWORD, startOwnCluster, type TOwnCluster } from "../support/own-cluster";

const STICKY_MS = 300;
const period: TPeriod = { kind: "range", from: "2025-01-01", to: "2030-12-31", label: "" };

let cluster: TOwnCluster;
let standby: TEmbeddedStandby;
/** The owner on the primary (changes no user of the application made) and the superuser on the standby. */
let primaryOwner: pg.Client;
let standbySuper: pg.Client;
let caseworker: TActor;
let official: TActor;
let auditor: TActor;
let countyId: string;
let cityId: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function caughtUp() {
  const { rows } = await primaryOwner.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn");
  for (let waited = 0; ; waited += 50) {
    const { rows: replayed } = await standbySuper.query<{ behind: boolean }>("SELECT pg_last_wal_replay_lsn() < $1::pg_lsn AS behind", [rows[0]!.lsn]);
    if (!replayed[0]!.behind) return;
    if (waited > 15_000) throw new Error("standby did not catch up");
    await sleep(50);
  }
}

async function pauseReplay() {
  await caughtUp();
  await standbySuper.query("SELECT pg_wal_replay_pause()");
  for (;;) {
    const { rows } = await standbySuper.query<{ state: string }>("SELECT pg_get_wal_replay_pause_state() AS state");
    if (rows[0]!.state === "paused") return;
    await sleep(20);
  }
}

async function resumeReplay() {
  await standbySuper.query("SELECT pg_wal_replay_resume()");
  await caughtUp();
  // The routing caches the standby's position for 200 ms.
  await sleep(250);
}

/** Which server a query through `db` ran on, as that server reports it. */
async function servedBy(db: ReturnType<typeof scopedDb>) {
  const [row] = await db.$queryRaw<[{ recovery: boolean; port: number }]>`
    SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port ${unscopedSql("server identity only")}`;
  return row;
}

async function countyNameOn(client: pg.Client) {
  const { rows } = await client.query<{ name: string }>("SELECT name FROM organisation WHERE id = $1", [countyId]);
  return rows[0]!.name;
}

beforeAll(async () => {
  cluster = await startOwnCluster("replica");
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
  official = await actorFor("lz_official");
  auditor = await actorFor("lz_auditor");
  countyId = (await orgByCode("GSLZCG")).id;
  cityId = (await orgByCode("GSLZ")).id;
  for (let i = 0; i < 3; i++) await submitNewFiling(caseworker, filingValues(countyId));
  await caughtUp();
  // The caseworker's writes above are replayed: after the window their reads are the standby's again.
  await sleep(STICKY_MS + 50);
}, 120_000);

afterAll(async () => {
  delete process.env.DATABASE_REPLICA_URL;
  delete process.env.DATABASE_REPLICA_STICKY_MS;
  await primaryOwner?.end().catch(() => {});
  await standbySuper?.end().catch(() => {});
  await standby?.stop();
  await cluster?.dispose();
});

describe("a streaming standby of the embedded database", () => {
  it("is in recovery, streams from the primary through its slot, and refuses writes", async () => {
    const { rows } = await standbySuper.query<{ recovery: boolean; status: string }>(
      "SELECT pg_is_in_recovery() AS recovery, (SELECT status FROM pg_stat_wal_receiver) AS status",
    );
    expect(rows[0]).toEqual({ recovery: true, status: "streaming" });
    const primarySuper = new pg.Client({ connectionString: `${cluster.db.superuserUrl}/bangfu` });
    await primarySuper.connect();
    try {
      const { rows: senders } = await primarySuper.query<{ application_name: string; state: string; slot: string }>(
        "SELECT r.application_name, r.state, s.slot_name AS slot FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid",
      );
      expect(senders).toEqual([{ application_name: "bangfu_replica", state: "streaming", slot: "bangfu_replica" }]);
    } finally {
      await primarySuper.end();
    }
    await expect(standbySuper.query("UPDATE organisation SET name = name WHERE id = $1", [countyId])).rejects.toThrow(/read-only transaction/);
  });

  it("serves the reads of scopedReadDb; scopedDb, transactions and a user without a replica are the primary", async () => {
    expect(await servedBy(await scopedReadDb(auditor))).toEqual({ recovery: true, port: standby.port });
    expect(await servedBy(scopedDb(auditor))).toEqual({ recovery: false, port: cluster.port });
    const inTransaction = await (
      await scopedReadDb(auditor)
    ).$transaction((tx) => tx.$queryRaw<[{ recovery: boolean }]>`SELECT pg_is_in_recovery() AS recovery ${unscopedSql("server identity only")}`);
    expect(inTransaction[0].recovery).toBe(false);
    // The scope holds on the standby too: Tianshui's auditor finds neither Lanzhou's county nor its files there.
    const tsAuditor = await actorFor("ts_auditor");
    const tsDb = await scopedReadDb(tsAuditor);
    expect(await servedBy(tsDb)).toMatchObject({ recovery: true });
    expect(await tsDb.organisation.findUnique({ where: { id: countyId } })).toBeNull();
    expect(await tsDb.householdFile.count()).toBe(0);
    expect((await findFiles(tsAuditor, { status: "SUBMITTED" })).total).toBe(0);
    expect(await (await scopedReadDb(auditor)).householdFile.count()).toBe(3);

    const url = process.env.DATABASE_REPLICA_URL;
    delete process.env.DATABASE_REPLICA_URL;
    try {
      expect(await servedBy(await scopedReadDb(auditor))).toEqual({ recovery: false, port: cluster.port });
    } finally {
      process.env.DATABASE_REPLICA_URL = url;
    }
  });
});

describe("archive, reports and exports read from the standby", () => {
  it("show the standby's state while its replay is paused, and the primary's once it has replayed", async () => {
    const before = await countyNameOn(primaryOwner);
    await pauseReplay();
    try {
      // Changes no user of the application made: only the primary has them.
      await primaryOwner.query("UPDATE organisation SET name = name || '（改名）' WHERE id = $1", [countyId]);
      const { fileId: openId } = await insertOpenFile(primaryOwner, { caseworker, official }, countyId);
      const renamed = `${before}（改名）`;
      expect(await countyNameOn(primaryOwner)).toBe(renamed);
      expect(await countyNameOn(standbySuper)).toBe(before);

      const archive = await findFiles(auditor, { status: "SUBMITTED" });
      expect(archive.rows.length).toBe(3);
      expect(new Set(archive.rows.map((r) => r.organisation.name))).toEqual(new Set([before]));

      expect((await findFiles(auditor, { status: "OPEN" })).total).toBe(0);
      const openOn = async (client: pg.Client) =>
        (await client.query<{ id: string }>("SELECT id FROM household_file WHERE status = 'OPEN'")).rows.map((r) => r.id);
      expect(await openOn(primaryOwner)).toEqual([openId]);
      expect(await openOn(standbySuper)).toEqual([]);

      const report = await findReport(auditor, { organisationId: cityId, period });
      expect(report.files.find((o) => o.organisationId === countyId)).toMatchObject({ name: before, open: 0 });

      const sheet = await archiveExportSheet(auditor, { status: "SUBMITTED" }, { full: false });
      const exported: string[] = [];
      for await (const row of sheet.rows) exported.push(row.organisation_name ?? "");
      expect(exported).toEqual([before, before, before]);
      const openSheet = await archiveExportSheet(auditor, { status: "OPEN" }, { full: false });
      let openRows = 0;
      for await (const _ of openSheet.rows) openRows += 1;
      expect(openRows).toBe(0);
      // The exports' audit rows — writes of the read db — are on the primary.
      const { rows: audit } = await primaryOwner.query("SELECT 1 FROM audit_event WHERE action = 'archive.export' AND actor_id = $1", [auditor.userId]);
      expect(audit.length).toBe(2);

      // Inside a transaction the same read is the primary's.
      const inTransaction = await (
        await scopedReadDb(auditor)
      ).$transaction((tx) => tx.organisation.findUnique({ where: { id: countyId }, select: { name: true } }));
      expect(inTransaction?.name).toBe(renamed);
      expect((await (await scopedReadDb(auditor)).organisation.findUnique({ where: { id: countyId }, select: { name: true } }))?.name).toBe(before);
    } finally {
      await resumeReplay();
    }
    const archive = await findFiles(auditor, { status: "SUBMITTED" });
    expect(new Set(archive.rows.map((r) => r.organisation.name))).toEqual(new Set([`${before}（改名）`]));
    expect((await findFiles(auditor, { status: "OPEN" })).total).toBe(1);
    const report = await findReport(auditor, { organisationId: cityId, period });
    expect(report.files.find((o) => o.organisationId === countyId)).toMatchObject({ name: `${before}（改名）`, open: 1 });
  });
});

describe("read-your-writes", () => {
  it("shows a user their own filing at once and while the standby lags, and others once it has replayed it", async () => {
    await pauseReplay();
    let fileId: string;
    try {
      ({ fileId } = await submitNewFiling(caseworker, filingValues(countyId)));
      const mine = async () => (await findFiles(caseworker, { status: "SUBMITTED" })).rows.map((r) => r.id);
      // At once: the caseworker's reads are the primary's.
      expect(await mine()).toContain(fileId);
      expect((await findFiles(caseworker, { status: "SUBMITTED" })).total).toBe(4);
      // After the window, still: the standby has not replayed the primary's position after the write.
      await sleep(STICKY_MS + 100);
      expect(await mine()).toContain(fileId);
      expect(await servedBy(await scopedReadDb(caseworker))).toMatchObject({ recovery: false });
      // Someone else reads the standby, which does not have it yet.
      const theirs = await findFiles(auditor, { status: "SUBMITTED" });
      expect(theirs.rows.map((r) => r.id)).not.toContain(fileId);
      expect(theirs.total).toBe(3);
    } finally {
      await resumeReplay();
    }
    expect((await findFiles(auditor, { status: "SUBMITTED" })).rows.map((r) => r.id)).toContain(fileId);
    // Replayed: the caseworker reads the standby again, and still sees the filing there.
    expect(await servedBy(await scopedReadDb(caseworker))).toEqual({ recovery: true, port: standby.port });
    expect((await findFiles(caseworker, { status: "SUBMITTED" })).rows.map((r) => r.id)).toContain(fileId);
  });

  it("keeps the writer on the primary after a long transaction commits, until the standby has replayed it", async () => {
    await pauseReplay();
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const writing = scopedDb(caseworker).$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE household_file SET updated_at = now() WHERE ${tx.$orgInScope(Prisma.sql`organisation_id`)} AND status = 'SUBMITTED'`;
        await released;
      });
      await sleep(STICKY_MS + 100);
      // Statements inside the transaction mark the user; the window runs from the last of them.
      release();
      await writing;
      expect(await servedBy(await scopedReadDb(caseworker))).toMatchObject({ recovery: false });
      await sleep(STICKY_MS + 100);
      expect(await servedBy(await scopedReadDb(caseworker))).toMatchObject({ recovery: false });
    } finally {
      await resumeReplay();
    }
    expect(await servedBy(await scopedReadDb(caseworker))).toMatchObject({ recovery: true });
  });
});

describe("a standby that stops answering", () => {
  it("sends the archive to the primary instead of failing", async () => {
    await standbySuper.end();
    await standby.stop();
    await sleep(250);
    expect(await servedBy(await scopedReadDb(auditor))).toEqual({ recovery: false, port: cluster.port });
    const archive = await findFiles(auditor, { status: "SUBMITTED" });
    expect(archive.total).toBe(4);
    // The primary itself is untouched by all this.
    expect(await prisma.householdFile.count({ where: { status: "SUBMITTED" } })).toBe(4);
  });
});
