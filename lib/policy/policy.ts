import "server-only";
import { prisma } from "@/lib/db/client";
import { dateOnly, dateOnlyString } from "@/lib/format/datetime";
import type { TTierPolicy } from "@/lib/filing/suggest-tier";
import { DomainError } from "@/lib/errors/domain-error";
import { pickDibao, pickParameter, regionFallbacks } from "./pick-policy";

export { regionFallbacks } from "./pick-policy";

// Policy numbers are data: each has rows by effective date, and a region may override the
// default. Policy is public, not scoped: anyone may read the standard that applies to them.

export async function dibaoStandard(regionCode: string, onDate: string) {
  const candidates = await prisma.dibaoStandard.findMany({
    where: { regionCode: { in: regionFallbacks(regionCode) }, effectiveFrom: { lte: dateOnly(onDate) } },
  });
  const row = pickDibao(candidates.map((c) => ({ ...c, effectiveFrom: dateOnlyString(c.effectiveFrom), row: c })), regionCode, onDate);
  if (row) return row.row;
  throw new DomainError(`没有适用于地区 ${regionCode} 在 ${onDate} 的低保标准，请管理员先录入。`, "POLICY_MISSING");
}

export async function policyValue(key: string, regionCode: string, onDate: string): Promise<number> {
  const rows = await prisma.policyParameter.findMany({ where: { key, regionCode: { in: [regionCode, ""] }, effectiveFrom: { lte: dateOnly(onDate) } } });
  const row = pickParameter(rows.map((r) => ({ ...r, effectiveFrom: dateOnlyString(r.effectiveFrom), row: r })), key, regionCode, onDate)?.row;
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
