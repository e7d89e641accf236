import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";
import { callbackCallerProblem } from "./record-callback";
import { receiptMarkingProblem } from "./mark-receipts";
import { receiptScanProblem } from "./upload-receipt-scan";

// What the batch page shows about the money leaving: how it pays, what became of its lines, the
// signed scans, the lines still waiting for a signature, and what the person looking may do — the
// same predicates the domain functions enforce.

export async function findBatchReceipts(actor: TActor, batchId: string, options: { waitingPage: number }) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const batch = await db.disbursementBatch.findUnique({
    where: { id: batchId },
    select: {
      id: true,
      status: true,
      paymentMethod: true,
      goodsDescription: true,
      createdById: true,
      submittedById: true,
      approvedById: true,
      paidById: true,
      receiptScans: {
        orderBy: { uploadedAt: "asc" },
        select: { id: true, originalName: true, sizeBytes: true, uploadedAt: true, uploadedBy: { select: { name: true } } },
      },
    },
  });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  const waitingWhere = { batchId, removed: false, paymentStatus: "WAITING" as const };
  const [outcomes, waitingTotal, waiting] = await Promise.all([
    db.batchLine.groupBy({ by: ["paymentStatus"], where: { batchId, removed: false, paymentStatus: { not: null } }, _count: { _all: true } }),
    db.batchLine.count({ where: waitingWhere }),
    batch.paymentMethod === "BANK"
      ? Promise.resolve([])
      : db.batchLine.findMany({
          where: waitingWhere,
          orderBy: [{ organisationId: "asc" }, { id: "asc" }],
          skip: (options.waitingPage - 1) * PAGE_SIZE,
          take: PAGE_SIZE,
          select: { id: true, amountFen: true, adjustedAmountFen: true, file: { select: { holderName: true } }, organisation: { select: { name: true } } },
        }),
  ]);
  const state = {
    method: batch.paymentMethod,
    status: batch.status,
    scans: batch.receiptScans.length,
    createdById: batch.createdById,
    submittedById: batch.submittedById,
  };
  return {
    method: batch.paymentMethod,
    goods: batch.goodsDescription,
    outcomes: Object.fromEntries(outcomes.map((o) => [o.paymentStatus!, o._count._all])) as Partial<Record<PaymentStatus, number>>,
    scans: batch.receiptScans,
    waiting: toPage(
      waiting.map((l) => ({ id: l.id, holderName: l.file.holderName, organisationName: l.organisation.name, amountFen: l.adjustedAmountFen ?? l.amountFen })),
      waitingTotal,
      options.waitingPage,
    ),
    scanRefusal: receiptScanProblem({ method: batch.paymentMethod, status: batch.status }),
    markRefusal: receiptMarkingProblem(state, actor),
    callerRefusal: callbackCallerProblem(batch, actor),
  };
}
