// The tier the system suggests from a household's figures (DOMAIN.md "Tiers"). An official
// decides the tier; this only does the arithmetic and explains it, step by step, on the form.
// Pure and dependency-free so the form shows the same suggestion the server records.
//
// Rules, in order:
//   per-capita monthly income = (annual income − annual rigid expenditure) ÷ 12 ÷ household size,
//     rounded down to whole fen (it may be negative);
//   below 低保                         → DEEP
//   at or above 低保, below m × 低保     → RELATIVE
//   otherwise, a sudden event whose losses / rigid expenditure exceed r × annual income → ACCIDENT
//   otherwise                          → null (not eligible)
// Precedence: the income ladder comes first. A household poor by income is DEEP or RELATIVE even
// if a sudden event also happened; ACCIDENT is for households whose income alone would not
// qualify them, and the event is then noted in the steps for the official to weigh.
//
// Every comparison is made on the whole-fen figures shown in the steps, so what the caseworker
// reads ("¥570.00 不低于 ¥570.00") is exactly what was compared. Because those figures are
// integers, the results equal the comparisons on the exact values: rounding the per-capita
// income down never crosses an integer threshold, the relative line is rounded up and the
// accident line down, and multiplier and ratio are taken to six decimal places.

import { formatFen } from "@/lib/money/money";

export type TSuggestedTier = "DEEP" | "RELATIVE" | "ACCIDENT";

export type TTierPolicy = {
  /** 低保 standard, fen per person per month, for the household's region and the filing date. */
  dibaoMonthlyFen: number;
  /** Relative-hardship line as a multiple of 低保; 2 by default. */
  relativeMultiplier: number;
  /** Share of annual income a sudden event's losses must exceed; 0.8 by default. */
  accidentRatio: number;
};

export type TSuggestTierInput = {
  annualIncomeFen: number;
  annualRigidExpenditureFen: number;
  householdSize: number;
  /** Losses or rigid expenditure caused by a sudden event this year; 0 when not given. */
  accidentLossFen?: number;
  hasSuddenEvent: boolean;
  policy: TTierPolicy;
};

export type TSuggestTierResult = {
  tier: TSuggestedTier | null;
  perCapitaMonthlyFen: number;
  deepThresholdFen: number;
  relativeThresholdFen: number;
  /** The calculation in Chinese, one line per step, for display on the form. */
  steps: string[];
};

export const SUGGESTED_TIER_LABELS: Readonly<Record<TSuggestedTier, string>> = {
  DEEP: "深度困难",
  RELATIVE: "相对困难",
  ACCIDENT: "意外致困",
};

const MICRO = 1_000_000n;
const percent = new Intl.NumberFormat("zh-CN", { style: "percent", maximumFractionDigits: 4 });

/** Throws RangeError (Chinese message) on figures no form should let through. */
export function suggestTier(input: TSuggestTierInput): TSuggestTierResult {
  validate(input);
  const { annualIncomeFen: income, annualRigidExpenditureFen: rigid, householdSize: size, policy } = input;
  const loss = input.accidentLossFen ?? 0;

  const perCapitaMonthlyFen = floorDiv(income - rigid, 12 * size);
  const deepThresholdFen = policy.dibaoMonthlyFen;
  const relativeThresholdFen = ceilDiv(BigInt(deepThresholdFen) * micro(policy.relativeMultiplier), MICRO);
  const pc = formatFen(perCapitaMonthlyFen);
  const deep = formatFen(deepThresholdFen);
  const relative = formatFen(relativeThresholdFen);

  const steps = [
    `人均月收入 = (年收入 ${formatFen(income)} − 年刚性支出 ${formatFen(rigid)}) ÷ 12 ÷ ${size} 人 = ${pc}（不足 1 分的部分舍去）`,
    `深度困难线 = 低保标准 ${deep}/人·月；相对困难线 = ${deep} × ${policy.relativeMultiplier} = ${relative}`,
  ];
  const result = (tier: TSuggestedTier | null): TSuggestTierResult => ({
    tier,
    perCapitaMonthlyFen,
    deepThresholdFen,
    relativeThresholdFen,
    steps,
  });
  const incomeTierNote = (tier: TSuggestedTier) => {
    if (input.hasSuddenEvent) steps.push(`已按收入建议为${SUGGESTED_TIER_LABELS[tier]}，收入梯度优先于意外致困；突发事件情况请审定时一并考虑`);
    return result(tier);
  };

  if (perCapitaMonthlyFen < deepThresholdFen) {
    steps.push(`人均月收入 ${pc} 低于低保标准 ${deep} → ${SUGGESTED_TIER_LABELS.DEEP}`);
    return incomeTierNote("DEEP");
  }
  if (perCapitaMonthlyFen < relativeThresholdFen) {
    steps.push(`人均月收入 ${pc} 不低于低保标准 ${deep}，且低于相对困难线 ${relative} → ${SUGGESTED_TIER_LABELS.RELATIVE}`);
    return incomeTierNote("RELATIVE");
  }
  steps.push(`人均月收入 ${pc} 不低于相对困难线 ${relative}，不属于深度困难或相对困难`);

  if (!input.hasSuddenEvent) {
    steps.push("无突发事件 → 不符合建档条件");
    return result(null);
  }
  // loss > r × income ⟺ loss > floor(r × income) for whole-fen losses, so the line shown is floored.
  const accidentLineFen = floorDiv(BigInt(income) * micro(policy.accidentRatio), MICRO);
  const accidentLine = `年收入 ${formatFen(income)} × ${percent.format(policy.accidentRatio)} = ${formatFen(accidentLineFen)}`;
  if (loss > accidentLineFen) {
    steps.push(`突发事件造成的损失及刚性支出 ${formatFen(loss)} 超过 ${accidentLine} → ${SUGGESTED_TIER_LABELS.ACCIDENT}`);
    return result("ACCIDENT");
  }
  steps.push(`突发事件造成的损失及刚性支出 ${formatFen(loss)} 未超过 ${accidentLine} → 不符合建档条件`);
  return result(null);
}

function validate(input: TSuggestTierInput): void {
  const { householdSize, policy } = input;
  if (!Number.isInteger(householdSize) || householdSize < 1) throw new RangeError("家庭共同生活人数必须是不小于 1 的整数。");
  const amounts: [string, number | undefined][] = [
    ["年收入", input.annualIncomeFen],
    ["年刚性支出", input.annualRigidExpenditureFen],
    ["突发事件损失及刚性支出", input.accidentLossFen],
  ];
  for (const [label, value] of amounts) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`${label}必须是不小于 0 的整数金额（分）。`);
    }
  }
  if (!Number.isSafeInteger(policy.dibaoMonthlyFen) || policy.dibaoMonthlyFen <= 0) {
    throw new RangeError("低保标准必须是大于 0 的整数金额（分）。");
  }
  // A multiplier below 1 would put the relative line under 低保 and make the band empty.
  if (!Number.isFinite(policy.relativeMultiplier) || policy.relativeMultiplier < 1) {
    throw new RangeError("相对困难倍数必须不小于 1。");
  }
  if (!Number.isFinite(policy.accidentRatio) || policy.accidentRatio <= 0) {
    throw new RangeError("意外致困比例必须大于 0。");
  }
}

/** A policy parameter in millionths, exact for the decimal it was written as (0.8 → 800000). */
function micro(value: number): bigint {
  return BigInt(Math.round(value * 1_000_000));
}

// Division rounded towards −∞ / +∞. Operands are safe integers or their BigInt products, so
// BigInt keeps them exact; JavaScript's own BigInt division truncates towards zero.
function floorDiv(a: number | bigint, b: number | bigint): number {
  const [n, d] = [BigInt(a), BigInt(b)];
  const q = n / d;
  return Number(n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q);
}

function ceilDiv(a: bigint, b: bigint): number {
  return 0 - floorDiv(-a, b); // 0 - x, not -x, so that 0 stays 0 and never -0
}
