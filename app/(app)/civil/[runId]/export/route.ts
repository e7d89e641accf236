import { authedRoute, textResponse } from "@/lib/actions/route";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { exportRunResultsResponse } from "@/lib/civil/export-results";
import { isUuid } from "@/lib/data/ids";

export const GET = authedRoute<{ runId: string }>(
  SECTION_ROLES.civil,
  async (actor, request, { runId }) => {
    if (!isUuid(runId)) return textResponse(404, "比对记录不存在，或不在您的管辖范围内。");
    return exportRunResultsResponse(actor, runId, new URL(request.url).searchParams);
  },
  { forbidden: "您没有权限导出民政比对结果。" },
);
