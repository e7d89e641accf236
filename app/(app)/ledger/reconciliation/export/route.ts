import { authedRoute, searchParamsOf, textResponse } from "@/lib/actions/route";
import { reconciliationResponse } from "@/lib/payments/reconciliation-export";
import { ZReconQuery } from "@/lib/payments/schemas";

export const GET = authedRoute(
  ["OFFICIAL", "AUDITOR"],
  async (actor, request) => {
    const parsed = ZReconQuery.safeParse(searchParamsOf(request));
    if (!parsed.success) return textResponse(400, parsed.error.issues[0]?.message ?? "筛选条件有误。");
    return reconciliationResponse(actor, parsed.data);
  },
  { forbidden: "您没有权限导出对账表。" },
);
