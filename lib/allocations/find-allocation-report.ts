import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { Prisma } from "@/lib/generated/prisma/client";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import type { TPeriod } from "@/lib/reports/period";
import { wholeMonthsOf } from "@/lib/reports/report-money";

// 资金额度使用情况: per organisation and fund, for a period (allocation rows and ledger entries by
// their dates). The selected union and each union directly below it, each row counting the union
// with everything below it (含下级), so a province's rows add up to what it was given and each city
// drills down to its counties:
//   拨入   — money from outside the subtree: RECEIVED / OPENING rows of the subtree, and PASS_DOWN rows
//            into it from above; each with its adjustments (调整), by the adjustment's own date;
//   下拨   — what the union itself passed down to the unions below it (still inside its subtree);
//   支出   — net approved ledger entries paid by the subtree (reversals of every kind included), from
//            the sums kept per paying union, fund and day / month (migration 0065);
//   银行退回 / 未领取退回 — the reversals with reversal_kind BANK_RETURN / UNCLAIMED, as positive
//            amounts, each in its own column; both are already netted in 支出;
//   结余（本级）   — what the union itself kept: its 拨入 less its 下拨 less what it paid itself;
//   结余（含下级） — 拨入 less 支出 of the whole subtree; 使用率 = 支出 / 拨入.

export const ALLOCATION_REPORT_READERS = ["OFFICIAL", "AUDITOR", "ADMIN"] as const;

export type TAllocationReportRow = {
  key: string;
  organisationId: string;
  name: string;
  fundSource: FundSource;
  fund: string;
  drillDown: boolean;
  isRoot: boolean;
  receivedFen: number;
  passedDownFen: number;
  spentFen: number;
  bankReturnedFen: number;
  unclaimedFen: number;
  ownBalanceFen: number;
  balanceFen: number;
  usageRate: number | null;
};

export type TAllocationReport = {
  organisation: { id: string; name: string; parentId: string | null };
  period: TPeriod;
  fundSource: FundSource | null;
  rows: TAllocationReportRow[];
};

type TFigures = {
  node: string;
  fund_source: FundSource;
  received: bigint;
  passed_down: bigint;
  own_net: bigint;
  spent: bigint;
  bank_returned: bigint;
  unclaimed: bigint;
  own_spent: bigint;
};

export async function findAllocationReport(
  actor: TActor,
  input: { organisationId?: string; period: TPeriod; fundSource?: FundSource },
): Promise<TAllocationReport> {
  assertRole(actor, ...ALLOCATION_REPORT_READERS);
  const db = scopedDb(actor);
  const root = await db.organisation.findUnique({
    where: { id: input.organisationId ?? actor.organisation.id },
    select: { id: true, name: true, parentId: true, path: true },
  });
  if (!root) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
  const { from, to } = input.period;
  const fund = input.fundSource ?? null;
  const subtree = `${root.path}%`;
  // 支出 from the sums migration 0065 keeps: the period's whole months from the monthly rows, the
  // days of a partial first or last month from the daily ones (two plain date ranges, as 资金发放
  // reads report_ledger_monthly and report_ledger_daily; a range inside one month is read once).
  const { first, end } = wholeMonthsOf(from, to);
  const figures = await db.$queryRaw<TFigures[]>`
    WITH nodes AS (
      SELECT o.id, o.path FROM organisation o
       WHERE (o.id = ${root.id}::uuid OR o.parent_id = ${root.id}::uuid) AND ${db.$orgInScope(Prisma.sql`o.id`)}
    ),
    alloc AS (
      SELECT a.fund_source, b.kind AS base_kind, a.organisation_id, a.recipient_id, a.amount_fen, go.path AS giver_path, ro.path AS recipient_path
        FROM allocation a JOIN allocation b ON b.id = COALESCE(a.adjusts_id, a.id)
        JOIN organisation go ON go.id = a.organisation_id LEFT JOIN organisation ro ON ro.id = a.recipient_id
       WHERE a.entry_date BETWEEN ${from}::date AND ${to}::date AND (go.path LIKE ${subtree} OR ro.path LIKE ${subtree})
         ${db.$scopeDeclared("a b", "given or received in the subtree of the root read through scopedDb above (its path); an adjustment's base row is read for its kind")}
         AND (${fund}::fund_source IS NULL OR a.fund_source = ${fund}::fund_source)
    ),
    spent AS (
      SELECT s.paying_organisation_id AS org, s.fund_source, SUM(s.spent_fen) AS spent, SUM(s.bank_returned_fen) AS bank_returned, SUM(s.unclaimed_fen) AS unclaimed
        FROM (SELECT paying_organisation_id, fund_source, spent_fen, bank_returned_fen, unclaimed_fen FROM allocation_spent_monthly
               WHERE month >= ${first}::date AND month < ${end}::date
              UNION ALL
              SELECT paying_organisation_id, fund_source, spent_fen, bank_returned_fen, unclaimed_fen FROM allocation_spent_daily
               WHERE entry_date >= ${from}::date AND entry_date < ${first}::date AND entry_date <= ${to}::date
              UNION ALL
              SELECT paying_organisation_id, fund_source, spent_fen, bank_returned_fen, unclaimed_fen FROM allocation_spent_daily
               WHERE entry_date >= greatest(${end}::date, ${first}::date, ${from}::date) AND entry_date <= ${to}::date) s
       WHERE s.paying_organisation_id IN (SELECT id FROM organisation WHERE path LIKE ${subtree})
         ${db.$scopeDeclared("allocation_spent_monthly allocation_spent_daily organisation", "paid by a union of the subtree of the root read through scopedDb above (its path)")}
         AND (${fund}::fund_source IS NULL OR s.fund_source = ${fund}::fund_source)
       GROUP BY 1, 2
    )
    SELECT node, fund_source, SUM(received)::bigint AS received, SUM(passed_down)::bigint AS passed_down, SUM(own_net)::bigint AS own_net,
           SUM(spent)::bigint AS spent, SUM(bank_returned)::bigint AS bank_returned, SUM(unclaimed)::bigint AS unclaimed, SUM(own_spent)::bigint AS own_spent
      FROM (
        SELECT n.id AS node, x.fund_source,
               CASE WHEN x.base_kind <> 'PASS_DOWN' AND x.giver_path LIKE n.path || '%' THEN x.amount_fen
                    WHEN x.base_kind = 'PASS_DOWN' AND x.recipient_path LIKE n.path || '%' AND x.giver_path NOT LIKE n.path || '%' THEN x.amount_fen
                    ELSE 0 END AS received,
               CASE WHEN x.base_kind = 'PASS_DOWN' AND x.organisation_id = n.id THEN x.amount_fen ELSE 0 END AS passed_down,
               CASE WHEN x.base_kind <> 'PASS_DOWN' AND x.organisation_id = n.id THEN x.amount_fen
                    WHEN x.base_kind = 'PASS_DOWN' AND x.recipient_id = n.id THEN x.amount_fen
                    WHEN x.base_kind = 'PASS_DOWN' AND x.organisation_id = n.id THEN -x.amount_fen
                    ELSE 0 END AS own_net,
               0 AS spent, 0 AS bank_returned, 0 AS unclaimed, 0 AS own_spent
          FROM nodes n JOIN alloc x ON x.giver_path LIKE n.path || '%' OR x.recipient_path LIKE n.path || '%'
        UNION ALL
        SELECT n.id, s.fund_source, 0, 0, 0, s.spent, s.bank_returned, s.unclaimed, CASE WHEN s.org = n.id THEN s.spent ELSE 0 END
          FROM nodes n JOIN organisation po ON po.path LIKE n.path || '%' JOIN spent s ON s.org = po.id
               ${db.$scopeDeclared("po", "the unions under a node in scope, by its path")}
      ) moves
     GROUP BY 1, 2`;
  const children = await db.organisation.findMany({
    where: { parentId: root.id },
    orderBy: { code: "asc" },
    select: { id: true, name: true, _count: { select: { children: true } } },
  });
  const nodes = [
    { id: root.id, name: root.name, isRoot: true, drillDown: false },
    ...children.map((c) => ({ id: c.id, name: c.name, isRoot: false, drillDown: true })),
  ];
  const funds = (Object.keys(FUND_SOURCE_LABELS) as FundSource[]).filter((f) => fund === null || f === fund);
  const rows: TAllocationReportRow[] = [];
  for (const node of nodes) {
    for (const f of funds) {
      const x = figures.find((r) => r.node === node.id && r.fund_source === f);
      // A union below with nothing in the period for this fund is left out; the selected union always shows every fund.
      if (!x && !node.isRoot) continue;
      const n = (v: bigint | undefined) => Number(v ?? 0n);
      const received = n(x?.received);
      const spent = n(x?.spent);
      rows.push({
        key: `${node.id}:${f}`,
        organisationId: node.id,
        name: node.name,
        fundSource: f,
        fund: FUND_SOURCE_LABELS[f],
        drillDown: node.drillDown,
        isRoot: node.isRoot,
        receivedFen: received,
        passedDownFen: n(x?.passed_down),
        spentFen: spent,
        bankReturnedFen: n(x?.bank_returned),
        unclaimedFen: n(x?.unclaimed),
        ownBalanceFen: n(x?.own_net) - n(x?.own_spent),
        balanceFen: received - spent,
        usageRate: received > 0 ? spent / received : null,
      });
    }
  }
  return { organisation: { id: root.id, name: root.name, parentId: root.parentId }, period: input.period, fundSource: fund, rows };
}
