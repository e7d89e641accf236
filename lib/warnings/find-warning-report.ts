import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { addDays, addMonths, dateOnly, endOfShanghaiDay, startOfShanghaiDay, todayInShanghai } from "@/lib/format/datetime";
import type { ExitPath, ReferralDepartment, WarningRule } from "@/lib/generated/prisma/enums";
import { policyValue } from "@/lib/policy/policy";
import type { TXlsxColumn } from "@/lib/xlsx/write-xlsx";
import { EXIT_PATH_LABELS, REFERRAL_DEPARTMENT_LABELS, WARNING_RULE_LABELS } from "./labels";

// 返困预警与部门转介报表 (issue 25) for the actor's scope and a period of days [from, to] in China.
// What each cell counts: docs/decisions/025-warnings-and-signals.md ("What counts toward the rates").

export const WARNING_REPORT_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

type TRuleRow = { label: string; raised: number; open: number; recheck: number; reopened: number; dismissed: number };
type TReturnRow = { label: string; exits: number; returned: number; rate: number | null };
type TReferralRow = { label: string; total: number; granted: number; notEligible: number; unresolved: number; pending: number; overdue: number };
type TPathRow = { label: string; exits: number };

export type TWarningReport = Awaited<ReturnType<typeof findWarningReport>>;

export async function findWarningReport(actor: TActor, period: { from: string; to: string; today: string }) {
  assertRole(actor, ...WARNING_REPORT_READERS);
  const db = scopedDb(actor);
  const days = { gte: dateOnly(period.from), lte: dateOnly(period.to) };
  const instants = { gte: startOfShanghaiDay(period.from)!, lt: endOfShanghaiDay(period.to)! };
  const months = await policyValue("WARNING_EXIT_MONTHS", "", period.to);
  const [raised, acted, exits, referrals] = await Promise.all([
    db.hardshipWarning.groupBy({ by: ["rule", "status"], where: { raisedOn: days }, _count: { _all: true } }),
    db.hardshipWarning.groupBy({ by: ["rule", "status"], where: { actedAt: instants }, _count: { _all: true } }),
    // 脱困 exits approved in the period (one approved EXIT request each), with the file's later reopenings.
    db.changeRequest.findMany({
      where: { kind: "EXIT", status: "APPROVED", exitReason: "RESOLVED", decidedAt: instants },
      select: { id: true, decidedAt: true, exitPath: true, file: { select: { events: { where: { kind: "REOPENED" }, select: { at: true } } } } },
    }),
    db.referral.findMany({ where: { referredOn: days }, select: { department: true, outcome: true, dueDate: true } }),
  ]);

  const count = (rows: typeof raised, rule: WarningRule, status?: string) =>
    rows.filter((r) => r.rule === rule && (!status || r.status === status)).reduce((n, r) => n + r._count._all, 0);
  const rules: TRuleRow[] = (Object.keys(WARNING_RULE_LABELS) as WarningRule[]).map((rule) => ({
    label: WARNING_RULE_LABELS[rule],
    raised: count(raised, rule),
    open: count(raised, rule, "OPEN"),
    recheck: count(acted, rule, "RECHECK_OPENED"),
    reopened: count(acted, rule, "REOPENED"),
    dismissed: count(acted, rule, "DISMISSED"),
  }));
  const ruleTotal = sumRows("合计", rules, ["raised", "open", "recheck", "reopened", "dismissed"]);

  // Reopened within `months` of the exit: a REOPENED event after the decision, no later than that.
  // The window ends with the China day N months after the exit's day.
  const returned = exits.filter((e) => {
    const until = endOfShanghaiDay(addMonths(todayInShanghai(e.decidedAt!), months))!;
    return e.file.events.some((ev) => ev.at > e.decidedAt! && ev.at < until);
  }).length;
  const returnRow: TReturnRow = {
    label: `脱困退档后 ${months} 个月内返困`,
    exits: exits.length,
    returned,
    rate: exits.length ? returned / exits.length : null,
  };

  const today = period.today;
  const referralRows: TReferralRow[] = (Object.keys(REFERRAL_DEPARTMENT_LABELS) as ReferralDepartment[]).map((d) => {
    const of = referrals.filter((r) => r.department === d);
    return {
      label: REFERRAL_DEPARTMENT_LABELS[d],
      total: of.length,
      granted: of.filter((r) => r.outcome === "GRANTED").length,
      notEligible: of.filter((r) => r.outcome === "NOT_ELIGIBLE").length,
      unresolved: of.filter((r) => r.outcome === "UNRESOLVED").length,
      pending: of.filter((r) => r.outcome === null).length,
      overdue: of.filter((r) => r.outcome === null && r.dueDate < dateOnly(today)).length,
    };
  });
  const referralTotal = sumRows("合计", referralRows, ["total", "granted", "notEligible", "unresolved", "pending", "overdue"]);

  const paths: TPathRow[] = [
    ...(Object.keys(EXIT_PATH_LABELS) as ExitPath[]).map((p) => ({ label: EXIT_PATH_LABELS[p], exits: exits.filter((e) => e.exitPath === p).length })),
    { label: "未填写", exits: exits.filter((e) => e.exitPath === null).length },
  ];
  return {
    period: { ...period, toExclusive: addDays(period.to, 1) },
    tables: [
      table(
        "rules",
        "返困预警（按规则）",
        "新增：期间内生成的预警；处理：期间内发起复核、返困重新建档或排除的预警（不论何时生成）；待处理：期间内生成、尚未处理的预警。",
        [
          { header: "预警规则", kind: "text", value: (r: TRuleRow) => r.label, width: 20 },
          { header: "新增预警", kind: "integer", value: (r: TRuleRow) => r.raised },
          { header: "其中待处理", kind: "integer", value: (r: TRuleRow) => r.open },
          { header: "发起复核", kind: "integer", value: (r: TRuleRow) => r.recheck },
          { header: "返困重新建档", kind: "integer", value: (r: TRuleRow) => r.reopened },
          { header: "排除", kind: "integer", value: (r: TRuleRow) => r.dismissed },
        ],
        rules,
        ruleTotal,
      ),
      table(
        "return",
        "返困率",
        `期间内批准的脱困退档中，退档后 ${months} 个月内返困重新建档的比例（截至今天）。`,
        [
          { header: "口径", kind: "text", value: (r: TReturnRow) => r.label, width: 24 },
          { header: "脱困退档", kind: "integer", value: (r: TReturnRow) => r.exits },
          { header: "其中返困", kind: "integer", value: (r: TReturnRow) => r.returned },
          { header: "返困率", kind: "percent", value: (r: TReturnRow) => r.rate },
        ],
        [returnRow],
        null,
      ),
      table(
        "referrals",
        "部门转介（按部门和结果）",
        "期间内转介的事项；逾期：尚无结果且已过办结时限。",
        [
          { header: "转介部门", kind: "text", value: (r: TReferralRow) => r.label, width: 14 },
          { header: "转介件数", kind: "integer", value: (r: TReferralRow) => r.total },
          { header: "办结", kind: "integer", value: (r: TReferralRow) => r.granted },
          { header: "不符合", kind: "integer", value: (r: TReferralRow) => r.notEligible },
          { header: "未办结", kind: "integer", value: (r: TReferralRow) => r.unresolved },
          { header: "办理中", kind: "integer", value: (r: TReferralRow) => r.pending },
          { header: "其中逾期", kind: "integer", value: (r: TReferralRow) => r.overdue },
        ],
        referralRows,
        referralTotal,
      ),
      table(
        "paths",
        "脱困路径（几个一批）",
        "期间内批准的脱困退档，按脱困主要路径。",
        [
          { header: "脱困主要路径", kind: "text", value: (r: TPathRow) => r.label, width: 14 },
          { header: "脱困退档户次", kind: "integer", value: (r: TPathRow) => r.exits },
        ],
        paths,
        sumRows("合计", paths, ["exits"]),
      ),
    ],
  };
}

function sumRows<T extends { label: string }>(label: string, rows: T[], keys: Array<keyof T>): T {
  const total = { label } as T;
  for (const k of keys) (total as Record<keyof T, unknown>)[k] = rows.reduce((n, r) => n + (r[k] as number), 0);
  return total;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sheets (tables) of different row types side by side: each was typed against its own rows where it was built, and TXlsxSheet<T> is invariant in T, so unknown does not fit
export type TWarningReportTable = { key: string; title: string; note: string; columns: TXlsxColumn<any>[]; rows: unknown[]; total: unknown | null };
function table<T>(key: string, title: string, note: string, columns: TXlsxColumn<T>[], rows: T[], total: T | null): TWarningReportTable {
  return { key, title, note, columns, rows, total };
}
