import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { prisma } from "@/lib/db/client";
import { ConflictError } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import { DAILY_JOB, runDailyCalendar } from "./run-daily-calendar";
import { syncWorkingCalendar } from "./working-days";

/** 立即运行: an administrator runs today's calendar job now (it is idempotent); audited. */
export async function runDailyCalendarNow(actor: TActor) {
  assertRole(actor, "ADMIN");
  await syncWorkingCalendar();
  const outcome = await runDailyCalendar(todayInShanghai());
  if (!outcome.ran) throw new ConflictError("该任务正在运行，请稍后刷新查看结果。");
  await recordAudit(prisma, actor, {
    action: "calendar.run-job",
    entityType: "job_run",
    entityId: outcome.runId,
    organisationId: actor.organisation.id,
    detail: { job: DAILY_JOB },
  });
  return { runId: outcome.runId };
}

/** The latest runs and failures, newest first (the runs are system-wide, not organisation data). */
export async function findJobRuns(actor: TActor, options: { take?: number } = {}) {
  assertRole(actor, "ADMIN");
  return prisma.jobRun.findMany({ orderBy: { startedAt: "desc" }, take: options.take ?? 50 });
}
