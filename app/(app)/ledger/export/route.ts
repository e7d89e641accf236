import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { exportLedgerResponse } from "@/lib/exports/export-responses";

// The auditor's export (帮扶资金发放实名制汇总表), .xlsx by default or CSV, streamed page by page.
// A refusal (bad filters, an organisation out of scope) is answered before any byte is sent.
export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "AUDITOR")) return new Response("您没有权限导出台账。", { status: 403 });
  try {
    return await exportLedgerResponse(actor, new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof DomainError) {
      return new Response(error.message, { status: error instanceof NotFoundError ? 404 : 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
}
