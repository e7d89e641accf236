import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { exportRunResultsResponse } from "@/lib/civil/export-results";
import { isUuid } from "@/lib/data/ids";
import { DomainError } from "@/lib/errors/domain-error";

export async function GET(request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, ...SECTION_ROLES.civil)) return new Response("您没有权限导出民政比对结果。", { status: 403 });
  const { runId } = await params;
  if (!isUuid(runId)) return new Response("比对记录不存在，或不在您的管辖范围内。", { status: 404 });
  try {
    return await exportRunResultsResponse(actor, runId, new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof DomainError) return new Response(error.message, { status: 400 });
    throw error;
  }
}
