import "server-only";
import { mayExportAuditLog, mayExportFull, mayExportLedger } from "./rules";
// The exports of the application, one definition per kind, shared by the direct download
// (export-responses.ts) and the background export (run-export-job.ts): how the page's URL
// parameters are read, who may ask, how many rows there will be, and the table itself (title,
// notes, columns). Preparing an export checks everything and writes nothing; only `table()`
// records the export's start in the audit trail, as the direct download always has.
import { countAuditTrail, exportAuditTrail, SIGN_IN_OUTCOME_LABELS } from "@/lib/audit/find-audit-trail";
import type { TActor } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { isUuid } from "@/lib/data/ids";
import { scopedDb, scopeOrganisationIds } from "@/lib/data/scope";
import { hasRole } from "@/lib/auth/actor";
import { DomainError, ForbiddenError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { archiveQueryFromParams, describeArchiveQuery } from "@/lib/filing/archive-params";
import { countArchiveFiles } from "@/lib/filing/find-files";
import { FILE_LEVEL_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { endOfShanghaiDay, formatDateRange, startOfShanghaiDay, todayInShanghai } from "@/lib/format/datetime";
import type { ExportJobKind, SignInOutcome } from "@/lib/generated/prisma/enums";
import { countBatchLines, exportBatchLines } from "@/lib/ledger/find-batches";
import { countLedgerExport, exportLedger } from "@/lib/ledger/export-ledger";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { ZLedgerFilters } from "@/lib/ledger/schemas";
import { fenToYuanString } from "@/lib/money/money";
import type { TXlsxColumn, TXlsxSheet } from "@/lib/xlsx/write-xlsx";
import { archiveExportSheet } from "./export-archive";
import { exportedByNote, type TExportAudit } from "./table-response";

export type TExportTable = {
  /** The download's name without extension, e.g. "困难职工台账-2026-12-02". */
  baseName: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
  sheet: TXlsxSheet<any>;
  audit: TExportAudit;
};

export type TPreparedExport = {
  kind: ExportJobKind;
  /** Full ID / account numbers (an auditor asked with full=1). */
  full: boolean;
  /** The filters in words, shown on 我的导出. */
  summary: string;
  /** How many rows the table will have, counted now (entries recorded meanwhile are written too). */
  count(): Promise<number>;
  /** The table; its start is recorded in the audit trail as the direct download records it. */
  table(): Promise<TExportTable>;
};

/** `full=1` means full ID / account numbers: only an auditor may ask, anyone else is refused. */
function wantsFull(actor: TActor, params: URLSearchParams): boolean {
  if (params.get("full") !== "1") return false;
  enforce(mayExportFull(actor));
  return true;
}

/**
 * Reads the page's URL parameters for an export of `kind` and checks them as the direct download
 * does: the role, `full=1` only for an auditor, the filters, an organisation or batch in scope.
 * Throws a DomainError (in Chinese) on any refusal; writes nothing.
 */
export async function prepareExport(actor: TActor, kind: ExportJobKind, params: URLSearchParams): Promise<TPreparedExport> {
  switch (kind) {
    case "ARCHIVE":
      return prepareArchive(actor, params);
    case "LEDGER":
      return prepareLedger(actor, params);
    case "AUDIT_EVENTS":
      return prepareAuditTrail(actor, "events", params);
    case "AUDIT_SIGNINS":
      return prepareAuditTrail(actor, "signins", params);
    case "BATCH_LINES":
      return prepareBatchLines(actor, params);
  }
}

async function prepareArchive(actor: TActor, params: URLSearchParams): Promise<TPreparedExport> {
  if (!hasRole(actor, ...SECTION_ROLES.archive)) throw new ForbiddenError("您没有权限导出档案台账。");
  const query = archiveQueryFromParams(Object.fromEntries(params));
  const full = wantsFull(actor, params);
  let orgName: string | undefined;
  if (query.organisationId) {
    const org = await scopedDb(actor).organisation.findUnique({ where: { id: query.organisationId }, select: { name: true } });
    if (!org) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
    orgName = org.name;
  }
  return {
    kind: "ARCHIVE",
    full,
    summary: describeArchiveQuery(query, orgName).replace(/^筛选条件 /, ""),
    count: () => countArchiveFiles(actor, query),
    table: async () => ({
      baseName: `困难职工台账-${todayInShanghai()}`,
      sheet: await archiveExportSheet(actor, query, { full }),
      audit: { what: "archive", entityType: "household_file", detail: { filters: query, fullResidentIds: full } },
    }),
  };
}

async function prepareLedger(actor: TActor, params: URLSearchParams): Promise<TPreparedExport> {
  enforce(mayExportLedger(actor));
  const parsed = ZLedgerFilters.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new DomainError("筛选条件有误，请返回台账页面重新选择后再导出。", "BAD_FILTERS");
  const filters = parsed.data;
  const full = wantsFull(actor, params);
  // An organisation out of scope is refused here (NotFoundError), before anything is written.
  if (filters.organisationId) await scopeOrganisationIds(actor, filters.organisationId);
  const filterWords = [
    filters.aidType && `救助类型：${AID_TYPE_LABELS[filters.aidType]}`,
    filters.fundSource && `资金来源：${FUND_SOURCE_LABELS[filters.fundSource]}`,
    (filters.from || filters.to) && `日期：${formatDateRange(filters.from, filters.to)}`,
    filters.min !== undefined && `金额不低于 ${fenToYuanString(filters.min)} 元`,
    filters.max !== undefined && `金额不高于 ${fenToYuanString(filters.max)} 元`,
  ].filter(Boolean);
  const summary = filterWords.length ? filterWords.join("；") : "全部";
  return {
    kind: "LEDGER",
    full,
    summary,
    count: () => countLedgerExport(actor, filters),
    table: async () => {
      // The export's own audit row (ledger.export) is written here, before any row is read.
      const rows = await exportLedger(actor, filters, { full });
      type TLedgerRow = Awaited<ReturnType<(typeof rows)["next"]>>["value"] & object;
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
      return {
        baseName: `帮扶资金发放实名制汇总表-${todayInShanghai()}`,
        sheet: {
          name: "帮扶资金发放实名制汇总表",
          title: `${actor.organisation.name} 帮扶资金发放实名制汇总表`,
          notes: [`筛选条件 ${summary}`, `${full ? "含完整身份号码和银行账号（审计导出）" : "身份号码和银行账号已脱敏"}　${exportedByNote(actor)}`],
          columns,
          rows,
        },
        audit: { what: "ledger", entityType: "ledger_entry", detail: { filters, fullNumbers: full } },
      };
    },
  };
}

const AUDIT_HEADS = {
  events: ["操作人", "操作", "对象类型", "对象", "组织", "来源地址", "详情"],
  signins: ["用户名", "姓名", "组织", "结果", "来源地址", "浏览器"],
};

/** A generator whose first row is read now: its refusals and its audit row come before any byte. */
async function primed<T>(rows: AsyncGenerator<T>): Promise<AsyncGenerator<T, void, undefined>> {
  const first = await rows.next();
  return (async function* all() {
    if (!first.done) yield first.value;
    yield* rows;
  })();
}

async function prepareAuditTrail(actor: TActor, kind: "events" | "signins", params: URLSearchParams): Promise<TPreparedExport> {
  enforce(mayExportAuditLog(actor));
  // The typed days themselves are what the title shows; the query gets the instants they span.
  const fromDay = params.get("from") ?? undefined;
  const toDay = params.get("to") ?? undefined;
  const from = startOfShanghaiDay(fromDay);
  const to = endOfShanghaiDay(toDay);
  const outcomeParam = params.get("outcome") ?? "";
  const outcome = outcomeParam in SIGN_IN_OUTCOME_LABELS ? (outcomeParam as SignInOutcome) : undefined;
  const filter =
    kind === "events"
      ? {
          actorId: params.get("person") ?? undefined,
          group: params.get("group") ?? undefined,
          fileId: params.get("file") ?? undefined,
          organisationId: params.get("org") ?? undefined,
        }
      : {};
  const query = { kind, ...filter, from, to, outcome: kind === "signins" ? outcome : undefined };
  const period = `期间：${formatDateRange(from && fromDay, to && toDay)}${query.outcome ? `；结果：${SIGN_IN_OUTCOME_LABELS[query.outcome]}` : ""}`;
  const label = kind === "events" ? "操作记录" : "登录记录";
  return {
    kind: kind === "events" ? "AUDIT_EVENTS" : "AUDIT_SIGNINS",
    full: false,
    summary: period,
    count: () => countAuditTrail(actor, query),
    table: async () => {
      const rows = await primed(exportAuditTrail(actor, query));
      type TRow = Awaited<ReturnType<(typeof rows)["next"]>>["value"] & object;
      const columns: TXlsxColumn<TRow>[] = [
        { header: "时间", kind: "datetime", value: (r) => r.at },
        ...AUDIT_HEADS[kind].map((header, index): TXlsxColumn<TRow> => ({
          header,
          kind: "text",
          value: (r) => r.cells[index] ?? null,
          width: header === "详情" ? 40 : 18,
        })),
      ];
      return {
        baseName: `审计日志-${label}-${todayInShanghai()}`,
        sheet: { name: label, title: `${actor.organisation.name} 审计日志（${label}）`, notes: [period, exportedByNote(actor)], columns, rows },
        audit: {
          what: `audit-trail-${kind}`,
          entityType: "audit_event",
          detail: { from: from ? fromDay : null, to: to ? toDay : null, outcome: query.outcome ?? null },
        },
      };
    },
  };
}

async function prepareBatchLines(actor: TActor, params: URLSearchParams): Promise<TPreparedExport> {
  if (!hasRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR")) throw new ForbiddenError("您没有权限导出批次名单。");
  const batchId = params.get("batch") ?? "";
  const batch = isUuid(batchId) ? await scopedDb(actor).disbursementBatch.findUnique({ where: { id: batchId }, select: { name: true } }) : null;
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  return {
    kind: "BATCH_LINES",
    full: false,
    summary: `批次：${batch.name}`,
    count: () => countBatchLines(actor, batchId),
    table: async () => {
      const rows = await primed(exportBatchLines(actor, batchId)); // audits the export
      type TRow = Awaited<ReturnType<(typeof rows)["next"]>>["value"] & object;
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
      return {
        baseName: `发放批次名单-${batch.name}-${todayInShanghai()}`,
        sheet: { name: "批次名单", title: `${actor.organisation.name} 发放批次名单：${batch.name}`, notes: [exportedByNote(actor)], columns, rows },
        audit: { what: "batch-lines", entityType: "disbursement_batch", entityId: batchId, detail: {} },
      };
    },
  };
}
