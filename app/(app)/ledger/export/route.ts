import { getActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/actor";
import { exportLedger } from "@/lib/ledger/find-ledger";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { ZLedgerFilters } from "@/lib/ledger/schemas";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { csvResponse } from "@/lib/format/csv";
import { todayInShanghai } from "@/lib/format/datetime";
import { fenToYuanString } from "@/lib/money/money";

// The auditor's export, streamed page by page (keyset) so a million entries never sit in memory.
// Account numbers stay masked.

const HEAD = ["日期", "建档职工", "档案编号", "组织", "救助类型", "资金来源", "金额（元）", "开户银行", "账号（脱敏）", "用途", "冲正原因", "超限特批理由", "记录编号"];

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "AUDITOR")) return new Response("您没有权限导出台账。", { status: 403 });
  const parsed = ZLedgerFilters.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return new Response("筛选条件有误，请返回台账页面重新选择后再导出。", { status: 400 });
  let entries: Awaited<ReturnType<typeof exportLedger>>;
  try {
    entries = await exportLedger(actor, parsed.data);
  } catch (error) {
    // Refused before the response starts: the auditor gets the message, not a cut-off download.
    if (error instanceof DomainError) return new Response(error.message, { status: error instanceof NotFoundError ? 404 : 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
  async function* lines() {
    for await (const e of entries) {
      yield [
        e.entryDate, e.holderName, e.fileNumber, e.organisationName, AID_TYPE_LABELS[e.aidType], FUND_SOURCE_LABELS[e.fundSource],
        fenToYuanString(e.amountFen), e.account?.bankName, e.account?.masked, e.purpose, e.reason, e.capOverrideReason, e.id,
      ];
    }
  }
  return csvResponse(`救助资金台账-${todayInShanghai()}.csv`, HEAD, lines());
}
