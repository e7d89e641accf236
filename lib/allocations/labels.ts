// Chinese labels for allocations (资金下拨与额度), shared by forms, pages, exports and messages.
import type { AllocationKind, OrgLevel } from "@/lib/generated/prisma/enums";

export const ALLOCATION_KIND_LABELS: Record<AllocationKind, string> = {
  RECEIVED: "拨入（财政或上级）",
  PASS_DOWN: "下拨",
  ADJUSTMENT: "调整",
  OPENING: "期初额度",
};

/** What a user may enter: OPENING rows are written only by the migration that introduced allocations. */
export const ENTERABLE_KINDS = ["RECEIVED", "PASS_DOWN", "ADJUSTMENT"] as const;
export type TEnterableKind = (typeof ENTERABLE_KINDS)[number];

/**
 * Only a national or provincial union enters money from outside the tree (财政, 全国总工会); every
 * union below is given its money by the one above, so a city cannot raise its own limit.
 */
export function mayReceiveFromOutside(level: OrgLevel): boolean {
  return level === "NATIONAL" || level === "PROVINCE";
}
