import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { todayInShanghai } from "@/lib/format/datetime";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { periodFrom, ZReportQuery } from "@/lib/reports/period";
import type { TReportTable } from "@/lib/reports/report-tables";
import { findAllocationReport, type TAllocationReport, type TAllocationReportRow } from "./find-allocation-report";

const ZAllocationReportQuery = ZReportQuery.extend({
  fund: z.enum(Object.keys(FUND_SOURCE_LABELS) as [FundSource, ...FundSource[]], "请选择资金来源").optional(),
});
export type TAllocationReportQuery = z.infer<typeof ZAllocationReportQuery>;

/** The page's and the download's one way in: search parameters → a checked period → the report. */
export async function loadAllocationReport(actor: TActor, params: Record<string, string | undefined>) {
  const cleaned = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ZAllocationReportQuery.safeParse({ kind: "year", ...cleaned });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "统计条件有误。", query: ZAllocationReportQuery.parse({ kind: "year" }) } as const;
  const period = periodFrom(parsed.data, todayInShanghai());
  if ("error" in period) return { error: period.error, query: parsed.data } as const;
  const report = await findAllocationReport(actor, { organisationId: parsed.data.organisationId, period, fundSource: parsed.data.fund });
  return { report, query: parsed.data } as const;
}

/** The report as one table: the page renders it and the .xlsx writes it with the same columns. */
export function allocationReportTable(report: TAllocationReport): TReportTable<TAllocationReportRow> {
  return {
    key: "allocations",
    group: "money",
    title: "资金额度使用情况（含下级）",
    rows: report.rows.map((r) => ({ ...r, drillDownId: r.drillDown ? r.organisationId : null })),
    columns: [
      { header: "组织", kind: "text", value: (r) => r.name, width: 28 },
      { header: "资金来源", kind: "text", value: (r) => r.fund, width: 20 },
      { header: "拨入额度", kind: "yuan", value: (r) => r.receivedFen },
      { header: "下拨下级", kind: "yuan", value: (r) => r.passedDownFen },
      { header: "实际支出（净额）", kind: "yuan", value: (r) => r.spentFen },
      { header: "其中银行退回", kind: "yuan", value: (r) => r.bankReturnedFen },
      { header: "其中未领取退回", kind: "yuan", value: (r) => r.unclaimedFen },
      { header: "本级结余", kind: "yuan", value: (r) => r.ownBalanceFen },
      { header: "结余（含下级）", kind: "yuan", value: (r) => r.balanceFen },
      { header: "使用率", kind: "percent", value: (r) => r.usageRate },
    ],
    note:
      "拨入：期间内从上级或财政拨入本单位及下级的额度（含调整）；下拨下级：本单位拨给直属下级的额度；实际支出：审批人属本单位及下级的入账发放减去冲正、银行退回和未领取退回；" +
      "银行退回、未领取退回已从实际支出中扣除，单列备查；结余（含下级）= 拨入 − 实际支出；使用率 = 实际支出 ÷ 拨入。",
  };
}

/** The download, in the audit trail like every export. */
export async function recordAllocationReportExport(actor: TActor, input: { organisationId: string; query: TAllocationReportQuery; rows: number }) {
  await recordAudit(scopedDb(actor), actor, {
    action: "allocation.report-export",
    entityType: "report",
    organisationId: input.organisationId,
    detail: { ...input.query, rows: input.rows },
  });
}
