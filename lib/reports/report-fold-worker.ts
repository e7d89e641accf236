import "server-only";
import PgBoss from "pg-boss";
import { ensureQueueOnce, JOB_QUEUE_SCHEMA } from "@/lib/db/job-queue";
import { listenAndSweep } from "@/lib/jobs/listen-and-sweep";
import { foldPendingEntries, hasPendingEntries } from "./fold-pending";

// The report fold, in the jobs process (scripts/jobs.ts; docs/decisions/032). A ledger statement of
// more than 1,000 entries leaves their report upkeep in report_ledger_pending and NOTIFYs
// `report_ledger_pending` at its commit (migration 0046); this worker LISTENs and queues a pg-boss
// job, which folds everything pending in one transaction. The queue's `short` policy keeps at most
// one job waiting (any number of notifications during a fold become one more fold), and the
// database's advisory lock keeps one fold at a time across worker processes and report reads. A
// sweep every minute (and one at start) queues a fold for what a missed notification left
// (lib/jobs/listen-and-sweep.ts).

export const REPORT_FOLD_QUEUE = "report-fold";

export type TReportFoldWorker = { stop(): Promise<void> };

/**
 * Starts the worker. `bossUrl` connects as pg-boss's schema owner (as the export worker does); the
 * fold itself runs as the application role (DATABASE_URL) through report_ledger_fold(), a
 * SECURITY DEFINER function.
 */
export async function startReportFoldWorker(bossUrl: string, databaseUrl = process.env.DATABASE_URL ?? bossUrl): Promise<TReportFoldWorker> {
  const boss = new PgBoss({ connectionString: bossUrl, schema: JOB_QUEUE_SCHEMA, application_name: "bangfu-report-fold-queue", max: 2 });
  boss.on("error", (error) => console.error("报表归并队列出错：", error));
  await boss.start();
  // A fold that fails (a deadlock with a size change, the database restarting) is tried again;
  // what it had taken stays pending, since its transaction rolled back.
  await ensureQueueOnce(bossUrl, boss, { name: REPORT_FOLD_QUEUE, policy: "short", retryLimit: 5, retryDelay: 5, expireInSeconds: 3600 });
  const worker = await boss.work(REPORT_FOLD_QUEUE, { batchSize: 1 }, async () => {
    await foldPendingEntries(databaseUrl);
  });

  const enqueue = async () => {
    await boss.send(REPORT_FOLD_QUEUE, {});
    boss.notifyWorker(worker);
  };
  const sweep = async () => {
    if (await hasPendingEntries(databaseUrl)) await enqueue();
  };

  return listenAndSweep({
    channel: "report_ledger_pending",
    sweep,
    onNotify: enqueue,
    label: "报表归并",
    boss,
    connectionString: databaseUrl,
    applicationName: "bangfu-report-fold-listen",
  });
}
