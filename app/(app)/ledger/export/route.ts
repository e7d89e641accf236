import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { exportLedger } from "@/lib/ledger/find-ledger";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { ZLedgerFilters } from "@/lib/ledger/schemas";
import { fenToYuanString } from "@/lib/money/money";

// The auditor's export: CSV with a UTF-8 BOM so that Excel reads the Chinese, every field quoted,
// streamed page by page (keyset) so a million entries never sit in memory. Account numbers stay masked.

const HEAD = ["日期", "建档职工", "档案编号", "组织", "救助类型", "资金来源", "金额（元）", "开户银行", "账号（脱敏）", "用途", "冲正原因", "超限特批理由", "记录编号"];

/** Quotes every field; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function csvField(value: string | null | undefined): string {
  const text = value ?? "";
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "AUDITOR")) return new Response("您没有权限导出台账。", { status: 403 });
  const filters = ZLedgerFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const rows = exportLedger(actor, filters);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(`\uFEFF${HEAD.map(csvField).join(",")}\r\n`));
        let chunk: string[] = [];
        for await (const e of rows) {
          chunk.push([
            e.entryDate, e.holderName, e.fileNumber, e.organisationName, AID_TYPE_LABELS[e.aidType], FUND_SOURCE_LABELS[e.fundSource],
            fenToYuanString(e.amountFen), e.account?.bankName, e.account?.masked, e.purpose, e.reason, e.capOverrideReason, e.id,
          ].map(csvField).join(","));
          if (chunk.length >= 1000) {
            controller.enqueue(encoder.encode(`${chunk.join("\r\n")}\r\n`));
            chunk = [];
          }
        }
        if (chunk.length) controller.enqueue(encoder.encode(`${chunk.join("\r\n")}\r\n`));
        controller.close();
      } catch (error) {
        console.error("ledger export failed", error);
        controller.error(error);
      }
    },
  });
  const name = encodeURIComponent(`救助资金台账-${new Date().toISOString().slice(0, 10)}.csv`);
  return new Response(stream, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename*=UTF-8''${name}`, "Cache-Control": "no-store" },
  });
}
