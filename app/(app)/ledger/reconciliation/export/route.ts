import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { reconciliationResponse } from "@/lib/payments/reconciliation-export";
import { ZReconQuery } from "@/lib/payments/schemas";

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "OFFICIAL", "AUDITOR")) return new Response("您没有权限导出对账表。", { status: 403 });
  const parsed = ZReconQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return new Response(parsed.error.issues[0]?.message ?? "筛选条件有误。", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return reconciliationResponse(actor, parsed.data);
}
