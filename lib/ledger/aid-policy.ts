import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import { DomainError } from "@/lib/errors/domain-error";
import { dateOnly } from "@/lib/format/datetime";
import type { AidType, FileLevel, FileStatus } from "@/lib/generated/prisma/enums";
import { AID_TYPE_LABELS } from "./labels";

// Aid policy is data (table aid_policy): standards and annual caps by aid type and file level,
// with effective dates. Policy is public, not organisation data, so it is read unscoped.

export type TAidPolicy = {
  aidType: AidType;
  standardAmountFen: number | null;
  annualCapFen: number | null;
  capPer: "HOUSEHOLD" | "STUDENT";
  allowedInObservation: boolean;
  cash: boolean;
};

/** The row in force on `onDate`: the file level's own row, else the any-level row; the latest of those. */
export async function aidPolicyFor(tx: TScopedTx, aidType: AidType, fileLevel: FileLevel | null, onDate: string): Promise<TAidPolicy> {
  const rows = await tx.aidPolicy.findMany({
    where: { aidType, effectiveFrom: { lte: dateOnly(onDate) }, OR: [{ fileLevel: null }, ...(fileLevel ? [{ fileLevel }] : [])] },
    orderBy: { effectiveFrom: "desc" },
  });
  const row = rows.find((r) => r.fileLevel !== null) ?? rows[0];
  if (!row) throw new DomainError(`缺少${AID_TYPE_LABELS[aidType]}在 ${onDate} 适用的政策参数，请管理员先录入。`, "POLICY_MISSING");
  return row;
}

/**
 * THE place in code where a file status is eligible for aid (mirrored in SQL by the function
 * aid_status_eligible in migration 0004, which batch building uses): open files (在档), and files in
 * their observation period (渐退期) where the aid type allows it.
 */
export function isStatusEligibleForAid(status: FileStatus, policy: Pick<TAidPolicy, "allowedInObservation">): boolean {
  return status === "OPEN" || (status === "OBSERVATION" && policy.allowedInObservation);
}
