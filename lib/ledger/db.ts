import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import { Prisma } from "@/lib/generated/prisma/client";
import { claimRow } from "@/lib/data/row-lock";
import { NotFoundError } from "@/lib/errors/domain-error";

/**
 * Locks household files for the rest of the transaction (FOR NO KEY UPDATE: the same lock a status
 * change takes). Everything that adds to a file's annual usage or depends on its status takes it
 * first, so two requests for one household are checked against the cap one after the other, and
 * a file cannot close between the eligibility check and the ledger entry.
 */
export async function lockFile(tx: TScopedTx, fileId: string) {
  await tx.$queryRaw`SELECT id FROM household_file WHERE id = ${fileId}::uuid AND ${tx.$orgInScope(Prisma.sql`organisation_id`)} FOR NO KEY UPDATE`;
}

/**
 * The same lock for a new request, without waiting: a second request for the household while one
 * is being recorded (a double click with a fresh key, two caseworkers at once) is told at once to
 * look again, instead of holding a pooled connection in the queue. After the first has committed,
 * a repeat finds it (idempotency key) and a twin is caught by the duplicate check.
 */
export async function claimFileForRequest(tx: TScopedTx, fileId: string) {
  await claimRow(tx, "household_file", fileId);
}

/** The file as aid needs it, within the actor's scope (after lockFile, so its status is current). */
export async function loadFileForAid(tx: TScopedTx, fileId: string) {
  const file = await tx.householdFile.findUnique({
    where: { id: fileId },
    select: { id: true, organisationId: true, status: true, fileLevel: true, holderName: true, data: true, organisation: { select: { regionCode: true } } },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  return file;
}

export function yearBounds(entryDate: string): { from: Date; to: Date; year: number } {
  const year = Number(entryDate.slice(0, 4));
  return { year, from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) };
}
