import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { dateOnlyString } from "@/lib/format/datetime";
import { aidPolicyFor } from "./aid-policy";
import { capUsage } from "./caps";
import { maskAccountNumber } from "./labels";
import { LEDGER_READERS } from "./readers";
import { membersOf, studentName } from "./household-members";

// Single requests and reversals as the official deciding them sees them, and the officials' queue.

/** A request as the official deciding it sees it, with the cap usage it would add to. */
export async function getDisbursement(actor: TActor, disbursementId: string) {
  assertRole(actor, ...LEDGER_READERS);
  const db = scopedDb(actor);
  const d = await db.disbursement.findUnique({
    where: { id: disbursementId },
    include: {
      file: { select: { id: true, holderName: true, fileNumber: true, status: true, fileLevel: true, data: true } },
      organisation: { select: { name: true, regionCode: true } },
      bankAccount: { select: { bankName: true, accountNumber: true } },
      recordedBy: { select: { name: true } },
      decidedBy: { select: { name: true } },
      reversesEntry: { select: { id: true, amountFen: true, entryDate: true, purpose: true } },
      ledgerEntry: { select: { id: true } },
      paymentRun: { select: { id: true, name: true } },
    },
  });
  if (!d) throw new NotFoundError("申请不存在，或不在您的管辖范围内。");
  const entryDate = dateOnlyString(d.entryDate);
  let cap: { annualCapFen: number; usedFen: number; perStudent: boolean } | null = null;
  if (!d.reversesEntryId && d.status === "PENDING") {
    const policy = await aidPolicyFor(db as never, d.aidType, d.file.fileLevel, d.organisation.regionCode, entryDate).catch(() => null);
    if (policy?.annualCapFen != null) {
      const perStudent = d.aidType === "EDUCATION" || policy.capPer === "STUDENT";
      const usedFen = await capUsage(db as never, {
        fileId: d.fileId,
        aidType: d.aidType,
        entryDate,
        perStudent,
        studentResidentId: d.studentResidentId,
        excludeDisbursementId: d.id,
      });
      cap = { annualCapFen: policy.annualCapFen, usedFen, perStudent };
    }
  }
  return {
    id: d.id,
    status: d.status,
    aidType: d.aidType,
    fundSource: d.fundSource,
    amountFen: d.amountFen,
    entryDate,
    purpose: d.purpose,
    evidence: d.evidence,
    student: studentName(membersOf(d.file.data), d.studentResidentId),
    overCapNote: d.overCapNote,
    capOverrideReason: d.capOverrideReason,
    rejectionReason: d.rejectionReason,
    recordedById: d.recordedById,
    recordedBy: d.recordedBy.name,
    recordedAt: d.recordedAt,
    decidedBy: d.decidedBy?.name ?? null,
    decidedAt: d.decidedAt,
    file: { id: d.file.id, holderName: d.file.holderName, fileNumber: d.file.fileNumber, status: d.file.status },
    organisationName: d.organisation.name,
    account: d.bankAccount && { bankName: d.bankAccount.bankName, masked: maskAccountNumber(d.bankAccount.accountNumber) },
    reverses: d.reversesEntry && {
      id: d.reversesEntry.id,
      amountFen: d.reversesEntry.amountFen,
      entryDate: dateOnlyString(d.reversesEntry.entryDate),
      purpose: d.reversesEntry.purpose,
    },
    entryId: d.ledgerEntry?.id ?? null,
    cap,
    // 代发汇总 (0037): the run that sent it to the bank, and the bank's answer.
    payment: d.paymentRun && d.paymentStatus ? { runId: d.paymentRun.id, runName: d.paymentRun.name, status: d.paymentStatus, reason: d.paymentReason } : null,
  };
}

/**
 * The officials' queue for assistance, one list per kind of thing with its own count (issue 26: a
 * heading "待审批（0）" sat above a batch already approved and waiting to be paid): batches to
 * approve, single payments to approve, reversals to approve, and approved batches not yet paid.
 */
export async function findPendingApprovals(actor: TActor) {
  assertRole(actor, "OFFICIAL");
  const db = scopedDb(actor);
  const include = { file: { select: { holderName: true } }, organisation: { select: { name: true } }, recordedBy: { select: { name: true } } } as const;
  const order = [{ recordedAt: "asc" }, { id: "asc" }] as const;
  const single = { status: "PENDING", reversesEntryId: null } as const;
  const reversal = { status: "PENDING", reversesEntryId: { not: null } } as const;
  const batchesIn = (status: "SUBMITTED" | "APPROVED") =>
    db.disbursementBatch.findMany({
      where: { status },
      orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
      take: 50,
      // lineCount is kept by batch_line's triggers (0043): a relation count here aggregated all of batch_line.
      include: { organisation: { select: { name: true } }, submittedBy: { select: { name: true } } },
    });
  const [disbursements, disbursementCount, reversals, reversalCount, submitted, submittedCount, approved, approvedCount] = await Promise.all([
    db.disbursement.findMany({ where: single, orderBy: [...order], take: 50, include }),
    db.disbursement.count({ where: single }),
    db.disbursement.findMany({ where: reversal, orderBy: [...order], take: 50, include }),
    db.disbursement.count({ where: reversal }),
    batchesIn("SUBMITTED"),
    db.disbursementBatch.count({ where: { status: "SUBMITTED" } }),
    batchesIn("APPROVED"),
    db.disbursementBatch.count({ where: { status: "APPROVED" } }),
  ]);
  const request = (d: (typeof disbursements)[number]) => ({
    id: d.id,
    holderName: d.file.holderName,
    organisationName: d.organisation.name,
    aidType: d.aidType,
    amountFen: d.amountFen,
    entryDate: dateOnlyString(d.entryDate),
    isReversal: !!d.reversesEntryId,
    overCap: !!d.overCapNote,
    recordedBy: d.recordedBy.name,
    isOwn: d.recordedById === actor.userId,
  });
  const batch = (b: (typeof submitted)[number]) => ({
    id: b.id,
    name: b.name,
    status: b.status,
    organisationName: b.organisation.name,
    aidType: b.aidType,
    lines: b.lineCount,
    submittedBy: b.submittedBy?.name ?? "—",
    isOwn: b.createdById === actor.userId || b.submittedById === actor.userId,
  });
  return {
    disbursementCount,
    disbursements: disbursements.map(request),
    reversalCount,
    reversals: reversals.map(request),
    submittedBatchCount: submittedCount,
    submittedBatches: submitted.map(batch),
    approvedBatchCount: approvedCount,
    approvedBatches: approved.map(batch),
  };
}
