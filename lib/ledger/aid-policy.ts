import "server-only";
import type { TScopedTx } from "@/lib/data/scope";
import { DomainError } from "@/lib/errors/domain-error";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AidType, FileLevel, FileStatus, FundSource } from "@/lib/generated/prisma/enums";
import { inForceOn, pickByChain, regionChain } from "@/lib/policy/regions";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "./labels";

// Aid policy is data (table aid_policy): standards and annual caps by aid type, file level and
// region ('' = national), with periods. Policy is public, not organisation data, so it is read unscoped.

export type TAidPolicy = {
  aidType: AidType;
  standardAmountFen: number | null;
  annualCapFen: number | null;
  capPer: "HOUSEHOLD" | "STUDENT";
  allowedInObservation: boolean;
  cash: boolean;
  fileLevel: FileLevel | null;
  regionCode: string;
};

/**
 * The row in force on `onDate` for a file of `fileLevel` in `regionCode`: the most specific region
 * along region → city → province → national that has a row, and in it the file level's own row
 * before the any-level row. The same order as `aidPolicySql` below, which batches use.
 */
export async function aidPolicyFor(tx: TScopedTx, aidType: AidType, fileLevel: FileLevel | null, regionCode: string, onDate: string): Promise<TAidPolicy> {
  const chain = regionChain(regionCode, "");
  const rows = await tx.aidPolicy.findMany({
    where: { aidType, regionCode: { in: chain }, ...inForceOn(onDate), AND: [{ OR: [{ fileLevel: null }, ...(fileLevel ? [{ fileLevel }] : [])] }] },
  });
  rows.sort((a, b) => chain.indexOf(a.regionCode) - chain.indexOf(b.regionCode) || Number(a.fileLevel === null) - Number(b.fileLevel === null));
  const row = rows[0];
  if (!row) throw new DomainError(`缺少${AID_TYPE_LABELS[aidType]}在 ${onDate} 适用的政策参数，请管理员先录入。`, "POLICY_MISSING");
  return row;
}

/** aidPolicyFor in SQL, for a LATERAL join: `level` and `region` are SQL expressions of the row being priced. */
export function aidPolicySql(aidType: string, onDate: string, level: Prisma.Sql, region: Prisma.Sql): Prisma.Sql {
  const chain = Prisma.sql`ARRAY[${region}, substr(${region}, 1, 4) || '00', substr(${region}, 1, 2) || '0000', '']`;
  return Prisma.sql`
    SELECT * FROM aid_policy ap
     WHERE ap.aid_type = ${aidType}::aid_type AND daterange(ap.effective_from, ap.effective_to) @> ${onDate}::date
       AND (ap.file_level = ${level} OR ap.file_level IS NULL) AND ap.region_code = ANY(${chain})
     ORDER BY array_position(${chain}, ap.region_code), ap.file_level IS NULL LIMIT 1`;
}

/**
 * 专款专用: refuses a fund that may not pay the aid type on the day (table fund_aid_rule; a fund with
 * no rule in force may pay any type). The triggers *_fund_aid_rule make the same check in the database.
 */
export async function assertFundMayPay(tx: TScopedTx, fundSource: FundSource, aidType: AidType, regionCode: string, onDate: string) {
  const chain = regionChain(regionCode, "");
  const rules = await tx.fundAidRule.findMany({ where: { fundSource, regionCode: { in: chain }, ...inForceOn(onDate) } });
  const rule = pickByChain(rules, chain);
  if (rule && !rule.aidTypes.includes(aidType)) {
    throw new DomainError(
      `专款专用：${FUND_SOURCE_LABELS[fundSource]}只能用于${rule.aidTypes.map((t) => AID_TYPE_LABELS[t]).join("、")}，不能发放${AID_TYPE_LABELS[aidType]}。`,
      "FUND_NOT_ALLOWED",
      { fundSource: "该资金不能用于此类救助" },
    );
  }
}

/** True for the error the database raises when a fund pays a type it may not (trigger enforce_fund_aid_rule). */
export function isFundRuleViolation(error: unknown): boolean {
  return String((error as { message?: string })?.message ?? "").includes("may not pay aid type");
}

/**
 * THE place in code where a file status is eligible for aid (mirrored in SQL by the function
 * aid_status_eligible in migration 0004, which batch building uses): open files (在档), and files in
 * their observation period (渐退期) where the aid type allows it.
 */
export function isStatusEligibleForAid(status: FileStatus, policy: Pick<TAidPolicy, "allowedInObservation">): boolean {
  return status === "OPEN" || (status === "OBSERVATION" && policy.allowedInObservation);
}
