import "server-only";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { CANCEL_REASON_LABELS, CHANGE_KIND_LABELS, EXIT_REASON_LABELS } from "@/lib/filing/labels";
import type { CancelReason, ChangeKind, ExitReason, Tier } from "@/lib/generated/prisma/enums";

export type TChangeToDescribe = {
  holderName: string | null;
  fileNumber: string | null;
  kind: ChangeKind;
  currentTier: Tier | null;
  proposedTier: Tier | null;
  exitReason: ExitReason | null;
  cancelReason: CancelReason | null;
  fromOrganisation: string;
  targetOrganisation: string | null;
  /** The receiving union confirms a transfer, not the approver of the sending one. */
  receiving?: boolean;
};

/**
 * What an approval decides, restated in its dialog (issue 26: the dialogs asked only for 审批意见):
 * the household and the change, from what to what.
 */
export function describeChange(c: TChangeToDescribe): string {
  const household = `${c.holderName ?? "未填姓名"}家庭${c.fileNumber ? `（${c.fileNumber}）` : ""}`;
  const tier = (t: Tier | null) => (t ? TIER_LABELS[t] : "无类别");
  switch (c.kind) {
    case "TIER_CHANGE":
      return `${household}：${CHANGE_KIND_LABELS.TIER_CHANGE}，由“${tier(c.currentTier)}”改为“${tier(c.proposedTier)}”`;
    case "EXIT": {
      const why = c.exitReason ? `${EXIT_REASON_LABELS[c.exitReason]}${c.cancelReason ? `：${CANCEL_REASON_LABELS[c.cancelReason]}` : ""}` : "";
      return `${household}：${CHANGE_KIND_LABELS.EXIT}${why ? `（${why}）` : ""}，现为“${tier(c.currentTier)}”`;
    }
    case "TRANSFER":
      return c.receiving
        ? `${household}：由${c.fromOrganisation}转入${c.targetOrganisation ?? "本单位"}`
        : `${household}：${CHANGE_KIND_LABELS.TRANSFER}，由${c.fromOrganisation}转至${c.targetOrganisation ?? ""}`;
  }
}
