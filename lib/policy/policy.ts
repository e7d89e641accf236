import "server-only";
import { prisma } from "@/lib/db/client";
import { dateOnly } from "@/lib/format/datetime";
import type { TTierPolicy } from "@/lib/filing/suggest-tier";
import { DomainError } from "@/lib/errors/domain-error";

// Policy numbers are data: each has rows by effective date, and a region may override the
// default. Policy is public, not scoped: anyone may read the standard that applies to them.

/** The region itself, then its city (first 4 digits + 00), its province (2 + 0000), then the national row. */
export function regionFallbacks(regionCode: string): string[] {
  return [...new Set([regionCode, `${regionCode.slice(0, 4)}00`, `${regionCode.slice(0, 2)}0000`, "100000"])];
}

export async function dibaoStandard(regionCode: string, onDate: string) {
  const candidates = await prisma.dibaoStandard.findMany({
    where: { regionCode: { in: regionFallbacks(regionCode) }, effectiveFrom: { lte: dateOnly(onDate) } },
    orderBy: { effectiveFrom: "desc" },
  });
  for (const region of regionFallbacks(regionCode)) {
    const row = candidates.find((c) => c.regionCode === region);
    if (row) return row;
  }
  throw new DomainError(`没有适用于地区 ${regionCode} 在 ${onDate} 的低保标准，请管理员先录入。`, "POLICY_MISSING");
}

export async function policyValue(key: string, regionCode: string, onDate: string): Promise<number> {
  const row = await prisma.policyParameter.findFirst({
    where: { key, regionCode: { in: [regionCode, ""] }, effectiveFrom: { lte: dateOnly(onDate) } },
    // A region's own row wins over the default; among those, the latest in force.
    orderBy: [{ regionCode: "desc" }, { effectiveFrom: "desc" }],
  });
  if (!row) throw new DomainError(`缺少政策参数 ${key}（${onDate}），请管理员先录入。`, "POLICY_MISSING");
  return row.value.toNumber();
}

export type TTierPolicyInForce = TTierPolicy & { regionCode: string; dibaoRegionCode: string; onDate: string };

export async function tierPolicy(regionCode: string, onDate: string): Promise<TTierPolicyInForce> {
  const [dibao, relativeMultiplier, accidentRatio] = await Promise.all([
    dibaoStandard(regionCode, onDate),
    policyValue("TIER_RELATIVE_MULTIPLIER", regionCode, onDate),
    policyValue("TIER_ACCIDENT_RATIO", regionCode, onDate),
  ]);
  return { dibaoMonthlyFen: dibao.monthlyFen, relativeMultiplier, accidentRatio, regionCode, dibaoRegionCode: dibao.regionCode, onDate };
}

/** The tier policy for each region, for the filing form's live suggestion. */
export async function tierPoliciesFor(regionCodes: string[], onDate: string) {
  const unique = [...new Set(regionCodes)];
  const policies = await Promise.all(unique.map((code) => tierPolicy(code, onDate).catch(() => null)));
  return Object.fromEntries(unique.flatMap((code, i) => (policies[i] ? [[code, policies[i]!]] : [])));
}
