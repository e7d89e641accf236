// Guards the job runner: pg-boss started as `npm start` starts it installs its queue and the daily
// cron schedule in China time, runs today's calendar job once at start-up (recorded in job_run), and
// a restart after a successful run does not run it again. Several workers started at once (one per
// instance) all start — the queue is created once — and still run today's job once.
import pg from "pg";
import type PgBoss from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { DAILY_JOB } from "@/lib/calendar/run-daily-calendar";
import { DAILY_CRON, startScheduler } from "@/lib/calendar/scheduler";
import { prisma } from "@/lib/db/client";
import { seedDemo } from "../support/factories";

const started: PgBoss[] = [];
afterAll(async () => {
  await Promise.all(started.map((b) => b.stop({ graceful: false, wait: true, timeout: 5_000 }).catch(() => {})));
});

/** Waits for pg-boss's own rows: the daily job's jobs still queued or running (none once all are done). */
async function untilQueueIdle(ms = 30_000) {
  const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  try {
    const end = Date.now() + ms;
    for (;;) {
      const { rows } = await owner.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')",
        [DAILY_JOB],
      );
      if (rows[0]!.n === 0) return;
      if (Date.now() > end) throw new Error("the daily job was still queued or running");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await owner.end();
  }
}

describe("the job runner", () => {
  it("schedules the daily job, runs today's once across workers started at once, and not again after a restart", async () => {
    await seedDemo();
    // pg-boss creates its own schema, so it connects as the owner (as scripts/start.ts has it do).
    const url = process.env.MIGRATION_DATABASE_URL!;
    // Two at once seldom raced on a quiet machine; four often deadlocked in pg-boss's create_queue.
    const workers = await Promise.all(Array.from({ length: 4 }, () => startScheduler(url)));
    started.push(...workers);
    const a = workers[0]!;
    expect(await a.getSchedules()).toEqual([expect.objectContaining({ name: "calendar-daily", cron: DAILY_CRON, timezone: "Asia/Shanghai" })]);
    // Every start-up has queued what it was going to queue (startScheduler awaits its send), so
    // once no job is queued or running, everything the four started has run.
    await untilQueueIdle();
    expect(await prisma.jobRun.findMany({ select: { status: true } })).toEqual([{ status: "SUCCEEDED" }]);

    for (const worker of workers) await worker.stop({ graceful: true, wait: true });
    const restarted = await startScheduler(url);
    started.push(restarted);
    await untilQueueIdle();
    expect(await prisma.jobRun.count()).toBe(1);
  }, 60_000);
});
