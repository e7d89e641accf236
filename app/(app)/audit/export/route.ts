import { authedRoute } from "@/lib/actions/route";
import { exportAuditTrailResponse } from "@/lib/exports/export-responses";

// The auditor's export of the audit trail (操作记录 or 登录记录) with the filters of the page.
export const GET = authedRoute(["AUDITOR"], (actor, request) => exportAuditTrailResponse(actor, new URL(request.url).searchParams), {
  forbidden: "您没有权限导出审计日志。",
});
