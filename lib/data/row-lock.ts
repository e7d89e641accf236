import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { isRowTaken, RowTakenError } from "@/lib/db/contention";
import { isUuid } from "./ids";
import type { TScopedTx } from "./scope";

// The row a decision is about, claimed first, in scope, without waiting: a second official deciding
// the same record at the same moment fails immediately (SQLSTATE 55P03, "已被他人处理" through
// lib/db/contention.ts) instead of holding a pooled connection while it waits for the first.

type TClaimable = "household_file" | "disbursement" | "disbursement_batch" | "change_request" | "payment_run";

function scopeOf(tx: TScopedTx, table: TClaimable): Prisma.Sql {
  switch (table) {
    case "household_file":
    case "disbursement_batch":
    case "payment_run":
      return tx.$orgInScope(Prisma.sql`organisation_id`);
    case "disbursement":
      return tx.$fileInScope(Prisma.sql`file_id`);
    case "change_request":
      return Prisma.sql`(${tx.$fileInScope(Prisma.sql`file_id`)} OR ${tx.$orgInScope(Prisma.sql`target_organisation_id`)})`;
  }
}

/** Locks the row for the rest of the transaction, or throws at once when someone else holds it. A row out of scope is simply not locked (the scoped read that follows reports it as not found). */
export async function claimRow(tx: TScopedTx, table: TClaimable, id: string): Promise<void> {
  if (!isUuid(id)) return;
  try {
    await tx.$queryRaw`SELECT id FROM ${Prisma.raw(table)} WHERE id = ${id}::uuid AND ${scopeOf(tx, table)} FOR NO KEY UPDATE NOWAIT`;
  } catch (error) {
    if (isRowTaken(error)) throw new RowTakenError();
    throw error;
  }
}
