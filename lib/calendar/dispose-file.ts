import "server-only";
import { mayDisposeFiles } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { removeEvidenceBytes } from "@/lib/evidence/storage";
import { addMonths, dateOnly, formatDate, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { policyValue } from "@/lib/policy/policy";

// 档案销毁: a file that exited keeps its original records for RETENTION_YEARS from the exit
// (自撤档之日起). Afterwards an official approves disposal: the evidence rows go and their bytes are
// removed after commit, a tombstone (file_disposal: number, dates, approver) stays, and the file
// row, the ledger and the audit trail are never removed.

export async function retainedUntil(exitedAt: Date, regionCode: string, today: string): Promise<string> {
  const years = await policyValue("RETENTION_YEARS", regionCode, today);
  return addMonths(formatDate(exitedAt), years * 12);
}

export async function disposeFile(actor: TActor, input: { fileId: string }, options: { today?: string } = {}) {
  enforce(mayDisposeFiles(actor));
  const today = options.today ?? todayInShanghai();
  const db = scopedDb(actor);
  const storageKeys = await db.$transaction(async (tx) => {
    const file = await tx.householdFile.findUnique({
      where: { id: input.fileId },
      select: {
        id: true,
        status: true,
        exitedAt: true,
        disposedAt: true,
        fileNumber: true,
        organisationId: true,
        organisation: { select: { regionCode: true } },
      },
    });
    if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
    await tx.$queryRaw`SELECT id FROM household_file WHERE id = ${file.id}::uuid AND ${tx.$fileInScope(Prisma.sql`id`)} FOR UPDATE`;
    if (file.disposedAt) throw new ConflictError("该档案的材料已经销毁。");
    if (file.status !== "CLOSED" || !file.exitedAt) throw new DomainError("只有已退档的档案在保管期满后才能销毁材料。", "NOT_CLOSED");
    const until = await retainedUntil(file.exitedAt, file.organisation.regionCode, today);
    if (until > today) throw new DomainError(`保管期至 ${until} 届满，期满后才能销毁。`, "RETENTION_RUNNING");
    const evidence = await tx.evidenceFile.findMany({ where: { fileId: file.id }, select: { storageKey: true } });
    const { count } = await tx.householdFile.updateMany({ where: { id: file.id, disposedAt: null, status: "CLOSED" }, data: { disposedAt: new Date() } });
    if (count !== 1) throw new ConflictError("该档案刚被他人处理，请刷新页面。");
    await tx.evidenceFile.deleteMany({ where: { fileId: file.id } });
    await tx.fileDisposal.create({
      data: {
        fileId: file.id,
        fileNumber: file.fileNumber,
        exitedAt: file.exitedAt,
        retainedUntil: dateOnly(until),
        evidenceCount: evidence.length,
        approvedById: actor.userId,
      },
    });
    await tx.workItem.updateMany({
      where: { fileId: file.id, kind: "RETENTION_ENDED", status: "OPEN" },
      data: { status: "DONE", completedById: actor.userId, completedAt: new Date() },
    });
    await recordAudit(tx, actor, {
      action: "calendar.dispose-file",
      entityType: "household_file",
      entityId: file.id,
      organisationId: file.organisationId,
      detail: { fileNumber: file.fileNumber, retainedUntil: until, evidenceCount: evidence.length },
    });
    return evidence.map((e) => e.storageKey);
  });
  // Only once the disposal is committed.
  await Promise.all(
    storageKeys.map((key) => removeEvidenceBytes(key).catch((error: unknown) => console.error("could not remove disposed evidence", key, error))),
  );
  return { fileId: input.fileId, removed: storageKeys.length };
}
