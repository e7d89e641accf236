import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { attachmentDisposition } from "@/lib/format/csv";
import { produceRunPaymentFile } from "@/lib/payments/produce-run-payment-file";

/** 下载代发汇总文件 in a layout (?layout=<id>, the default when absent); the SHA-256 is audited and sent as a header. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "CASEWORKER", "OFFICIAL")) return new Response("您没有权限生成代发文件。", { status: 403 });
  const { id } = await params;
  const layout = new URL(request.url).searchParams.get("layout") ?? undefined;
  if (!isUuid(id) || (layout !== undefined && !isUuid(layout))) return new Response("代发汇总或格式不存在。", { status: 404 });
  try {
    const file = await produceRunPaymentFile(actor, { runId: id, layoutId: layout });
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
}
