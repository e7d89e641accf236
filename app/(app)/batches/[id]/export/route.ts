import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { DomainError } from "@/lib/errors/domain-error";
import { exportBatchLinesResponse } from "@/lib/exports/export-responses";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR")) return new Response("您没有权限导出批次名单。", { status: 403 });
  const { id } = await params;
  if (!isUuid(id)) return new Response("批次不存在。", { status: 404 });
  try {
    return await exportBatchLinesResponse(actor, id, new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof DomainError) return new Response(error.message, { status: 404 });
    throw error;
  }
}
