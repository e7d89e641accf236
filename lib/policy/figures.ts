// The policy figures a decision stored (household_file.policy_figures, recheck.policy_figures), in words.
import { formatFen } from "@/lib/money/money";

type TStoredTierPolicy = { dibaoMonthlyFen: number; relativeMultiplier: number; accidentRatio: number; dibaoRegionCode: string; onDate: string };

export function describeTierPolicyFigures(value: unknown): string | null {
  const f = value as Partial<TStoredTierPolicy> | null;
  if (!f || typeof f.dibaoMonthlyFen !== "number") return null;
  return `测算日期 ${f.onDate}：低保标准 ${formatFen(f.dibaoMonthlyFen)}/人·月（地区 ${f.dibaoRegionCode}），相对困难倍数 ${f.relativeMultiplier}，意外致困比例 ${f.accidentRatio}`;
}
