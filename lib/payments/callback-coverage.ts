import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { endOfShanghaiDay, formatDateRange, startOfShanghaiDay } from "@/lib/format/datetime";
import type { TXlsxColumn } from "@/lib/xlsx/write-xlsx";

// 回访核实覆盖率与问题率: per base union (the union each paid line belongs to), over the batches
// paid in a period (paid_at, in China): lines that reached the household (已到账 / 已签收),
// lines sampled, calls made and their outcomes. Coverage = calls made ÷ lines paid; problem rate =
// (未收到 + 金额不符) ÷ calls made. Every count is a plain count of rows in scope, and
// tests/integration/receipts-callbacks.test.ts checks each cell against SQL written in the test.

// Who reads the report is one answer, in ./rules.ts.
import { CALLBACK_REPORT_READERS } from "./rules";
export { CALLBACK_REPORT_READERS };

export type TCoverageRow = {
  organisationId: string;
  name: string;
  paidLines: number;
  sampled: number;
  called: number;
  received: number;
  notReceived: number;
  amountMismatch: number;
  unreachable: number;
  coverage: number | null;
  problemRate: number | null;
};

export async function findCallbackCoverage(actor: TActor, period: { from: string; to: string }) {
  assertRole(actor, ...CALLBACK_REPORT_READERS);
  const db = scopedDb(actor);
  const paidIn = { status: "PAID" as const, paidAt: { gte: startOfShanghaiDay(period.from)!, lt: endOfShanghaiDay(period.to)! } };
  const [lines, calls] = await Promise.all([
    db.batchLine.groupBy({
      by: ["organisationId"],
      where: { removed: false, paymentStatus: { in: ["PAID", "SIGNED"] }, batch: paidIn },
      _count: { _all: true },
    }),
    db.callbackCall.groupBy({ by: ["organisationId", "outcome"], where: { batch: paidIn }, _count: { _all: true } }),
  ]);
  const ids = [...new Set([...lines.map((l) => l.organisationId), ...calls.map((c) => c.organisationId)])];
  const orgs = await db.organisation.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, path: true } });
  const rows: TCoverageRow[] = orgs
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((o) => {
      const count = (outcome?: string | null) =>
        calls.filter((c) => c.organisationId === o.id && (outcome === undefined || c.outcome === outcome)).reduce((n, c) => n + c._count._all, 0);
      const paidLines = lines.find((l) => l.organisationId === o.id)?._count._all ?? 0;
      const sampled = count();
      const called = sampled - count(null);
      const notReceived = count("NOT_RECEIVED");
      const amountMismatch = count("AMOUNT_MISMATCH");
      return {
        organisationId: o.id,
        name: o.name,
        paidLines,
        sampled,
        called,
        received: count("RECEIVED"),
        notReceived,
        amountMismatch,
        unreachable: count("UNREACHABLE"),
        coverage: paidLines > 0 ? called / paidLines : null,
        problemRate: called > 0 ? (notReceived + amountMismatch) / called : null,
      };
    });
  const sum = (key: keyof TCoverageRow) => rows.reduce((n, r) => n + (r[key] as number), 0);
  const total: TCoverageRow = {
    organisationId: "",
    name: "合计",
    paidLines: sum("paidLines"),
    sampled: sum("sampled"),
    called: sum("called"),
    received: sum("received"),
    notReceived: sum("notReceived"),
    amountMismatch: sum("amountMismatch"),
    unreachable: sum("unreachable"),
    coverage: null,
    problemRate: null,
  };
  total.coverage = total.paidLines > 0 ? total.called / total.paidLines : null;
  total.problemRate = total.called > 0 ? (total.notReceived + total.amountMismatch) / total.called : null;
  return { period: { ...period, label: formatDateRange(period.from, period.to) }, rows, total };
}

export const COVERAGE_COLUMNS: TXlsxColumn<TCoverageRow>[] = [
  { header: "基层工会", kind: "text", value: (r) => r.name, width: 30 },
  { header: "已到账/已签收（户）", kind: "integer", value: (r) => r.paidLines },
  { header: "抽取回访（户）", kind: "integer", value: (r) => r.sampled },
  { header: "已回访（户）", kind: "integer", value: (r) => r.called },
  { header: "已收到", kind: "integer", value: (r) => r.received },
  { header: "未收到", kind: "integer", value: (r) => r.notReceived },
  { header: "金额不符", kind: "integer", value: (r) => r.amountMismatch },
  { header: "联系不上", kind: "integer", value: (r) => r.unreachable },
  { header: "回访覆盖率", kind: "percent", value: (r) => r.coverage },
  { header: "问题率", kind: "percent", value: (r) => r.problemRate },
];

export async function recordCoverageExport(actor: TActor, period: { from: string; to: string }, rows: number) {
  await recordAudit(scopedDb(actor), actor, {
    action: "payments.export-callback-coverage",
    entityType: "report",
    organisationId: actor.organisation.id,
    detail: { ...period, rows },
  });
}
