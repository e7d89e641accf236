import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import type { TScopedTx } from "@/lib/data/scope";

/**
 * A file reopened through the relapse path (返困重新启用, lib/filing/workflow.ts reopenFile),
 * from a warning or from its own page, settles every open warning of the file as 已返困重新建档,
 * in the reopening transaction and each with its audit row: none is left open about a household
 * that is already being filed again, and none disappears without a name beside it.
 */
export async function settleWarningsOnReopen(tx: TScopedTx, actor: TActor, file: { id: string; organisationId: string }) {
  const open = await tx.hardshipWarning.findMany({ where: { fileId: file.id, status: "OPEN" }, select: { id: true, version: true } });
  for (const w of open) {
    await tx.hardshipWarning.updateMany({
      where: { id: w.id, status: "OPEN", version: w.version },
      data: { status: "REOPENED", actedById: actor.userId, actedAt: new Date(), note: "返困重新建档", version: { increment: 1 } },
    });
    await recordAudit(tx, actor, { action: "warning.reopen", entityType: "hardship_warning", entityId: w.id, organisationId: file.organisationId });
  }
}
