import "server-only";
import { prisma } from "@/lib/db/client";
import type { TTierPolicy } from "@/lib/filing/suggest-tier";
import { DomainError } from "@/lib/errors/domain-error";
import { inForceOn, NATIONAL_DIBAO_REGION, pickByChain, regionChain } from "./regions";

export { regionChain } from "./regions";

// Policy numbers are data: each has rows with periods [effective_from, effective_to), and a region
// may override its city, province and the national default. Policy is public, not scoped: anyone
// may read the standard that applies to them.

/** The 低保 chain ends in the national row '100000'; the other policy tables use '' for national. */
export function regionFallbacks(regionCode: string): string[] {
  return regionChain(regionCode, NATIONAL_DIBAO_REGION);
}

export async function dibaoStandard(regionCode: string, onDate: string) {
  const chain = regionFallbacks(regionCode);
  const candidates = await prisma.dibaoStandard.findMany({ where: { regionCode: { in: chain }, ...inForceOn(onDate) } });
  const row = pickByChain(candidates, chain);
  if (row) return row;
  throw new DomainError(`没有适用于地区 ${regionCode} 在 ${onDate} 的低保标准，请管理员先录入。`, "POLICY_MISSING");
}

export async function policyRow(key: string, regionCode: string, onDate: string) {
  const chain = regionChain(regionCode, "");
  const rows = await prisma.policyParameter.findMany({ where: { key, regionCode: { in: chain }, ...inForceOn(onDate) } });
  return pickByChain(rows, chain) ?? null;
}

export async function policyValue(key: string, regionCode: string, onDate: string): Promise<number> {
  const row = await policyRow(key, regionCode, onDate);
  if (!row) throw missingPolicy(key, onDate);
  return row.value.toNumber();
}

const missingPolicy = (key: string, onDate: string) => new DomainError(`缺少政策参数 ${key}（${onDate}），请管理员先录入。`, "POLICY_MISSING");

/** Several policy numbers in one read (the caseworker's workbench needs two; issue 28), each as policyValue finds it. */
export async function policyValues<K extends string>(keys: readonly K[], regionCode: string, onDate: string): Promise<Record<K, number>> {
  const chain = regionChain(regionCode, "");
  const rows = await prisma.policyParameter.findMany({ where: { key: { in: [...keys] }, regionCode: { in: chain }, ...inForceOn(onDate) } });
  const values = {} as Record<K, number>;
  for (const key of keys) {
    const row = pickByChain(
      rows.filter((r) => r.key === key),
      chain,
    );
    if (!row) throw missingPolicy(key, onDate);
    values[key] = row.value.toNumber();
  }
  return values;
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
