// The calendar job worker, started by `npm start` beside the web server (and runnable on its own:
// `DATABASE_URL=… npm run jobs`). Run with --conditions=react-server so lib/ modules load outside Next.
import { startScheduler } from "@/lib/calendar/scheduler";
import { syncWorkingCalendar } from "@/lib/calendar/working-days";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: start the app with `npm start`.");
  process.exit(1);
}

const days = await syncWorkingCalendar();
// pg-boss creates and migrates its schema: with a separate application role, give it the owner's URL.
const boss = await startScheduler(process.env.PGBOSS_DATABASE_URL ?? url);
console.log(`定时任务已启动（节假日日历 ${days} 天；每日 01:30 生成待办事项）。`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // Lets an active job finish (up to 30 s); an unfinished one is retried after the next start.
  await boss.stop({ graceful: true, timeout: 30_000, wait: true }).catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
