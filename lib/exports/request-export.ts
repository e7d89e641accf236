import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isRaisedBy } from "@/lib/db/errors";
import { DomainError } from "@/lib/errors/domain-error";
import type { Prisma } from "@/lib/generated/prisma/client";
import { prepareExport } from "./export-definitions";
import { EXPORT_ACTIVE_LIMIT } from "./rules";
import { ZRequestExportInput, type TRequestExportInput } from "./schemas";

/**
 * 后台导出: checks the request exactly as the direct download would (role, full numbers only for
 * an auditor, filters, organisation or batch in scope) and refuses before anything is written;
 * then records the job and its export.requested audit row in one transaction. The insert wakes
 * the worker (trigger export_job_notify), and is refused by the database beyond
 * EXPORT_ACTIVE_LIMIT queued or running jobs of this person.
 */
export async function requestExport(actor: TActor, raw: TRequestExportInput): Promise<{ jobId: string }> {
  const input = ZRequestExportInput.parse(raw);
  // format and full are the job's own columns; the rest are the page's filters.
  const filters = Object.fromEntries(Object.entries(input.params).filter(([key]) => key !== "format" && key !== "full"));
  const params = new URLSearchParams(filters);
  if (input.full) params.set("full", "1");
  const prepared = await prepareExport(actor, input.kind, params);
  try {
    return await scopedDb(actor).$transaction(async (tx) => {
      const job = await tx.exportJob.create({
        data: {
          requestedById: actor.userId,
          organisationId: actor.organisation.id,
          kind: input.kind,
          format: input.format,
          params: filters,
          summary: prepared.summary,
          fullNumbers: prepared.full,
        },
        select: { id: true },
      });
      await recordAudit(tx, actor, {
        action: "export.requested",
        entityType: "export_job",
        entityId: job.id,
        organisationId: actor.organisation.id,
        detail: { kind: input.kind, format: input.format, filters, fullNumbers: prepared.full } as Prisma.InputJsonValue,
      });
      return { jobId: job.id };
    });
  } catch (error) {
    if (isRaisedBy(error, "export_job_active_limit")) {
      throw new DomainError(`您已有 ${EXPORT_ACTIVE_LIMIT} 个导出在排队或进行中，请等其中一个完成或取消后再申请。`, "EXPORT_LIMIT");
    }
    throw error;
  }
}
