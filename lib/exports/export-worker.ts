import "server-only";
import PgBoss from "pg-boss";
import { ensureQueueOnce, JOB_QUEUE_SCHEMA } from "@/lib/db/job-queue";
import { listenAndSweep } from "@/lib/jobs/listen-and-sweep";
import { expireExportFiles, failInterruptedExports, queuedExportIds } from "./maintain-exports";
import { runExportJob } from "./run-export-job";

// The background export worker, in the jobs process (scripts/jobs.ts). A request is a row in
// export_job; its insert NOTIFYs `export_job_queued` (trigger in 0024), which this worker LISTENs
// for and turns into a pg-boss job — so the web server needs no access to pg-boss's schema. A
// sweep every minute (and one at start) queues what a missed notification left behind
// (lib/jobs/listen-and-sweep.ts); the queue's
// `short` policy with the export's id as singletonKey keeps one queued pg-boss job per export,
// and runExportJob's claim makes a repeat harmless. At start, jobs a dead worker left RUNNING are
// failed and expired files deleted; the daily clean-up does both again.

export const EXPORT_QUEUE = "export-run";
export const EXPORT_CLEANUP_QUEUE = "export-cleanup";
/** 02:15 in China: after the daily calendar job. */
export const EXPORT_CLEANUP_CRON = "15 2 * * *";
/** Exports written at once by one worker process: each keeps a core busy while it writes. */
const CONCURRENT_EXPORTS = 2;

export type TExportWorker = { stop(): Promise<void> };

/**
 * Starts the worker. `bossUrl`: pg-boss creates and migrates its schema, so it connects as the
 * tables' owner (as the calendar scheduler does); the exports themselves run as the application
 * role (DATABASE_URL).
 */
export async function startExportWorker(bossUrl: string): Promise<TExportWorker> {
  const interrupted = await failInterruptedExports();
  if (interrupted) console.log(`已将 ${interrupted} 个中断的后台导出标为失败。`);
  await expireExportFiles();

  const boss = new PgBoss({ connectionString: bossUrl, schema: JOB_QUEUE_SCHEMA, application_name: "bangfu-exports", max: 4 });
  boss.on("error", (error) => console.error("后台导出队列出错：", error));
  await boss.start();
  // An export of 10 million rows runs well under an hour; a job pg-boss considers expired is not retried (the export shows 导出中断 instead).
  await ensureQueueOnce(bossUrl, boss, { name: EXPORT_QUEUE, policy: "short", retryLimit: 0, expireInSeconds: 4 * 3600 });
  await ensureQueueOnce(bossUrl, boss, { name: EXPORT_CLEANUP_QUEUE, policy: "singleton", retryLimit: 2, retryDelay: 600 });
  await boss.schedule(EXPORT_CLEANUP_QUEUE, EXPORT_CLEANUP_CRON, {}, { tz: "Asia/Shanghai" });

  const workers: string[] = [];
  for (let i = 0; i < CONCURRENT_EXPORTS; i++) {
    workers.push(
      await boss.work<{ jobId: string }>(EXPORT_QUEUE, { batchSize: 1 }, async ([job]) => {
        if (job) await runExportJob(job.data.jobId);
      }),
    );
  }
  await boss.work(EXPORT_CLEANUP_QUEUE, async () => {
    await failInterruptedExports();
    await expireExportFiles();
  });

  const enqueue = async (jobId: string) => {
    await boss.send(EXPORT_QUEUE, { jobId }, { singletonKey: jobId });
    // Wakes the idle pollers now rather than at their next poll.
    for (const id of workers) boss.notifyWorker(id);
  };
  const sweep = async () => {
    for (const id of await queuedExportIds()) await enqueue(id);
  };

  return listenAndSweep({
    channel: "export_job_queued",
    sweep,
    onNotify: async (jobId) => {
      if (jobId) await enqueue(jobId);
    },
    label: "后台导出",
    boss,
    connectionString: process.env.DATABASE_URL,
    applicationName: "bangfu-exports-listen",
  });
}
