import "server-only";
// Matches a bank's return file to the batch's payment lines, line by line on the reference, before
// anything is written. Refused outright (nothing to show but the reason): a line of another batch,
// one payment answered twice, a total row that does not equal its lines. Otherwise every row is
// matched, unmatched (no such payment in this batch) or mismatched (amount, name or account differ
// from what was paid, or the payment was already answered), and only a file whose every row
// matches can be applied.
import { DomainError } from "@/lib/errors/domain-error";
import { formatFen } from "@/lib/money/money";
import type { TBankLayout } from "./layout-schema";
import { batchCode, REFERENCE_PATTERN, type TBatchPaymentLine } from "./payment-lines";
import type { TReadReturnFile } from "./read-return-file";

export type TMatchedRow = {
  rowNumber: number;
  reference: string;
  name: string;
  amountFen: number | null;
  outcome: "PAID" | "RETURNED" | null;
  reason: string;
  status: "matched" | "unmatched" | "mismatched";
  problems: string[];
  lineId: string | null;
};

export type TReturnMatch = {
  rows: TMatchedRow[];
  matched: number;
  unmatched: number;
  mismatched: number;
  paidLines: number;
  paidFen: number;
  returnedLines: number;
  returnedFen: number;
  statedTotalFen: number | null;
  /** Lines still waiting that this file does not mention. */
  stillWaiting: number;
  canApply: boolean;
};

const STATUS_WORDS: Record<string, string> = {
  PAID: "已到账",
  RETURNED: "已退回",
  REISSUED: "已重发",
  CLOSED: "已关闭",
  SIGNED: "已签收",
  UNCLAIMED: "未领取",
};

export function matchReturnFile(batchId: string, lines: TBatchPaymentLine[], layout: TBankLayout, file: TReadReturnFile): TReturnMatch {
  const code = batchCode(batchId);
  const bySeq = new Map(lines.map((l) => [l.seq, l]));
  const seen = new Map<number, number>();
  const rows: TMatchedRow[] = [];
  let fileTotal = 0;
  for (const row of file.rows) {
    if (row.amountFen !== null) fileTotal += row.amountFen;
    const found = REFERENCE_PATTERN.exec(row.reference);
    const base = {
      rowNumber: row.rowNumber,
      reference: found?.[0] ?? row.reference,
      name: row.name,
      amountFen: row.amountFen,
      reason: "",
      lineId: null,
      problems: [] as string[],
    };
    if (!found) {
      rows.push({ ...base, outcome: null, status: "unmatched", problems: [`无法识别参考号（应在“${layout.returnColumns.reference}”列）`] });
      continue;
    }
    if (found[1] !== code) {
      throw new DomainError(
        `这不是本批次的回盘文件：第 ${row.rowNumber} 行的参考号 ${found[0]} 属于另一批次。请上传本批次的回盘文件，未写入任何数据。`,
        "OTHER_BATCH",
      );
    }
    const seq = Number(found[2]);
    const before = seen.get(seq);
    if (before !== undefined) {
      throw new DomainError(
        `回盘文件第 ${before} 行与第 ${row.rowNumber} 行是同一笔付款（参考号 ${found[0]}），一笔付款只能回盘一次。请向银行核实，未写入任何数据。`,
        "DUPLICATE_LINE",
      );
    }
    seen.set(seq, row.rowNumber);
    const line = bySeq.get(seq);
    if (!line) {
      rows.push({ ...base, outcome: null, status: "unmatched", problems: ["本批次没有这笔付款"] });
      continue;
    }
    const problems: string[] = [];
    if (row.amountFen === null) problems.push(`金额“${row.amountText}”无法识别`);
    else if (row.amountFen !== line.amountFen) problems.push(`金额不符：回盘 ${formatFen(row.amountFen)}，代发 ${formatFen(line.amountFen)}`);
    if (row.name !== line.name) problems.push(`户名不符：回盘“${row.name}”，代发“${line.name}”`);
    if (row.account !== line.account) problems.push("账号与代发文件不符");
    if (line.notPayable) problems.push(`该笔不在代发文件中（${line.notPayable}）`);
    else if (line.paymentStatus !== "WAITING") problems.push(`该笔已处理（${STATUS_WORDS[line.paymentStatus ?? ""] ?? "未审批"}）`);
    let outcome: TMatchedRow["outcome"] = null;
    let reason = "";
    if (row.result === "") problems.push(`“${layout.returnColumns.result}”为空`);
    else if (layout.paidResults.includes(row.result)) outcome = "PAID";
    else {
      outcome = "RETURNED";
      reason = row.reason || row.result;
    }
    rows.push({ ...base, lineId: line.lineId, outcome, reason, status: problems.length ? "mismatched" : "matched", problems });
  }
  if (file.statedTotalFen !== null && file.statedTotalFen !== fileTotal) {
    throw new DomainError(
      `回盘文件的合计金额 ${formatFen(file.statedTotalFen)} 与明细之和 ${formatFen(fileTotal)} 不符，文件可能不完整。请向银行索取完整的回盘文件，未写入任何数据。`,
      "TOTAL_MISMATCH",
    );
  }
  const ok = rows.filter((r) => r.status === "matched");
  const paid = ok.filter((r) => r.outcome === "PAID");
  const returned = ok.filter((r) => r.outcome === "RETURNED");
  const sum = (rs: TMatchedRow[]) => rs.reduce((s, r) => s + (r.amountFen ?? 0), 0);
  const mentioned = new Set(rows.map((r) => r.lineId));
  const unmatched = rows.filter((r) => r.status === "unmatched").length;
  const mismatched = rows.filter((r) => r.status === "mismatched").length;
  return {
    rows,
    matched: ok.length,
    unmatched,
    mismatched,
    paidLines: paid.length,
    paidFen: sum(paid),
    returnedLines: returned.length,
    returnedFen: sum(returned),
    statedTotalFen: file.statedTotalFen,
    stillWaiting: lines.filter((l) => l.paymentStatus === "WAITING" && !l.notPayable && !mentioned.has(l.lineId)).length,
    canApply: unmatched === 0 && mismatched === 0 && ok.length > 0,
  };
}
