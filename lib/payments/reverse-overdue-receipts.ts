import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { addDays } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { reverseUnclaimedLines } from "./reverse-unclaimed";
import { settleBatchIfComplete } from "./settle-batch";

// The daily job's step for cash and goods: lines still 待签收 more than UNCLAIMED_DAYS (policy, by
// the paying union's region, in force today) after the batch was approved are reversed as 未领取,
// and the batch settles. Each batch in its own transaction, within the batch's organisation: the
// job acts as the batch's approver (whose approval put the entries in the ledger; a job has no user
// of its own), and the audit rows say the daily job did it.

export type TOverdueBatch = {
  id: string;
  organisationId: string;
  approvedById: string;
  approvedAt: Date;
  organisation: { name: string; path: string; depth: number; regionCode: string };
};

export const UNCLAIMED_BY_JOB = "未领取：超过签收期限仍未签收（每日日历任务）";

/** The approval date in China plus the days: the last day a signature is still awaited. */
export function lastSigningDay(approvedAt: Date, days: number): string {
  const approved = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(approvedAt);
  return addDays(approved, days);
}

export async function reverseOverdueBatch(batch: TOverdueBatch, today: string): Promise<{ reversed: number; settled: boolean }> {
  const actor: TActor = {
    userId: batch.approvedById,
    sessionId: null,
    username: "calendar-daily",
    name: "每日日历任务",
    roles: [],
    ip: null,
    organisation: { id: batch.organisationId, name: batch.organisation.name, path: batch.organisation.path, depth: batch.organisation.depth },
  };
  return scopedDb(actor).$transaction(
    async (tx) => {
      const rows = await reverseUnclaimedLines(
        tx,
        Prisma.sql`l.batch_id = ${batch.id}::uuid AND ${tx.$fileInScope(Prisma.sql`l.file_id`)}`,
        UNCLAIMED_BY_JOB,
        today,
      );
      const reversed = rows.reduce((n, r) => n + r.reversed, 0);
      if (reversed === 0) return { reversed, settled: false };
      await tx.auditEvent.create({
        data: {
          actorId: null,
          action: "payments.mark-unclaimed",
          entityType: "disbursement_batch",
          entityId: batch.id,
          organisationId: batch.organisationId,
          detail: { lines: reversed, reason: UNCLAIMED_BY_JOB, job: "calendar-daily" },
        },
      });
      const settled = await settleBatchIfComplete(tx, actor, batch.id);
      return { reversed, settled };
    },
    { timeout: 60_000 },
  );
}
