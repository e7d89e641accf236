// Chinese labels for allocations (资金下拨与额度), shared by forms, pages, exports and messages.
import type { AllocationKind } from "@/lib/generated/prisma/enums";

export const ALLOCATION_KIND_LABELS: Record<AllocationKind, string> = {
  RECEIVED: "拨入（财政或上级）",
  PASS_DOWN: "下拨",
  ADJUSTMENT: "调整",
  OPENING: "期初额度",
};

/** What a user may enter: OPENING rows are written only by the migration that introduced allocations. */
export const ENTERABLE_KINDS = ["RECEIVED", "PASS_DOWN", "ADJUSTMENT"] as const;
export type TEnterableKind = (typeof ENTERABLE_KINDS)[number];
