import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, NotFoundError } from "@/lib/errors/domain-error";

/**
 * Cancels one of the actor's own exports while it is queued or running (anyone else's is not
 * found). A running export notices at its next progress point, stops and removes its file.
 */
export async function cancelExport(actor: TActor, jobId: string): Promise<void> {
  if (!isUuid(jobId)) throw new NotFoundError("导出记录不存在。");
  await scopedDb(actor).$transaction(async (tx) => {
    const job = await tx.exportJob.findFirst({ where: { id: jobId, requestedById: actor.userId }, select: { kind: true, status: true } });
    if (!job) throw new NotFoundError("导出记录不存在。");
    const { count } = await tx.exportJob.updateMany({
      where: { id: jobId, requestedById: actor.userId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELLED", finishedAt: new Date() },
    });
    if (count === 0) throw new ConflictError("该导出已经结束，不能再取消。");
    await recordAudit(tx, actor, {
      action: "export.cancelled",
      entityType: "export_job",
      entityId: jobId,
      organisationId: actor.organisation.id,
      detail: { kind: job.kind, was: job.status },
    });
  });
}
