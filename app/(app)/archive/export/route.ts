import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { DomainError } from "@/lib/errors/domain-error";
import { exportArchiveResponse } from "@/lib/exports/export-responses";

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, ...SECTION_ROLES.archive)) return new Response("您没有权限导出档案台账。", { status: 403 });
  try {
    return await exportArchiveResponse(actor, new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof DomainError) return new Response(error.message, { status: 400 });
    throw error;
  }
}
