import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb, scopedReadDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { dateOnlyString } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { maskResidentId } from "@/lib/people/resident-id";
import { maskAccountNumber } from "./labels";
import { membersOf, studentName } from "./household-members";

// Batches (批量发放): the list, one batch, its lines, and their download.

// ───── Batches ─────

export async function findBatches(actor: TActor, page: number) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const [rows, total] = await Promise.all([
    db.disbursementBatch.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { organisation: { select: { name: true } }, createdBy: { select: { name: true } } },
    }),
    db.disbursementBatch.count(),
  ]);
  return toPage(
    rows.map((b) => ({
      id: b.id,
      name: b.name,
      status: b.status,
      aidType: b.aidType,
      fundSource: b.fundSource,
      entryDate: dateOnlyString(b.entryDate),
      organisationName: b.organisation.name,
      createdBy: b.createdBy.name,
      // Kept on the batch by batch_line's triggers (0043, 0063): its lines are not read.
      lines: b.lineCount,
      totalFen: Number(b.totalFen),
    })),
    total,
    page,
  );
}

export async function getBatch(actor: TActor, batchId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const batch = await db.disbursementBatch.findUnique({
    where: { id: batchId },
    include: {
      organisation: { select: { name: true } },
      createdBy: { select: { name: true } },
      submittedBy: { select: { name: true } },
      approvedBy: { select: { name: true } },
      paidBy: { select: { name: true } },
    },
  });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  // Found in scope above; lines of a batch lie in its organisation's subtree.
  const [byOrganisation, removed] = await Promise.all([
    db.$queryRaw<Array<{ organisation_id: string; name: string; lines: bigint; total: bigint }>>`
      SELECT l.organisation_id, o.name, COUNT(*)::bigint AS lines, SUM(COALESCE(l.adjusted_amount_fen, l.amount_fen))::bigint AS total
        FROM batch_line l JOIN organisation o ON o.id = l.organisation_id
       WHERE l.batch_id = ${batchId}::uuid AND NOT l.removed AND ${db.$fileInScope(Prisma.sql`l.file_id`)} GROUP BY 1, 2 ORDER BY 2`,
    db.batchLine.count({ where: { batchId, removed: true } }),
  ]);
  const organisations = byOrganisation.map((o) => ({ organisationId: o.organisation_id, name: o.name, lines: Number(o.lines), totalFen: Number(o.total) }));
  return {
    id: batch.id,
    name: batch.name,
    status: batch.status,
    version: batch.version,
    aidType: batch.aidType,
    fundSource: batch.fundSource,
    standardAmountFen: batch.standardAmountFen,
    entryDate: dateOnlyString(batch.entryDate),
    purpose: batch.purpose,
    tiers: batch.tiers,
    fileLevels: batch.fileLevels,
    organisationName: batch.organisation.name,
    rejectionReason: batch.rejectionReason,
    createdById: batch.createdById,
    submittedById: batch.submittedById,
    paymentMethod: batch.paymentMethod,
    goodsDescription: batch.goodsDescription,
    createdBy: batch.createdBy.name,
    createdAt: batch.createdAt,
    submittedBy: batch.submittedBy?.name ?? null,
    submittedAt: batch.submittedAt,
    approvedBy: batch.approvedBy?.name ?? null,
    approvedAt: batch.approvedAt,
    paidBy: batch.paidBy?.name ?? null,
    paidAt: batch.paidAt,
    organisations,
    removedLines: removed,
    includedLines: organisations.reduce((n, o) => n + o.lines, 0),
    totalFen: organisations.reduce((n, o) => n + o.totalFen, 0),
  };
}

export const BATCH_LINES_PAGE_SIZE = 50;

export async function findBatchLines(actor: TActor, batchId: string, query: { removed: boolean; page: number }) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const where: Prisma.BatchLineWhereInput = { batchId, removed: query.removed };
  const [rows, total] = await Promise.all([
    db.batchLine.findMany({
      where,
      orderBy: [{ organisationId: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * BATCH_LINES_PAGE_SIZE,
      take: BATCH_LINES_PAGE_SIZE,
      include: {
        file: { select: { id: true, holderName: true, fileNumber: true, data: true } },
        organisation: { select: { name: true } },
        bankAccount: { select: { bankName: true, accountNumber: true } },
      },
    }),
    db.batchLine.count({ where }),
  ]);
  return toPage(
    rows.map((l) => ({
      id: l.id,
      fileId: l.file.id,
      holderName: l.file.holderName,
      fileNumber: l.file.fileNumber,
      tier: l.tier,
      fileLevel: l.fileLevel,
      organisationName: l.organisation.name,
      student: studentName(membersOf(l.file.data), l.studentResidentId),
      amountFen: l.amountFen,
      adjustedAmountFen: l.adjustedAmountFen,
      adjustReason: l.adjustReason,
      removedReason: l.removedReason,
      paymentStatus: l.paymentStatus,
      paymentReason: l.paymentReason,
      account: l.bankAccount && `${l.bankAccount.bankName} ${maskAccountNumber(l.bankAccount.accountNumber)}`,
    })),
    total,
    query.page,
    BATCH_LINES_PAGE_SIZE,
  );
}

/** How many lines exportBatchLines writes (a batch in scope; 0 for any other). */
export async function countBatchLines(actor: TActor, batchId: string): Promise<number> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  return (await scopedReadDb(actor)).batchLine.count({ where: { batchId } });
}

/** Every line of a batch (included ones first), for the batch's download; accounts stay masked. */
export async function* exportBatchLines(actor: TActor, batchId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = await scopedReadDb(actor);
  const batch = await db.disbursementBatch.findUnique({ where: { id: batchId }, select: { id: true, name: true, organisationId: true } });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  await recordAudit(db, actor, {
    action: "ledger.export-batch-lines",
    entityType: "disbursement_batch",
    entityId: batch.id,
    organisationId: batch.organisationId,
  });
  let after: string | undefined;
  for (;;) {
    const rows = await db.batchLine.findMany({
      where: { batchId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: 2000,
      include: {
        file: { select: { holderName: true, fileNumber: true, tier: true, fileLevel: true, holderResidentId: true, data: true } },
        organisation: { select: { name: true } },
        bankAccount: { select: { bankName: true, accountNumber: true } },
      },
    });
    for (const l of rows) {
      yield {
        batchName: batch.name,
        holderName: l.file.holderName,
        fileNumber: l.file.fileNumber,
        tier: l.file.tier,
        fileLevel: l.file.fileLevel,
        maskedResidentId: l.file.holderResidentId ? maskResidentId(l.file.holderResidentId) : null,
        organisationName: l.organisation.name,
        student: studentName(membersOf(l.file.data), l.studentResidentId),
        amountFen: l.amountFen,
        adjustedAmountFen: l.adjustedAmountFen,
        payableFen: l.removed ? 0 : (l.adjustedAmountFen ?? l.amountFen),
        adjustReason: l.adjustReason,
        removed: l.removed,
        removedReason: l.removedReason,
        bankName: l.bankAccount?.bankName ?? null,
        maskedAccount: l.bankAccount ? maskAccountNumber(l.bankAccount.accountNumber) : null,
      };
    }
    if (rows.length < 2000) return;
    after = rows.at(-1)!.id;
  }
}
