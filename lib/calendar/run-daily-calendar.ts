import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { WorkItemKind } from "@/lib/generated/prisma/enums";
import { lastSigningDay, reverseOverdueBatch } from "@/lib/payments/reverse-overdue-receipts";
import { policyValue } from "@/lib/policy/policy";
import { raiseSignals } from "@/lib/signals/raise-signals";
import { raiseWarnings } from "@/lib/warnings/raise-warnings";
import { runJob } from "./run-job";

// 每日档案日历: turns the file-management rules that run on a calendar into work items. Every step
// is one statement, idempotent by the unique key (kind, file, source_key): an item is created once
// for the date or event it is about, however often the job runs, and a run interrupted half-way is
// completed by the next one. Items whose condition no longer holds are closed as OBSOLETE. Each
// rule's numbers come from policy_parameter for the file's region on `today` (policy_number).

export type TDailyStep = { name: string; kind: WorkItemKind; create: (today: string) => Prisma.Sql; obsolete: (today: string) => Prisma.Sql };

const param = (key: string, today: string) => Prisma.sql`policy_number(${key}, o.region_code, ${today}::date)`;

/** A file's date in China from a timestamptz column. */
const shanghaiDate = (column: Prisma.Sql) => Prisma.sql`(${column} AT TIME ZONE 'Asia/Shanghai')::date`;

/** 脱困认定: the latest re-check at least RESOLVED_MONTHS ago, with no re-check since then (inclusive) suggesting a tier. */
const resolvedSince = (today: string) => Prisma.sql`
  (SELECT max(r.check_date) FROM recheck r
    WHERE r.file_id = f.id AND r.episode = f.episode
      AND r.check_date <= ${today}::date - make_interval(months => ${param("RESOLVED_MONTHS", today)}::integer))`;

export const DAILY_STEPS: TDailyStep[] = [
  {
    name: "复核到期与逾期",
    kind: "RECHECK_DUE",
    create: (today) => Prisma.sql`
      INSERT INTO work_item (kind, file_id, source_key, due_date)
      SELECT 'RECHECK_DUE', f.id, f.next_check_due::text, f.next_check_due
        FROM household_file f JOIN organisation o ON o.id = f.organisation_id
       WHERE f.status = 'OPEN' AND f.next_check_due <= ${today}::date + ${param("RECHECK_DUE_SOON_DAYS", today)}::integer
      ON CONFLICT DO NOTHING`,
    // A re-check moves next_check_due on: the item for the old date is done with.
    obsolete: () => Prisma.sql`
      UPDATE work_item w SET status = 'OBSOLETE' FROM household_file f
       WHERE w.file_id = f.id AND w.kind = 'RECHECK_DUE' AND w.status = 'OPEN'
         AND (f.status <> 'OPEN' OR f.next_check_due IS DISTINCT FROM w.due_date)`,
  },
  {
    name: "渐退期届满",
    kind: "OBSERVATION_ENDED",
    create: (today) => Prisma.sql`
      INSERT INTO work_item (kind, file_id, source_key, due_date)
      SELECT 'OBSERVATION_ENDED', f.id, f.observation_until::text, f.observation_until
        FROM household_file f WHERE f.status = 'OBSERVATION' AND f.observation_until <= ${today}::date
      ON CONFLICT DO NOTHING`,
    obsolete: () => Prisma.sql`
      UPDATE work_item w SET status = 'OBSOLETE' FROM household_file f
       WHERE w.file_id = f.id AND w.kind = 'OBSERVATION_ENDED' AND w.status = 'OPEN' AND f.status <> 'OBSERVATION'`,
  },
  {
    name: "公示期满",
    kind: "PUBLICITY_ENDED",
    create: (today) => Prisma.sql`
      INSERT INTO work_item (kind, file_id, source_key, due_date)
      SELECT 'PUBLICITY_ENDED', f.id, f.publicity_end::text, f.publicity_end
        FROM household_file f WHERE f.status = 'PUBLICITY' AND f.publicity_end <= ${today}::date
      ON CONFLICT DO NOTHING`,
    obsolete: () => Prisma.sql`
      UPDATE work_item w SET status = 'OBSOLETE' FROM household_file f
       WHERE w.file_id = f.id AND w.kind = 'PUBLICITY_ENDED' AND w.status = 'OPEN'
         AND (f.status <> 'PUBLICITY' OR f.publicity_end IS DISTINCT FROM w.due_date)`,
  },
  {
    name: "符合脱困条件",
    kind: "EXIT_SUGGESTED",
    create: (today) => Prisma.sql`
      INSERT INTO work_item (kind, file_id, source_key, due_date)
      SELECT 'EXIT_SUGGESTED', id, since::text, ${today}::date FROM (
        SELECT f.id, ${resolvedSince(today)} AS since
          FROM household_file f JOIN organisation o ON o.id = f.organisation_id
         WHERE f.status = 'OPEN'
           AND NOT EXISTS (SELECT 1 FROM change_request c WHERE c.file_id = f.id AND c.kind = 'EXIT' AND c.status = 'PENDING')
      ) s
       WHERE since IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM recheck r JOIN household_file f ON f.id = r.file_id
                          WHERE r.file_id = s.id AND r.episode = f.episode AND r.check_date >= s.since AND r.suggested_tier IS NOT NULL)
      ON CONFLICT DO NOTHING`,
    // An exit was proposed or decided, or a later re-check found the household in hardship again.
    obsolete: () => Prisma.sql`
      UPDATE work_item w SET status = 'OBSOLETE' FROM household_file f
       WHERE w.file_id = f.id AND w.kind = 'EXIT_SUGGESTED' AND w.status = 'OPEN'
         AND (f.status <> 'OPEN'
              OR EXISTS (SELECT 1 FROM change_request c WHERE c.file_id = f.id AND c.kind = 'EXIT' AND c.status = 'PENDING')
              OR EXISTS (SELECT 1 FROM recheck r WHERE r.file_id = f.id AND r.episode = f.episode AND r.check_date >= w.source_key::date AND r.suggested_tier IS NOT NULL))`,
  },
  {
    name: "保管期满",
    kind: "RETENTION_ENDED",
    create: (today) => Prisma.sql`
      INSERT INTO work_item (kind, file_id, source_key, due_date)
      SELECT 'RETENTION_ENDED', id, exited::text, until FROM (
        SELECT f.id, ${shanghaiDate(Prisma.sql`f.exited_at`)} AS exited,
               (${shanghaiDate(Prisma.sql`f.exited_at`)} + make_interval(years => ${param("RETENTION_YEARS", today)}::integer))::date AS until
          FROM household_file f JOIN organisation o ON o.id = f.organisation_id
         WHERE f.status = 'CLOSED' AND f.exited_at IS NOT NULL AND f.disposed_at IS NULL
      ) s WHERE until <= ${today}::date
      ON CONFLICT DO NOTHING`,
    obsolete: () => Prisma.sql`
      UPDATE work_item w SET status = 'OBSOLETE' FROM household_file f
       WHERE w.file_id = f.id AND w.kind = 'RETENTION_ENDED' AND w.status = 'OPEN' AND (f.status <> 'CLOSED' OR f.disposed_at IS NOT NULL)`,
  },
  {
    // 脱困后回访 (issue 25): every CHECKIN_INTERVAL_MONTHS after a 脱困 exit, for CHECKIN_MONTHS. Only
    // the latest check-in due is opened (a first run does not open every past one), and none for a
    // period that already has a visit; recordVisit closes it when the visit is recorded.
    name: "脱困后回访",
    kind: "CHECKIN_DUE",
    create: (today) => Prisma.sql`
      INSERT INTO work_item (kind, file_id, source_key, due_date)
      SELECT 'CHECKIN_DUE', f.id, d.due::text, d.due
        FROM household_file f JOIN organisation o ON o.id = f.organisation_id
       CROSS JOIN LATERAL (SELECT ${param("CHECKIN_INTERVAL_MONTHS", today)}::integer AS n, ${param("CHECKIN_MONTHS", today)}::integer AS m,
                                  ${shanghaiDate(Prisma.sql`f.exited_at`)} AS exited) p
       CROSS JOIN LATERAL (SELECT (p.exited + make_interval(months => k * p.n))::date AS due FROM generate_series(1, p.m / p.n) k) d
       WHERE f.status IN ('OBSERVATION', 'CLOSED') AND f.exit_reason = 'RESOLVED' AND f.exited_at IS NOT NULL
         AND f.exited_at >= (${today}::date - interval '60 months')::timestamp AT TIME ZONE 'Asia/Shanghai'
         AND d.due <= ${today}::date + ${param("RECHECK_DUE_SOON_DAYS", today)}::integer
         AND d.due > (${today}::date - make_interval(months => p.n))::date
         AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.file_id = f.id AND v.visit_date > (d.due - make_interval(months => p.n))::date
                                                  AND v.visit_date >= p.exited)
      ON CONFLICT DO NOTHING`,
    // The file was reopened (返困) or is no longer a 脱困 exit.
    obsolete: () => Prisma.sql`
      UPDATE work_item w SET status = 'OBSOLETE' FROM household_file f
       WHERE w.file_id = f.id AND w.kind = 'CHECKIN_DUE' AND w.status = 'OPEN'
         AND (f.status NOT IN ('OBSERVATION', 'CLOSED') OR f.exit_reason IS DISTINCT FROM 'RESOLVED')`,
  },
];

export type TDailySummary = Record<string, { created: number; closed: number }>;

/** Runs the steps for `today` (YYYY-MM-DD in China); what each created and closed. */
export async function runDailySteps(today: string, steps: TDailyStep[] = DAILY_STEPS): Promise<TDailySummary> {
  const summary: TDailySummary = {};
  for (const step of steps) {
    const closed = await prisma.$executeRaw(step.obsolete(today));
    const created = await prisma.$executeRaw(step.create(today));
    summary[step.name] = { created, closed };
  }
  return summary;
}

/**
 * 未领取 (issue 23 §4): cash and goods lines not signed within UNCLAIMED_DAYS of the approval are
 * reversed in the ledger and their batches settle (lib/payments/reverse-overdue-receipts.ts).
 */
export async function reverseOverdueReceipts(today: string): Promise<TDailySummary> {
  const batches = await prisma.disbursementBatch.findMany({
    where: { status: "APPROVED", paymentMethod: { in: ["CASH", "IN_KIND"] }, lines: { some: { removed: false, paymentStatus: "WAITING" } } },
    select: {
      id: true,
      organisationId: true,
      approvedById: true,
      approvedAt: true,
      organisation: { select: { name: true, path: true, depth: true, regionCode: true } },
    },
  });
  const days = new Map<string, number>();
  let reversed = 0;
  let settled = 0;
  for (const batch of batches) {
    if (!batch.approvedById || !batch.approvedAt) continue;
    const region = batch.organisation.regionCode;
    if (!days.has(region)) days.set(region, await policyValue("UNCLAIMED_DAYS", region, today));
    if (lastSigningDay(batch.approvedAt, days.get(region)!) >= today) continue;
    const outcome = await reverseOverdueBatch({ ...batch, approvedById: batch.approvedById, approvedAt: batch.approvedAt }, today);
    reversed += outcome.reversed;
    settled += outcome.settled ? 1 : 0;
  }
  return { 现金实物逾期未领取: { created: reversed, closed: settled } };
}

export const DAILY_JOB = "calendar-daily";

/**
 * The daily job: recorded in job_run, once at a time across instances. The scheduler passes
 * `oncePerDay` (a day's start-up catch-up and its cron tick run it once); an administrator's
 * 立即运行 does not (the steps are idempotent, so a rerun only adds what is new).
 */
export function runDailyCalendar(today: string, options: { oncePerDay?: boolean } = {}) {
  // After the work items, in the same job run: uncollected cash reversed (issue 23), then the return-to-hardship warnings and signals (issue 25).
  return runJob(
    DAILY_JOB,
    today,
    async () => ({
      ...(await runDailySteps(today)),
      ...(await reverseOverdueReceipts(today)),
      ...(await raiseWarnings(today)),
      ...(await raiseSignals(today)),
    }),
    options,
  );
}
