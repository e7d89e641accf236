// The report's tables, defined once: the page renders them and the .xlsx download writes them
// with the same columns (lib/xlsx/write-xlsx.ts), so the screen and the file cannot disagree.
import { CAUSE_LABELS, FILE_LEVEL_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { CANCEL_REASON_LABELS } from "@/lib/filing/labels";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import type { TXlsxColumn } from "@/lib/xlsx/write-xlsx";
import type { TFilesRow, TMoneyFigures, TMoneyRow, TQualityRow, TReport, TWorkRow } from "./find-report";

export type TReportTable<TRow> = {
  key: string;
  group: "files" | "money" | "work" | "quality";
  title: string;
  /** Rows with a drill-down link name the organisation to open. */
  rows: Array<TRow & { drillDownId?: string | null }>;
  total?: TRow;
  columns: TXlsxColumn<TRow>[];
  note?: string;
};

const TOTAL = "合计";
const ratio = (count: number, of: number) => (of > 0 ? count / of : null);
const keysOf = <K extends string>(labels: Record<K, string>) => Object.keys(labels) as K[];

function sumRows<T extends Record<string, unknown>>(rows: T[], name: string): T {
  const total: Record<string, unknown> = { name, key: "total", drillDown: false };
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === "number") total[k] = ((total[k] as number | undefined) ?? 0) + v;
      else if (v && typeof v === "object" && !Array.isArray(v)) {
        const into = ((total[k] as Record<string, number> | undefined) ?? {}) as Record<string, number>;
        for (const [kk, vv] of Object.entries(v as Record<string, number>)) into[kk] = (into[kk] ?? 0) + vv;
        total[k] = into;
      }
    }
  }
  return total as T;
}

const orgColumn = <T extends { name: string }>(): TXlsxColumn<T> => ({ header: "组织", kind: "text", value: (r) => r.name, width: 28 });
const drill = <T extends { drillDown: boolean; organisationId: string }>(rows: T[]) =>
  rows.map((r) => ({ ...r, drillDownId: r.drillDown ? r.organisationId : null }));

export function reportTables(report: TReport) {
  const files = drill(report.files);
  const filesTotal = sumRows(report.files, TOTAL);
  const openFiles: TReportTable<TFilesRow> = {
    key: "open-files",
    group: "files",
    title: `期末在档户数（截至 ${report.period.to}）`,
    rows: files,
    total: filesTotal,
    columns: [
      orgColumn(),
      { header: "在档合计", kind: "integer", value: (r) => r.open },
      ...keysOf(TIER_LABELS).map((t): TXlsxColumn<TFilesRow> => ({ header: TIER_LABELS[t], kind: "integer", value: (r) => r.byTier[t] ?? 0 })),
      ...keysOf(FILE_LEVEL_LABELS).map((l): TXlsxColumn<TFilesRow> => ({ header: FILE_LEVEL_LABELS[l], kind: "integer", value: (r) => r.byLevel[l] ?? 0 })),
      ...keysOf(WORKER_CATEGORY_LABELS).map((c): TXlsxColumn<TFilesRow> => ({
        header: WORKER_CATEGORY_LABELS[c],
        kind: "integer",
        value: (r) => r.byCategory[c] ?? 0,
      })),
    ],
  };
  const causes: TReportTable<TFilesRow> = {
    key: "causes",
    group: "files",
    title: "期末在档户数按主要致困原因",
    rows: files,
    total: filesTotal,
    columns: [
      orgColumn(),
      ...keysOf(CAUSE_LABELS).map((c): TXlsxColumn<TFilesRow> => ({ header: CAUSE_LABELS[c], kind: "integer", value: (r) => r.byCause[c] ?? 0 })),
    ],
  };
  const flow: TReportTable<TFilesRow> = {
    key: "file-flow",
    group: "files",
    title: "期间建档与退档",
    rows: files,
    total: filesTotal,
    note: "转入、转出按接收与转出单位分别计；同一上级内部的转移在合计中各计一次。",
    columns: [
      orgColumn(),
      { header: "新建档", kind: "integer", value: (r) => r.newFilings },
      { header: "返困", kind: "integer", value: (r) => r.reopened },
      { header: "脱困退档", kind: "integer", value: (r) => r.exitResolved },
      { header: "注销退档", kind: "integer", value: (r) => r.exitCancelled },
      ...keysOf(CANCEL_REASON_LABELS).map((c): TXlsxColumn<TFilesRow> => ({
        header: `注销：${CANCEL_REASON_LABELS[c]}`,
        kind: "integer",
        value: (r) => r.cancelByReason[c] ?? 0,
      })),
      { header: "转入", kind: "integer", value: (r) => r.transferIn },
      { header: "转出", kind: "integer", value: (r) => r.transferOut },
    ],
  };

  const moneyColumns = <T extends TMoneyFigures>(): TXlsxColumn<T>[] => [
    { header: "金额（元，冲正后净额）", kind: "yuan", value: (r) => r.amountFen, width: 20 },
    { header: "户数", kind: "integer", value: (r) => r.households },
    { header: "户次", kind: "integer", value: (r) => r.times },
    { header: "人数", kind: "integer", value: (r) => r.persons },
  ];
  const moneyTotal = { ...sumRows(report.money.rows, TOTAL), ...report.money.total, name: TOTAL } as TMoneyRow;
  const moneyByOrg: TReportTable<TMoneyRow> = {
    key: "money-org",
    group: "money",
    title: "期间救助资金（按组织）",
    rows: drill(report.money.rows),
    total: moneyTotal,
    note: "户数、人数为去重数：一户在期间内多次受助只计一户；合计行按全辖区去重，可能小于各行之和。",
    columns: [
      orgColumn(),
      ...moneyColumns<TMoneyRow>(),
      { header: "助学学生数", kind: "integer", value: (r) => r.students },
      { header: "其中渐退期家庭金额（元）", kind: "yuan", value: (r) => r.observationFen, width: 22 },
      { header: "渐退期家庭户次", kind: "integer", value: (r) => r.observationTimes },
    ],
  };
  type TTypeRow = TMoneyFigures & { aidType: AidType; name: string };
  const byType: TReportTable<TTypeRow> = {
    key: "money-type",
    group: "money",
    title: "期间救助资金（按救助类型）",
    rows: keysOf(AID_TYPE_LABELS).flatMap((t) => report.money.byType.filter((r) => r.aidType === t).map((r) => ({ ...r, name: AID_TYPE_LABELS[t] }))),
    total: { ...report.money.total, aidType: "LIVING", name: TOTAL },
    columns: [
      { header: "救助类型", kind: "text", value: (r) => r.name, width: 22 },
      ...moneyColumns<TTypeRow>(),
      { header: "助学学生数（人）", kind: "integer", value: (r) => (r.aidType === "EDUCATION" || r.name === TOTAL ? r.students : null) },
    ],
  };
  type TFundRow = TMoneyFigures & { fundSource: FundSource; name: string };
  const byFund: TReportTable<TFundRow> = {
    key: "money-fund",
    group: "money",
    title: "期间救助资金（按资金来源）",
    rows: keysOf(FUND_SOURCE_LABELS).flatMap((f) => report.money.byFund.filter((r) => r.fundSource === f).map((r) => ({ ...r, name: FUND_SOURCE_LABELS[f] }))),
    total: { ...report.money.total, fundSource: "UNION_FUNDS", name: TOTAL },
    columns: [{ header: "资金来源", kind: "text", value: (r) => r.name, width: 24 }, ...moneyColumns<TFundRow>()],
  };

  const workTotal = sumRows(report.work.rows, TOTAL);
  workTotal.avgApprovalDays = report.work.avgApprovalDays;
  const work: TReportTable<TWorkRow> = {
    key: "work",
    group: "work",
    title: "帮扶工作",
    rows: drill(report.work.rows),
    total: workTotal,
    note: "结对覆盖率按当前在档户计；“当前逾期”为期末（或今天，取较早者）仍未核查的在档户。",
    columns: [
      orgColumn(),
      { header: "当前在档户数", kind: "integer", value: (r) => r.openNow },
      { header: "已落实帮扶责任人", kind: "integer", value: (r) => r.paired },
      { header: "结对帮扶覆盖率", kind: "percent", value: (r) => ratio(r.paired, r.openNow) },
      { header: "期间核查次数", kind: "integer", value: (r) => r.rechecks },
      { header: "按期核查", kind: "integer", value: (r) => r.onTime },
      { header: "逾期后核查", kind: "integer", value: (r) => r.late },
      { header: "当前逾期未查", kind: "integer", value: (r) => r.overdue },
      { header: "新增需求（措施）", kind: "integer", value: (r) => r.measures },
      { header: "已落实措施", kind: "integer", value: (r) => r.measuresActive },
      { header: "已解决", kind: "integer", value: (r) => r.resolved },
      { header: "审定建档件数", kind: "integer", value: (r) => r.approvals },
      { header: "提交至审定平均天数", kind: "integer", value: (r) => (r.avgApprovalDays === null ? null : Math.round(r.avgApprovalDays * 10) / 10) },
    ],
  };

  const qualityTotal = sumRows(report.quality, TOTAL);
  const quality: TReportTable<TQualityRow> = {
    key: "quality",
    group: "quality",
    title: "质量指标（错评、漏评、错退、漏退）",
    rows: drill(report.quality),
    total: qualityTotal,
    note: QUALITY_NOTE,
    columns: [
      orgColumn(),
      { header: "期间核查次数", kind: "integer", value: (r) => r.rechecks },
      { header: "错评（件）", kind: "integer", value: (r) => r.findings.WRONGLY_FILED ?? 0 },
      { header: "错评率", kind: "percent", value: (r) => ratio(r.findings.WRONGLY_FILED ?? 0, r.rechecks) },
      { header: "漏退（件）", kind: "integer", value: (r) => r.findings.MISSED_EXIT ?? 0 },
      { header: "漏退率", kind: "percent", value: (r) => ratio(r.findings.MISSED_EXIT ?? 0, r.rechecks) },
      { header: "期间脱困退档", kind: "integer", value: (r) => r.exitsResolved },
      { header: "错退（渐退期内返困）", kind: "integer", value: (r) => r.reopenedInObservation, width: 20 },
      { header: "错退率", kind: "percent", value: (r) => ratio(r.reopenedInObservation, r.exitsResolved) },
      { header: "期间审定建档", kind: "integer", value: (r) => r.approvals },
      { header: "漏评（退回后审定或民政比对发现）", kind: "integer", value: (r) => r.approvalsAfterReturn, width: 22 },
      { header: "漏评率", kind: "percent", value: (r) => ratio(r.approvalsAfterReturn, r.approvals) },
    ],
  };

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
  return [openFiles, causes, flow, moneyByOrg, byType, byFund, work, quality] as TReportTable<any>[];
}

/**
 * What each quality rate counts, said to the reader on the page and in the workbook (the same
 * definitions as docs/decisions/004-report-figures.md, whose path means nothing to them).
 */
export const QUALITY_NOTE =
  "说明：错评率 = 期间核查中结论为“不符合建档条件”的次数 ÷ 期间核查次数；" +
  "漏退率 = 期间核查中结论为“已符合退档条件而未退”的次数 ÷ 期间核查次数；" +
  "错退率 = 期间内在渐退期中返困的户数 ÷ 期间脱困退档户数；" +
  "漏评率 = 期间审定建档中，曾被退回后再审定或民政比对发现为未建档会员的件数 ÷ 期间审定建档件数，每件只计一次。" +
  "民政比对发现的其他不符（收入超线、车辆房产等）只通过其引起的核查结论计入错评或漏退。";

/**
 * The download's name: the union, the period and, for one table, its whole title, so the three
 * 期间救助资金 tables (按组织 / 按救助类型 / 按资金来源) do not overwrite one another in the
 * downloads folder. Characters a file system refuses are replaced.
 */
export function reportFileName(organisationName: string, period: { from: string; to: string }, tables: Array<{ title: string }>): string {
  const one = tables.length === 1 ? `-${tables[0]!.title.replace(/（(.*?)）/g, "-$1").replace(/-$/, "")}` : "";
  return `统计报表-${organisationName}-${period.from}至${period.to}${one}.xlsx`.replace(/[\\/:*?"<>|]/g, "_");
}

/** The charts' figures, from the same report. */
export function reportCharts(report: TReport) {
  const total = sumRows(report.files, TOTAL);
  return {
    tiers: keysOf(TIER_LABELS).map((t) => ({ name: TIER_LABELS[t], value: total.byTier[t] ?? 0 })),
    causes: keysOf(CAUSE_LABELS).map((c) => ({ name: CAUSE_LABELS[c], value: total.byCause[c] ?? 0 })),
    months: report.months,
    typeFund: {
      categories: keysOf(AID_TYPE_LABELS).map((t) => AID_TYPE_LABELS[t]),
      series: keysOf(FUND_SOURCE_LABELS).map((f) => ({
        name: FUND_SOURCE_LABELS[f],
        data: keysOf(AID_TYPE_LABELS).map((t) => (report.money.typeFund.find((c) => c.aidType === t && c.fundSource === f)?.amountFen ?? 0) / 100),
      })),
    },
  };
}
