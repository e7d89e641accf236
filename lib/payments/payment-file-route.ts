import "server-only";
import { authedRoute, textResponse } from "@/lib/actions/route";
import type { TActor } from "@/lib/auth/actor";
import { isUuid } from "@/lib/data/ids";
import { attachmentDisposition } from "@/lib/format/csv";
import type { TPaymentFile } from "./produce-payment-file";

/**
 * The GET handler that downloads a payment file (代发文件) of a batch or a payment run in a layout
 * (?layout=<id>, the default when absent): `produce` checks scope and writes the audit row with the
 * SHA-256, which is also sent as a header. `missing` names what the id is, for the 404; a file that
 * cannot be produced in the record's state is a conflict (409).
 */
export function paymentFileRoute(produce: (actor: TActor, id: string, layoutId: string | undefined) => Promise<TPaymentFile>, missing: string) {
  return authedRoute<{ id: string }>(
    ["CASEWORKER", "OFFICIAL"],
    async (actor, request, { id }) => {
      const layout = new URL(request.url).searchParams.get("layout") ?? undefined;
      if (!isUuid(id) || (layout !== undefined && !isUuid(layout))) return textResponse(404, `${missing}或格式不存在。`);
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
    },
    { forbidden: "您没有权限生成代发文件。", refused: 409 },
  );
}
