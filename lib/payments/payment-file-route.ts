import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { getActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { attachmentDisposition } from "@/lib/format/csv";
import type { TPaymentFile } from "./produce-payment-file";

/**
 * The GET handler that downloads a payment file (代发文件) of a batch or a payment run in a layout
 * (?layout=<id>, the default when absent): `produce` checks scope and writes the audit row with the
 * SHA-256, which is also sent as a header. `missing` names what the id is, for the 404.
 */
export function paymentFileRoute(produce: (actor: TActor, id: string, layoutId: string | undefined) => Promise<TPaymentFile>, missing: string) {
  return async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
    const actor = await getActor();
    if (!actor) return new Response("请先登录。", { status: 401 });
    if (!hasRole(actor, "CASEWORKER", "OFFICIAL")) return new Response("您没有权限生成代发文件。", { status: 403 });
    const { id } = await params;
    const layout = new URL(request.url).searchParams.get("layout") ?? undefined;
    if (!isUuid(id) || (layout !== undefined && !isUuid(layout))) return new Response(`${missing}或格式不存在。`, { status: 404 });
    try {
      const file = await produce(actor, id, layout);
      return new Response(new Uint8Array(file.bytes), {
        headers: {
          "Content-Type": file.contentType,
          "Content-Disposition": attachmentDisposition(file.fileName),
          "Content-Length": String(file.bytes.length),
          "X-Content-SHA256": file.sha256,
          "Cache-Control": "no-store",
        },
      });
    } catch (error) {
      if (error instanceof NotFoundError) return new Response(error.message, { status: 404 });
      if (error instanceof DomainError) return new Response(error.message, { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      throw error;
    }
  };
}
