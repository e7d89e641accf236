import { authedRoute, textResponse } from "@/lib/actions/route";
import { isUuid } from "@/lib/data/ids";
import { exportBatchLinesResponse } from "@/lib/exports/export-responses";

// A batch's lines; a batch out of scope, or refused for any reason, is answered as not found.
export const GET = authedRoute<{ id: string }>(
  ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  async (actor, request, { id }) => {
    if (!isUuid(id)) return textResponse(404, "批次不存在。");
    return exportBatchLinesResponse(actor, id, new URL(request.url).searchParams);
  },
  { forbidden: "您没有权限导出批次名单。", refused: 404 },
);
