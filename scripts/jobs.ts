// The job worker, started by `npm start` beside the web server (and runnable on its own:
// `DATABASE_URL=… npm run jobs`): the daily calendar job, the background exports and the report
// fold of big ledger statements (docs/decisions/032). With
// `--exports-only` it runs the export worker alone (the end-to-end server: the calendar job would
// change the demo data the other tests read). Run with --conditions=react-server so lib/ modules
// load outside Next.
import { startScheduler } from "@/lib/calendar/scheduler";
import { syncWorkingCalendar } from "@/lib/calendar/working-days";
import { startExportWorker } from "@/lib/exports/export-worker";
import { startReportFoldWorker } from "@/lib/reports/report-fold-worker";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: start the app with `npm start`.");
  process.exit(1);
}
const exportsOnly = process.argv.includes("--exports-only");
// pg-boss migrates its schema on a pg-boss upgrade: it connects as the schema's owner. npm start
// gives the embedded database's job role for both (it owns the schema pgboss, see
// lib/db/job-queue.ts); with a server of your own, PGBOSS_DATABASE_URL is the owner's URL.
const bossUrl = process.env.PGBOSS_DATABASE_URL ?? url;

let calendar: Awaited<ReturnType<typeof startScheduler>> | undefined;
let exports: Awaited<ReturnType<typeof startExportWorker>> | undefined;
let reportFold: Awaited<ReturnType<typeof startReportFoldWorker>> | undefined;
let started = false;
let stopping = false;

async function stop() {
  if (stopping) return;
  stopping = true;
  // Asked to stop while still starting: nothing runs yet that would be worth waiting for.
  if (!started) process.exit(0);
  // Never hang a shutdown, whatever pg-boss waits for.
  setTimeout(() => process.exit(0), 40_000).unref();
  // Lets an active job finish (up to 30 s); an unfinished calendar job is retried after the next
  // start, an unfinished export is shown as interrupted.
  await Promise.all([calendar?.stop({ graceful: true, timeout: 30_000, wait: true }).catch(() => {}), exports?.stop(), reportFold?.stop()]);
  process.exit(0);
}
// Before anything is awaited, so that a signal during start-up is not missed.
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// Started by npm start with an IPC channel: when npm start dies (even by kill -9) the worker stops
// too, instead of running on alone against a database that the next start shuts down.
process.on("disconnect", () => void stop());

if (!exportsOnly) {
  const days = await syncWorkingCalendar();
  calendar = await startScheduler(bossUrl);
  console.log(`定时任务已启动（节假日日历 ${days} 天；每日 01:30 生成待办事项）。`);
}
exports = await startExportWorker(bossUrl);
// Also with --exports-only: folding a big approval into the report counts changes no figure a report shows.
reportFold = await startReportFoldWorker(bossUrl, url);
started = true;
console.log("后台导出已启动；报表归并已启动。");
