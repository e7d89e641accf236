import "server-only";
// The downloads of the application, one function each: parse the page's URL parameters the way
// the page does, build the table, stream it as .xlsx (default) or CSV. Route handlers call one of
// these and nothing else.
import { exportAuditTrail, SIGN_IN_OUTCOME_LABELS } from "@/lib/audit/find-audit-trail";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { DomainError, ForbiddenError } from "@/lib/errors/domain-error";
import { archiveQueryFromParams } from "@/lib/filing/archive-params";
import { FILE_LEVEL_LABELS, TIER_LABELS } from "@/lib/filing/labels";
import { dateOnlyString, formatDate, todayInShanghai } from "@/lib/format/datetime";
import { parseShanghaiDate } from "@/lib/format/parse-date";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";
import { exportBatchLines, exportLedger } from "@/lib/ledger/find-ledger";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { ZLedgerFilters } from "@/lib/ledger/schemas";
import { fenToYuanString } from "@/lib/money/money";
import type { TXlsxColumn } from "@/lib/xlsx/write-xlsx";
import { archiveExportSheet } from "./export-archive";
import { exportedByNote, exportFormatOf, tableResponse } from "./table-response";

/** `full=1` means full ID / account numbers: only an auditor may ask, anyone else is refused. */
function wantsFull(actor: TActor, params: URLSearchParams): boolean {
  if (params.get("full") !== "1") return false;
  if (!hasRole(actor, "AUDITOR")) throw new ForbiddenError("只有审计人员可以导出完整身份号码或银行账号。");
  return true;
}

export async function exportArchiveResponse(actor: TActor, params: URLSearchParams): Promise<Response> {
  const query = archiveQueryFromParams(Object.fromEntries(params));
  const full = wantsFull(actor, params);
  const sheet = await archiveExportSheet(actor, query, { full });
  return tableResponse(actor, exportFormatOf(params), `困难职工台账-${todayInShanghai()}`, sheet, {
    what: "archive",
    entityType: "household_file",
    detail: { filters: query, fullResidentIds: full },
  });
}

type TLedgerRow = Awaited<ReturnType<Awaited<ReturnType<typeof exportLedger>>["next"]>>["value"] & object;

export async function exportLedgerResponse(actor: TActor, params: URLSearchParams): Promise<Response> {
  const parsed = ZLedgerFilters.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new DomainError("筛选条件有误，请返回台账页面重新选择后再导出。", "BAD_FILTERS");
  const filters = parsed.data;
  const full = wantsFull(actor, params);
  // Refusals (an organisation out of scope) and the export's audit row come before any byte.
  const rows = await exportLedger(actor, filters, { full });
  const filterWords = [
    filters.aidType && `救助类型：${AID_TYPE_LABELS[filters.aidType]}`,
    filters.fundSource && `资金来源：${FUND_SOURCE_LABELS[filters.fundSource]}`,
    (filters.from || filters.to) && `日期：${filters.from ?? "不限"} 至 ${filters.to ?? "不限"}`,
    filters.min !== undefined && `金额不低于 ${fenToYuanString(filters.min)} 元`,
    filters.max !== undefined && `金额不高于 ${fenToYuanString(filters.max)} 元`,
  ].filter(Boolean);
  const columns: TXlsxColumn<TLedgerRow>[] = [
    { header: "发放日期", kind: "date", value: (e) => e.entryDate },
    { header: "建档职工（持卡人）", kind: "text", value: (e) => e.holderName, width: 12 },
    { header: "公民身份号码", kind: "text", value: (e) => e.holderResidentId, width: 21 },
    { header: "档案编号", kind: "text", value: (e) => e.fileNumber, width: 18 },
    { header: "组织", kind: "text", value: (e) => e.organisationName, width: 22 },
    { header: "救助类型", kind: "text", value: (e) => AID_TYPE_LABELS[e.aidType], width: 12 },
    { header: "资金来源", kind: "text", value: (e) => FUND_SOURCE_LABELS[e.fundSource], width: 20 },
    { header: "金额（元）", kind: "yuan", value: (e) => e.amountFen },
    { header: "开户银行", kind: "text", value: (e) => e.bankName, width: 16 },
    { header: full ? "银行账号" : "银行账号（脱敏）", kind: "text", value: (e) => e.accountNumber, width: 24 },
    { header: "发放批次", kind: "text", value: (e) => e.batchName, width: 20 },
    { header: "用途", kind: "text", value: (e) => e.purpose, width: 20 },
    { header: "冲正原因", kind: "text", value: (e) => e.reason },
    { header: "超限特批理由", kind: "text", value: (e) => e.capOverrideReason },
    { header: "记录编号", kind: "text", value: (e) => e.id, width: 38 },
  ];
  return tableResponse(
    actor,
    exportFormatOf(params),
    `帮扶资金发放实名制汇总表-${todayInShanghai()}`,
    {
      name: "帮扶资金发放实名制汇总表",
      title: `${actor.organisation.name} 帮扶资金发放实名制汇总表`,
      notes: [`筛选条件 ${filterWords.length ? filterWords.join("；") : "全部"}`, `${full ? "含完整身份号码和银行账号（审计导出）" : "身份号码和银行账号已脱敏"}　${exportedByNote(actor)}`],
      columns,
      rows,
    },
    { what: "ledger", entityType: "ledger_entry", detail: { filters, fullNumbers: full } },
  );
}

const AUDIT_HEADS = {
  events: ["操作人", "操作", "对象类型", "对象", "组织", "来源地址", "详情"],
  signins: ["用户名", "姓名", "组织", "结果", "来源地址", "浏览器"],
};

export async function exportAuditTrailResponse(actor: TActor, params: URLSearchParams): Promise<Response> {
  const kind = params.get("tab") === "signins" ? "signins" : "events";
  const from = parseShanghaiDate(params.get("from") ?? undefined);
  const toDay = parseShanghaiDate(params.get("to") ?? undefined);
  const outcomeParam = params.get("outcome") ?? "";
  const outcome = outcomeParam in SIGN_IN_OUTCOME_LABELS ? (outcomeParam as SignInOutcome) : undefined;
  const filter = { actorId: params.get("person") ?? undefined, group: params.get("group") ?? undefined, fileId: params.get("file") ?? undefined, organisationId: params.get("org") ?? undefined };
  const rows = exportAuditTrail(actor, { kind, ...filter, from, to: toDay ? new Date(toDay.getTime() + 86_400_000) : undefined, outcome });
  const first = await rows.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* rows;
  }
  const label = kind === "events" ? "操作记录" : "登录记录";
  const period = `期间：${from ? formatDate(from) : "不限"} 至 ${toDay ? dateOnlyString(toDay) : "不限"}${outcome ? `；结果：${SIGN_IN_OUTCOME_LABELS[outcome]}` : ""}`;
  type TRow = (typeof first)["value"] & object;
  const columns: TXlsxColumn<TRow>[] = [
    { header: "时间", kind: "datetime", value: (r) => r.at },
    ...AUDIT_HEADS[kind].map((header, index): TXlsxColumn<TRow> => ({ header, kind: "text", value: (r) => r.cells[index] ?? null, width: header === "详情" ? 40 : 18 })),
  ];
  return tableResponse(
    actor,
    exportFormatOf(params),
    `审计日志-${label}-${todayInShanghai()}`,
    { name: label, title: `${actor.organisation.name} 审计日志（${label}）`, notes: [period, exportedByNote(actor)], columns, rows: all() },
    { what: `audit-trail-${kind}`, entityType: "audit_event", detail: { from: from?.toISOString() ?? null, to: toDay?.toISOString() ?? null, outcome: outcome ?? null } },
  );
}

export async function exportBatchLinesResponse(actor: TActor, batchId: string, params: URLSearchParams): Promise<Response> {
  const rows = exportBatchLines(actor, batchId);
  const first = await rows.next(); // finds the batch in scope (or throws) and audits the export
  async function* all() {
    if (!first.done) yield first.value;
    yield* rows;
  }
  type TRow = (typeof first)["value"] & object;
  const batchName = first.done ? "" : first.value.batchName;
  const columns: TXlsxColumn<TRow>[] = [
    { header: "建档职工", kind: "text", value: (l) => l.holderName, width: 10 },
    { header: "公民身份号码", kind: "text", value: (l) => l.maskedResidentId, width: 21 },
    { header: "档案编号", kind: "text", value: (l) => l.fileNumber, width: 18 },
    { header: "组织", kind: "text", value: (l) => l.organisationName, width: 22 },
    { header: "困难类别", kind: "text", value: (l) => (l.tier ? TIER_LABELS[l.tier] : null) },
    { header: "档案级别", kind: "text", value: (l) => (l.fileLevel ? FILE_LEVEL_LABELS[l.fileLevel] : null) },
    { header: "学生", kind: "text", value: (l) => l.student, width: 24 },
    { header: "标准金额（元）", kind: "yuan", value: (l) => l.amountFen },
    { header: "调整后金额（元）", kind: "yuan", value: (l) => l.adjustedAmountFen },
    { header: "应发金额（元）", kind: "yuan", value: (l) => l.payableFen },
    { header: "调整原因", kind: "text", value: (l) => l.adjustReason },
    { header: "是否移出", kind: "text", value: (l) => (l.removed ? "已移出" : "在名单中"), width: 9 },
    { header: "移出原因", kind: "text", value: (l) => l.removedReason },
    { header: "开户银行", kind: "text", value: (l) => l.bankName },
    { header: "银行账号（脱敏）", kind: "text", value: (l) => l.maskedAccount, width: 24 },
  ];
  return tableResponse(
    actor,
    exportFormatOf(params),
    `发放批次名单-${batchName}-${todayInShanghai()}`,
    { name: "批次名单", title: `${actor.organisation.name} 发放批次名单：${batchName}`, notes: [exportedByNote(actor)], columns, rows: all() },
    { what: "batch-lines", entityType: "disbursement_batch", entityId: batchId, detail: {} },
  );
}
