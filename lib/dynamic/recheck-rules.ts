import "server-only";
// When a re-check's conclusion departs from what the figures it records suggest. The domain
// function asks this before writing, so a re-check at ¥200 per person (suggested 深度困难) cannot be
// saved as 维持原类别 on a 相对困难 file without a word. Pure: unit-tested with boundary cases.
import { TIER_LABELS } from "@/lib/labels/household-file";
import { RECHECK_OUTCOME_LABELS } from "@/lib/filing/labels";
import type { RecheckOutcome, Tier } from "@/lib/generated/prisma/enums";

export type TRecheckConclusion = {
  outcome: RecheckOutcome;
  proposedTier?: Tier | null;
  exitReason?: string | null;
  /** The file's tier when checked. */
  currentTier: Tier | null;
  /** What the re-check's own figures suggest; null: no longer eligible (不符合条件). */
  suggestedTier: Tier | null;
};

/**
 * Null when the conclusion agrees with the suggestion; otherwise the sentence asking for a reason.
 * 维持原类别 agrees when the suggestion is the current tier, 建议调整类别 when it is the proposed
 * tier, and a 脱困 exit when the figures no longer qualify. A 注销 exit (death, moving away …)
 * rests on facts the figures do not show, so it never disagrees.
 */
export function recheckDisagreement(c: TRecheckConclusion): string | null {
  if (c.outcome === "PROPOSE_EXIT" && c.exitReason !== "RESOLVED") return null;
  const concluded = c.outcome === "CONFIRM" ? c.currentTier : c.outcome === "PROPOSE_TIER_CHANGE" ? (c.proposedTier ?? null) : null;
  if (concluded === c.suggestedTier) return null;
  const suggested = c.suggestedTier ? TIER_LABELS[c.suggestedTier] : "不符合条件";
  const outcome = c.outcome === "PROPOSE_TIER_CHANGE" && c.proposedTier ? `调整为${TIER_LABELS[c.proposedTier]}` : RECHECK_OUTCOME_LABELS[c.outcome];
  return `核查结论（${outcome}）与系统按本次收支建议的类别（${suggested}）不一致，请说明理由。`;
}
