import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { formatDateTime } from "@/lib/format/datetime";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { xlsxResponse } from "@/lib/xlsx/write-xlsx";
import { PAYMENT_STATUS_LABELS } from "./labels";
import { groupByFundAndMonth, reconcileBatches, type TReconFilters } from "./reconcile";

/** 对账表 .xlsx: per fund and month, per batch, and every difference with the line behind it; the export is audited. */
export async function reconciliationResponse(actor: TActor, filters: TReconFilters & { fromMonth: string; toMonth: string }) {
  const batches = await reconcileBatches(actor, filters);
  const groups = groupByFundAndMonth(batches);
  const differences = batches.flatMap((b) => b.differences);
  const notes = [
    `期间 ${filters.fromMonth} 至 ${filters.toMonth}${filters.fundSource ? `，${FUND_SOURCE_LABELS[filters.fundSource]}` : ""}`,
    `导出时间 ${formatDateTime(new Date())}（导出人 ${actor.name}）`,
  ];
  const figures = [
    { header: "审批笔数", kind: "integer" as const, value: (r: { approvedLines: number }) => r.approvedLines },
    { header: "审批金额", kind: "yuan" as const, value: (r: { approvedFen: number }) => r.approvedFen },
    { header: "退回金额", kind: "yuan" as const, value: (r: { returnedFen: number }) => r.returnedFen },
    { header: "到账金额", kind: "yuan" as const, value: (r: { paidFen: number }) => r.paidFen },
    { header: "待回盘金额", kind: "yuan" as const, value: (r: { waitingFen: number }) => r.waitingFen },
    { header: "台账净额", kind: "yuan" as const, value: (r: { ledgerNetFen: number }) => r.ledgerNetFen },
    { header: "回盘到账合计", kind: "yuan" as const, value: (r: { returnFilePaidFen: number }) => r.returnFilePaidFen },
    { header: "回盘退回合计", kind: "yuan" as const, value: (r: { returnFileReturnedFen: number }) => r.returnFileReturnedFen },
  ];
  return xlsxResponse(
    `资金对账_${filters.fromMonth}_${filters.toMonth}.xlsx`,
    [
      {
        name: "按资金来源和月份",
        title: `${actor.organisation.name} 资金对账（审批 − 退回 = 到账）`,
        notes,
        rows: groups,
        columns: [
          { header: "月份", kind: "text", value: (g: (typeof groups)[number]) => g.month },
          { header: "资金来源", kind: "text", value: (g: (typeof groups)[number]) => FUND_SOURCE_LABELS[g.fundSource] },
          { header: "批次数", kind: "integer", value: (g: (typeof groups)[number]) => g.batches },
          ...figures,
          { header: "差异条数", kind: "integer", value: (g: (typeof groups)[number]) => g.differences },
        ],
      },
      {
        name: "按批次",
        title: `${actor.organisation.name} 批次对账`,
        notes,
        rows: batches,
        columns: [
          { header: "批次", kind: "text", value: (b: (typeof batches)[number]) => b.name },
          { header: "月份", kind: "text", value: (b: (typeof batches)[number]) => b.month },
          { header: "资金来源", kind: "text", value: (b: (typeof batches)[number]) => FUND_SOURCE_LABELS[b.fundSource] },
          ...figures,
          { header: "差异条数", kind: "integer", value: (b: (typeof batches)[number]) => b.differenceCount },
        ],
      },
      {
        name: "差异明细",
        title: `${actor.organisation.name} 对账差异明细`,
        notes,
        rows: differences,
        columns: [
          { header: "批次", kind: "text", value: (d: (typeof differences)[number]) => d.batchName },
          { header: "建档职工", kind: "text", value: (d: (typeof differences)[number]) => d.holderName },
          { header: "金额", kind: "yuan", value: (d: (typeof differences)[number]) => d.amountFen },
          { header: "付款状态", kind: "text", value: (d: (typeof differences)[number]) => (d.status ? PAYMENT_STATUS_LABELS[d.status] : "—") },
          { header: "台账净额", kind: "yuan", value: (d: (typeof differences)[number]) => d.ledgerNetFen },
          { header: "应为", kind: "yuan", value: (d: (typeof differences)[number]) => d.expectedLedgerFen },
          { header: "差异", kind: "text", value: (d: (typeof differences)[number]) => d.problem },
        ],
      },
    ],
    async () => {
      await scopedDb(actor).$transaction(async (tx) => {
        await recordAudit(tx, actor, {
          action: "payments.export-reconciliation",
          entityType: "organisation",
          entityId: actor.organisation.id,
          organisationId: actor.organisation.id,
          detail: {
            from: filters.fromMonth,
            to: filters.toMonth,
            fundSource: filters.fundSource ?? null,
            batches: batches.length,
            differences: differences.length,
          },
        });
      });
    },
  );
}
