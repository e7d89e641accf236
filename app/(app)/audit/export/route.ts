import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { exportAuditTrailResponse } from "@/lib/exports/export-responses";

// The auditor's export of the audit trail (操作记录 or 登录记录) with the filters of the page.
export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "AUDITOR")) return new Response("您没有权限导出审计日志。", { status: 403 });
  return exportAuditTrailResponse(actor, new URL(request.url).searchParams);
}
