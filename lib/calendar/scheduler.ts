import "server-only";
import PgBoss from "pg-boss";
import { prisma } from "@/lib/db/client";
import { ensureQueueOnce, JOB_QUEUE_SCHEMA } from "@/lib/db/job-queue";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { DAILY_JOB, runDailyCalendar } from "./run-daily-calendar";
import { syncWorkingCalendar } from "./working-days";

// The job runner (pg-boss, a queue kept in PostgreSQL's schema `pgboss`): the daily calendar job is
// scheduled by cron in China time. pg-boss's scheduler writes each cron tick's job once however
// many instances run (it takes a lock in the database), the queue's `singleton` policy keeps at
// most one queued or active job, and jobs survive restarts because they are rows. runJob adds an
// advisory lock and the job_run record administrators see. A start after downtime catches up:
// if today's run has not succeeded, one is queued at once (singletonKey = the day).
// Several instances may start at the same moment (one jobs process per instance): the queue is
// created once under an advisory lock (lib/db/job-queue.ts), and the others find it there.

/** 01:30 in China every day: after midnight, before anyone starts work. */
export const DAILY_CRON = "30 1 * * *";

export async function startScheduler(connectionString: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString, schema: JOB_QUEUE_SCHEMA, application_name: "bangfu-jobs" });
  boss.on("error", (error) => console.error("定时任务队列出错：", error));
  await boss.start();
  await ensureQueueOnce(connectionString, boss, { name: DAILY_JOB, policy: "singleton", retryLimit: 3, retryDelay: 600 });
  await boss.schedule(DAILY_JOB, DAILY_CRON, {}, { tz: "Asia/Shanghai" });
  await boss.work(DAILY_JOB, async () => {
    await syncWorkingCalendar();
    const outcome = await runDailyCalendar(todayInShanghai(), { oncePerDay: true });
    if (!outcome.ran) console.log(outcome.reason === "ALREADY_DONE" ? "今天的每日档案日历已完成，跳过。" : "每日档案日历已在其他实例运行，本实例跳过。");
  });
  const today = todayInShanghai();
  const doneToday = await prisma.jobRun.count({ where: { job: DAILY_JOB, forDate: dateOnly(today), status: "SUCCEEDED" } });
  if (doneToday === 0) await boss.send(DAILY_JOB, {}, { singletonKey: today });
  return boss;
}
