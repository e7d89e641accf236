import { authedRoute } from "@/lib/actions/route";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { exportArchiveResponse } from "@/lib/exports/export-responses";

export const GET = authedRoute(SECTION_ROLES.archive, (actor, request) => exportArchiveResponse(actor, new URL(request.url).searchParams), {
  forbidden: "您没有权限导出档案台账。",
});
