import { exportAuditTrail, SIGN_IN_OUTCOME_LABELS } from "@/lib/audit/find-audit-trail";
import { hasRole } from "@/lib/auth/actor";
import { getActor } from "@/lib/auth/session";
import { csvResponse } from "@/lib/format/csv";
import { parseShanghaiDate, parseShanghaiDayEnd } from "@/lib/format/parse-date";
import { todayInShanghai } from "@/lib/format/datetime";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";

// The auditor's export of the audit trail (操作记录 or 登录记录) with the filters of the page.

const HEADS = {
  events: ["时间", "操作人", "操作", "对象类型", "对象", "组织", "来源地址", "详情"],
  signins: ["时间", "用户名", "姓名", "组织", "结果", "来源地址", "浏览器"],
};

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  if (!hasRole(actor, "AUDITOR")) return new Response("您没有权限导出审计日志。", { status: 403 });
  const params = new URL(request.url).searchParams;
  const kind = params.get("tab") === "signins" ? "signins" : "events";
  const from = parseShanghaiDate(params.get("from") ?? undefined);
  const outcomeParam = params.get("outcome") ?? "";
  const outcome = outcomeParam in SIGN_IN_OUTCOME_LABELS ? (outcomeParam as SignInOutcome) : undefined;
  const filter = { actorId: params.get("person") ?? undefined, group: params.get("group") ?? undefined, fileId: params.get("file") ?? undefined, organisationId: params.get("org") ?? undefined };
  const rows = exportAuditTrail(actor, { kind, ...filter, from, to: parseShanghaiDayEnd(params.get("to") ?? undefined), outcome });
  return csvResponse(`审计日志-${kind === "events" ? "操作记录" : "登录记录"}-${todayInShanghai()}.csv`, HEADS[kind], rows);
}
