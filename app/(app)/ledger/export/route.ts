import { authedRoute } from "@/lib/actions/route";
import { exportLedgerResponse } from "@/lib/exports/export-responses";

// The auditor's export (帮扶资金发放实名制汇总表), .xlsx by default or CSV, streamed page by page.
// A refusal (bad filters, an organisation out of scope) is answered before any byte is sent.
export const GET = authedRoute(["AUDITOR"], (actor, request) => exportLedgerResponse(actor, new URL(request.url).searchParams), {
  forbidden: "您没有权限导出台账。",
});
