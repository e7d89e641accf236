import "server-only";
import { prisma } from "@/lib/db/client";
import { dateOnly } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";

// Every run of a calendar job is a job_run row (RUNNING → SUCCEEDED or FAILED with the error), so
// administrators see runs and failures. A session-level advisory lock per job name lets only one
// instance run a job at a time, whatever the queue does; the others record nothing and return.

export type TJobOutcome<T> = { ran: true; runId: string; result: T } | { ran: false; reason: "ALREADY_RUNNING" | "ALREADY_DONE" };

/**
 * Runs `work` for `today` unless the job is running elsewhere. With `oncePerDay`, a day that
 * already has a successful run is skipped: checked under the lock, so two workers that each picked
 * up a job for the same day run it once.
 */
export async function runJob<T>(job: string, today: string, work: () => Promise<T>, options: { oncePerDay?: boolean } = {}): Promise<TJobOutcome<T>> {
  return prisma.$transaction(
    async (lockTx) => {
      // Held by this transaction's connection for the whole run; released when it ends, also on a crash.
      const [{ locked }] = await lockTx.$queryRaw<[{ locked: boolean }]>`SELECT pg_try_advisory_xact_lock(hashtext(${`job:${job}`})) AS locked`;
      if (!locked) return { ran: false as const, reason: "ALREADY_RUNNING" as const };
      if (options.oncePerDay && (await prisma.jobRun.count({ where: { job, forDate: dateOnly(today), status: "SUCCEEDED" } })) > 0) {
        return { ran: false as const, reason: "ALREADY_DONE" as const };
      }
      // Holding the lock, nobody else runs this job: a RUNNING row left behind was cut short (a crash, a restart).
      await prisma.jobRun.updateMany({
        where: { job, status: "RUNNING" },
        data: { status: "FAILED", finishedAt: new Date(), error: "运行中断（进程退出或重启），已由下一次运行补做。" },
      });
      const run = await prisma.jobRun.create({ data: { job, forDate: dateOnly(today) }, select: { id: true } });
      try {
        const result = await work();
        await prisma.jobRun.update({ where: { id: run.id }, data: { status: "SUCCEEDED", finishedAt: new Date(), summary: result as Prisma.InputJsonValue } });
        return { ran: true as const, runId: run.id, result };
      } catch (error) {
        await prisma.jobRun.update({
          where: { id: run.id },
          data: { status: "FAILED", finishedAt: new Date(), error: String((error as Error)?.stack ?? error).slice(0, 4000) },
        });
        throw error;
      }
    },
    { timeout: 30 * 60_000, maxWait: 10_000 },
  );
}
