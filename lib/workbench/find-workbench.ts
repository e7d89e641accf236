import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { scopedDb, type TScopedDb } from "@/lib/data/scope";
import { Prisma } from "@/lib/generated/prisma/client";
import { addDays, dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { policyValue, policyValues } from "@/lib/policy/policy";
import { findWorkItems, WORK_ITEM_READERS } from "@/lib/calendar/find-work-items";
import { openWarningsSummary } from "@/lib/warnings/find-warnings";
import { REFERRAL_DEPARTMENT_LABELS, WARNING_RULE_LABELS } from "@/lib/warnings/labels";
import { overdueReferrals } from "@/lib/referrals/find-referrals";
import { openSignalCount } from "@/lib/signals/resolve-signal";
import { countWaitingApplications } from "@/lib/applications/find-applications";
import { boundedCount } from "@/lib/data/pagination";

// 工作台: what waits for the signed-in user today, per role, counted within their scope. Every
// item names the page where the work is done. One read per item, each on an index (see
// scripts/bench-reports.ts for the figures at scale).

export type TWorkItem = {
  key: string;
  title: string;
  count: number;
  /** The count stopped at its bound: more than `count` records wait (shown "超过 1,000"). */
  countAtLeast?: boolean;
  href: string;
  /** e.g. "最早 12 天前提交" */
  detail?: string;
  tone?: "red" | "amber" | "slate";
};

/** A few concrete records under an item (the auditor's unusual payments, a caseworker's returns). */
export type TWorkRecord = { key: string; label: string; meta: string; href: string; tags?: string[] };

export type TWorkSection = { key: "caseworker" | "official" | "auditor" | "calendar"; title: string; items: TWorkItem[]; records?: TWorkRecord[] };

const RECENT_DAYS = 30;
/**
 * Large payments are counted to this bound: they are a sixth of all payments, so an exact count of
 * a province's 30 days read a quarter of a million index entries on every view (issue 28). Every
 * one of them stays reachable in the ledger (台账, amount filter).
 */
export const LARGE_COUNT_LIMIT = 1_000;
// (findWorkbench's largeCountLimit lets a test reach the bound with a few payments.)
const DAY_MS = 86_400_000;

const ageInDays = (since: Date | null | undefined, now: Date) => (since ? Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS)) : null);
const oldest = (label: string, days: number | null) => (days === null ? undefined : days === 0 ? `最早今天${label}` : `最早 ${days} 天前${label}`);

/**
 * The caseworker's counts of files, in one statement: drafts and returned drafts, and observation
 * periods ending, each on a status index (a handful of rows); re-checks overdue and due soon from
 * report_recheck_due (0049: today's open files per organisation and due date, kept exact by
 * statement triggers), where counting the files themselves walked household_file_recheck_due_idx
 * for the whole province and kept the city's: 89,000 and 134,000 index entries at 1M files, 37 and
 * 63 ms of the page's 86 ms SQL floor (issue 28). The table holds the same files the two counts did
 * (status OPEN, next_check_due set, by the file's organisation), so the figures are the same.
 */
function fileCounts(db: TScopedDb, today: string, soon: string) {
  const fileInScope = db.$orgInScope(Prisma.sql`f.organisation_id`);
  const dueInScope = db.$orgInScope(Prisma.sql`d.organisation_id`);
  return db.$queryRaw<[{ drafts: number; returned: number; overdue: number; dueSoon: number; observationEnding: number }]>`
    SELECT (SELECT count(*)::int FROM household_file f WHERE f.status = 'DRAFT' AND f.rejection_reason IS NULL AND ${fileInScope}) AS "drafts",
           (SELECT count(*)::int FROM household_file f WHERE f.status = 'DRAFT' AND f.rejection_reason IS NOT NULL AND ${fileInScope}) AS "returned",
           (SELECT coalesce(sum(d.files), 0)::int FROM report_recheck_due d WHERE d.due < ${today}::date AND ${dueInScope}) AS "overdue",
           (SELECT coalesce(sum(d.files), 0)::int FROM report_recheck_due d
             WHERE d.due >= ${today}::date AND d.due <= ${soon}::date AND ${dueInScope}) AS "dueSoon",
           (SELECT count(*)::int FROM household_file f
             WHERE f.status = 'OBSERVATION' AND f.observation_until <= ${soon}::date AND ${fileInScope}) AS "observationEnding"`.then((rows) => rows[0]);
}

async function caseworkerSection(actor: TActor, today: string): Promise<TWorkSection> {
  const db = scopedDb(actor);
  const since = new Date(Date.now() - RECENT_DAYS * DAY_MS);
  // What needs no policy number starts at once, beside the two policy reads: the page waits for
  // one round of statements and then one more, not four rounds one after another (issue 28).
  const independent = Promise.all([
    // Joined, so the file's name comes in the same statement (no second read, even for no rows).
    db.disbursement.findMany({
      where: { status: "REJECTED", recordedById: actor.userId, decidedAt: { gte: since } },
      orderBy: { decidedAt: "desc" },
      take: 5,
      relationLoadStrategy: "join",
      select: { id: true, fileId: true, amountFen: true, rejectionReason: true, decidedAt: true, file: { select: { holderName: true } } },
    }),
    db.changeRequest.count({ where: { kind: "TRANSFER", status: "AWAITING_RECEIVER", organisation: { path: { startsWith: actor.organisation.path } } } }),
    // Issue 25: return-to-hardship warnings waiting for someone to act.
    openWarningsSummary(actor),
    overdueReferrals(actor, today),
    countWaitingApplications(actor),
    // 发放退回待处理 (issue 23): payments the bank returned, to correct and re-issue or to close.
    // Single payments sent in a payment run (代发汇总) and returned count the same (0037).
    db.batchLine.aggregate({ where: { paymentStatus: "RETURNED" }, _count: true, _min: { paymentUpdatedAt: true } }),
    db.disbursement.aggregate({ where: { paymentStatus: "RETURNED" }, _count: true, _min: { paymentUpdatedAt: true } }),
  ]);
  // Awaited below; a failure while the policy numbers are awaited must not go unhandled meanwhile.
  independent.catch(() => {});
  const { RECHECK_DUE_SOON_DAYS: soonDays, VISIT_INTERVAL_DAYS: visitDays } = await policyValues(["RECHECK_DUE_SOON_DAYS", "VISIT_INTERVAL_DAYS"], "", today);
  const [counts, visitsDue] = await Promise.all([
    fileCounts(db, today, addDays(today, soonDays)),
    // The households this caseworker is the pairing cadre of, not visited within the interval.
    db.householdFile.findMany({
      where: {
        responsibleCadreId: actor.userId,
        status: { in: ["OPEN", "OBSERVATION"] },
        visits: { none: { visitDate: { gte: dateOnly(addDays(today, -visitDays)) } } },
      },
      orderBy: { id: "asc" },
      take: 200,
      select: { id: true, holderName: true },
    }),
  ]);
  const { drafts, returned, overdue, dueSoon, observationEnding } = counts;
  const [disbursementsReturned, transfersWaiting, warnings, referrals, applications, bankReturnedLines, bankReturnedSingles] = await independent;
  const returnedCount = disbursementsReturned.length;
  const oldestReturned =
    [bankReturnedLines._min.paymentUpdatedAt, bankReturnedSingles._min.paymentUpdatedAt]
      .filter((d): d is Date => !!d)
      .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const bankReturned = { _count: bankReturnedLines._count + bankReturnedSingles._count, _min: { paymentUpdatedAt: oldestReturned } };
  return {
    key: "caseworker",
    title: "建档与跟踪",
    items: [
      { key: "drafts", title: "未提交的草稿", count: drafts, href: "/intake", tone: "slate" },
      { key: "returned", title: "被退回的建档申请（附退回理由）", count: returned, href: "/intake", tone: "red" },
      { key: "recheck-overdue", title: "核查已逾期", count: overdue, href: "/dynamic?tab=checks&which=overdue", tone: "red" },
      { key: "recheck-soon", title: `${soonDays} 天内到期的核查`, count: dueSoon, href: "/dynamic?tab=checks&which=soon", tone: "amber" },
      { key: "observation-ending", title: `${soonDays} 天内渐退期满`, count: observationEnding, href: "/dynamic?tab=observation", tone: "amber" },
      {
        key: "visits-due",
        title: `我结对的家庭 ${visitDays} 天未走访`,
        count: visitsDue.length,
        tone: "amber",
        href: visitsDue.length ? `/files/${visitsDue[0]!.id}` : "/dynamic",
        detail: visitsDue.length
          ? visitsDue
              .slice(0, 3)
              .map((f) => f.holderName ?? "—")
              .join("、") + (visitsDue.length > 3 ? " 等" : "")
          : undefined,
      },
      {
        key: "disbursements-returned",
        title: `近 ${RECENT_DAYS} 天被退回的救助发放`,
        count: returnedCount,
        href: returnedCount ? `/files/${disbursementsReturned[0]!.fileId}` : "/ledger",
        tone: "red",
      },
      { key: "transfers-waiting", title: "转出待接收单位确认", count: transfersWaiting, href: "/dynamic", tone: "slate" },
      {
        key: "bank-returned",
        title: "发放退回待处理",
        count: bankReturned._count,
        href: "/batches/returned",
        tone: "red",
        detail: oldest("退回", ageInDays(bankReturned._min.paymentUpdatedAt, new Date())),
      },
      { key: "warnings", title: "返困预警待处理", count: warnings.count, href: "/warnings", tone: "red" },
      // Issue 24 §2: online applications new or accepted, waiting to be converted or declined.
      {
        key: "applications",
        title: "网上申请待处理",
        count: applications.count,
        href: "/intake/applications",
        tone: "amber",
        detail: oldest("提交", ageInDays(applications.oldestSubmittedAt, new Date())),
      },
      {
        key: "referrals-overdue",
        title: "部门转介已逾期",
        count: referrals.count,
        tone: "red",
        href: referrals.oldest.length ? `/files/${referrals.oldest[0]!.file.id}` : "/warnings",
      },
    ],
    records: [
      ...warnings.newest.map((w) => ({
        key: w.id,
        label: `${w.file.holderName ?? "—"} 户返困预警：${WARNING_RULE_LABELS[w.rule]}`,
        meta: w.reason,
        href: `/files/${w.file.id}`,
        tags: ["返困预警"],
      })),
      ...referrals.oldest.map((r) => ({
        key: r.id,
        label: `${r.file.holderName ?? "—"} 户转介${REFERRAL_DEPARTMENT_LABELS[r.department]}逾期`,
        meta: `${r.item}，时限 ${dateOnlyString(r.dueDate)}`,
        href: `/files/${r.file.id}`,
        tags: ["转介逾期"],
      })),
      ...disbursementsReturned.map((d) => ({
        key: d.id,
        label: `${d.file.holderName ?? "—"} 的救助发放被退回`,
        meta: d.rejectionReason ?? "",
        href: `/files/${d.fileId}`,
      })),
    ],
  };
}

/**
 * How many filings wait at each step of the review and since when, in one statement: the counts
 * from household_file_tally (kept exact by triggers), each oldest date the first entry of a partial
 * index (household_file_review_queue_idx, and 0023's for the reviewed and publicity steps), and the
 * files whose publicity has ended an index-only range. A province at a million files: about 12 ms,
 * where counting every waiting file with its organisation took 100–200 ms.
 */
function reviewSteps(db: TScopedDb, today: string) {
  const fileInScope = db.$orgInScope(Prisma.sql`f.organisation_id`);
  const tally = (status: string) =>
    Prisma.sql`(SELECT coalesce(sum(t.files), 0)::int FROM household_file_tally t WHERE t.status = ${status}::file_status AND ${db.$orgInScope(Prisma.sql`t.organisation_id`)})`;
  return db.$queryRaw<
    [
      {
        submitted: number;
        reviewed: number;
        publicity: number;
        publicityEnded: number;
        submittedSince: Date | null;
        reviewedSince: Date | null;
        publicitySince: Date | null;
        publicityEndedSince: Date | null;
      },
    ]
  >`
    SELECT ${tally("SUBMITTED")} AS "submitted", ${tally("REVIEWED")} AS "reviewed", ${tally("PUBLICITY")} AS "publicity",
           (SELECT f.submitted_at FROM household_file f WHERE f.status = 'SUBMITTED' AND f.submitted_at IS NOT NULL AND ${fileInScope}
             ORDER BY f.submitted_at LIMIT 1) AS "submittedSince",
           (SELECT f.reviewed_at FROM household_file f WHERE f.status = 'REVIEWED' AND f.reviewed_at IS NOT NULL AND ${fileInScope}
             ORDER BY f.reviewed_at LIMIT 1) AS "reviewedSince",
           (SELECT min(f.publicity_start) FROM household_file f WHERE f.status = 'PUBLICITY' AND ${fileInScope}) AS "publicitySince",
           (SELECT count(*)::int FROM household_file f WHERE f.status = 'PUBLICITY' AND f.publicity_end <= ${today}::date AND ${fileInScope}) AS "publicityEnded",
           (SELECT min(f.publicity_end) FROM household_file f WHERE f.status = 'PUBLICITY' AND f.publicity_end <= ${today}::date AND ${fileInScope}) AS "publicityEndedSince"`;
}

async function officialSection(actor: TActor, today: string): Promise<TWorkSection> {
  const db = scopedDb(actor);
  const now = new Date();
  const path = actor.organisation.path;
  const [[steps], objections, changes, inbound, disbursements, batches, importBatches] = await Promise.all([
    reviewSteps(db, today),
    db.publicityObjection.count({ where: { resolution: null, file: { status: "PUBLICITY" } } }),
    db.changeRequest.groupBy({
      by: ["kind"],
      where: { status: "PENDING", requestedById: { not: actor.userId }, organisation: { path: { startsWith: path } } },
      _count: true,
      _min: { requestedAt: true },
    }),
    db.changeRequest.aggregate({
      where: { status: "AWAITING_RECEIVER", targetOrganisation: { path: { startsWith: path } } },
      _count: true,
      _min: { decidedAt: true },
    }),
    db.disbursement.aggregate({ where: { status: "PENDING", recordedById: { not: actor.userId } }, _count: true, _min: { recordedAt: true } }),
    db.disbursementBatch.aggregate({ where: { status: "SUBMITTED", submittedById: { not: actor.userId } }, _count: true, _min: { submittedAt: true } }),
    // 在档迁入 batches someone else uploaded (the importer never approves their own).
    db.householdImport.aggregate({
      where: { mode: "OPEN", status: "AWAITING_APPROVAL", createdById: { not: actor.userId } },
      _count: true,
      _sum: { households: true },
      _min: { updatedAt: true },
    }),
  ]);
  const change = (kind: "TIER_CHANGE" | "EXIT" | "TRANSFER") => changes.find((c) => c.kind === kind);
  const changeItem = (kind: "TIER_CHANGE" | "EXIT" | "TRANSFER", title: string): TWorkItem => ({
    key: `change-${kind}`,
    title,
    count: change(kind)?._count ?? 0,
    href: `/review?changes=${kind}`,
    tone: "amber",
    detail: oldest("提出", ageInDays(change(kind)?._min.requestedAt, now)),
  });
  return {
    key: "official",
    title: "审核与审批",
    items: [
      {
        key: "step-SUBMITTED",
        title: "待初审",
        count: steps.submitted,
        href: "/review?status=SUBMITTED",
        tone: "amber",
        detail: oldest("提交", ageInDays(steps.submittedSince, now)),
      },
      {
        key: "step-REVIEWED",
        title: "已初审，待公示",
        count: steps.reviewed,
        href: "/review?status=REVIEWED",
        tone: "amber",
        detail: oldest("初审", ageInDays(steps.reviewedSince, now)),
      },
      {
        key: "step-PUBLICITY",
        title: "公示中",
        count: steps.publicity,
        href: "/review?status=PUBLICITY",
        tone: "slate",
        detail: oldest("开始公示", ageInDays(steps.publicitySince, now)),
      },
      {
        key: "publicity-ended",
        title: "公示期满，待审定",
        count: steps.publicityEnded,
        href: "/review?status=PUBLICITY",
        tone: "red",
        detail: oldest("期满", ageInDays(steps.publicityEndedSince, now)),
      },
      { key: "objections", title: "公示异议待处理", count: objections, href: "/review?status=PUBLICITY", tone: "red" },
      changeItem("TIER_CHANGE", "调整困难类别待审批"),
      changeItem("EXIT", "退档待审批"),
      changeItem("TRANSFER", "转出待审批"),
      {
        key: "inbound",
        title: "转入待接收",
        count: inbound._count,
        href: "/review?changes=INBOUND",
        tone: "amber",
        detail: oldest("批准转出", ageInDays(inbound._min.decidedAt, now)),
      },
      {
        key: "disbursements",
        title: "救助发放待审批",
        count: disbursements._count,
        href: "/review",
        tone: "amber",
        detail: oldest("登记", ageInDays(disbursements._min.recordedAt, now)),
      },
      {
        key: "batches",
        title: "发放批次待审批",
        count: batches._count,
        href: "/batches",
        tone: "amber",
        detail: oldest("提交", ageInDays(batches._min.submittedAt, now)),
      },
      {
        key: "import-batches",
        title: "在档迁入批次待审批",
        count: importBatches._count,
        href: "/review#import-batches",
        tone: "amber",
        detail: importBatches._count
          ? `共 ${(importBatches._sum.households ?? 0).toLocaleString("zh-CN")} 户；${oldest("校验通过", ageInDays(importBatches._min.updatedAt, now))}`
          : undefined,
      },
    ],
  };
}

const RECENT_RECORDS = 8;
const RECENT_SELECT = {
  id: true,
  fileId: true,
  amountFen: true,
  entryDate: true,
  capOverrideReason: true,
  reversesEntryId: true,
  file: { select: { holderName: true, status: true } },
  organisation: { select: { name: true } },
} as const;

/**
 * The auditor's last eight payments of the 30 days that are over the cap, reversals, large, or to a
 * household in observation, newest first. Read as the newest eight of each kind, then merged: one
 * statement with the four kinds ORed walked the ledger from today testing every entry and its
 * household (at 1M files: 19,889 entries and as many household reads, 1.6–4 s, when the newest
 * entries were a batch of ordinary payments; issue 28). Large payments, the common kind, are read as
 * their count is: the newest eight of each union in scope on ledger_entry_organisation_cover_idx (an
 * index-only range that stops after eight), and of the files held here that another union paid
 * (ledger_entry_elsewhere). Reversals likewise, in the same statement: the newest eight paid in the
 * subtree (ledger_entry_reversal_date_idx) and of the files held here paid elsewhere. Prisma's
 * joined scope (paying union or the file's) read every reversal of the 30 days with its household
 * to keep eight (1,045 households at 1M, 41 ms quiet, 100 ms at load 20: the city auditor's slow
 * loads). The found ids' rows are then read in one statement.
 */
async function recentUnusual(db: TScopedDb, today: string, largeFen: number) {
  const since = addDays(today, -RECENT_DAYS);
  const sinceDay = dateOnly(since);
  const newest = [{ entryDate: "desc" }, { id: "desc" }] satisfies Prisma.LedgerEntryOrderByWithRelationInput[];
  const [capped, observed, largeOrReversedIds] = await Promise.all([
    db.ledgerEntry.findMany({
      where: { entryDate: { gte: sinceDay }, capOverrideReason: { not: null } },
      orderBy: newest,
      take: RECENT_RECORDS,
      relationLoadStrategy: "join",
      select: RECENT_SELECT,
    }),
    db.ledgerEntry.findMany({
      where: { entryDate: { gte: sinceDay }, file: { status: "OBSERVATION" } },
      orderBy: newest,
      take: RECENT_RECORDS,
      relationLoadStrategy: "join",
      select: RECENT_SELECT,
    }),
    db.$queryRaw<Array<{ id: string }>>`
      SELECT u.id FROM ((SELECT k.id FROM (
        (SELECT e.id, e.entry_date FROM organisation o
           CROSS JOIN LATERAL (SELECT l.id, l.entry_date FROM ledger_entry l
                                WHERE l.organisation_id = o.id AND l.entry_date >= ${since}::date AND l.amount_fen >= ${largeFen}::int
                                ORDER BY l.entry_date DESC, l.id DESC LIMIT ${RECENT_RECORDS}) e
          WHERE ${db.$orgInScope(Prisma.sql`o.id`)})
        UNION ALL
        (SELECT x.entry_id AS id, x.entry_date FROM ledger_entry_elsewhere x
          WHERE x.entry_date >= ${since}::date AND x.amount_fen >= ${largeFen}::int
            AND ${db.$orgInScope(Prisma.sql`x.holder_organisation_id`)} AND NOT ${db.$orgInScope(Prisma.sql`x.organisation_id`)}
          ORDER BY x.entry_date DESC, x.entry_id DESC LIMIT ${RECENT_RECORDS})
      ) k ORDER BY k.entry_date DESC, k.id DESC LIMIT ${RECENT_RECORDS})
      UNION ALL
      (SELECT k.id FROM (
        (SELECT l.id, l.entry_date FROM ledger_entry l
          WHERE l.entry_date >= ${since}::date AND l.reverses_entry_id IS NOT NULL AND ${db.$orgInScope(Prisma.sql`l.organisation_id`)}
          ORDER BY l.entry_date DESC, l.id DESC LIMIT ${RECENT_RECORDS})
        UNION ALL
        (SELECT x.entry_id AS id, x.entry_date FROM ledger_entry_elsewhere x JOIN ledger_entry r ON r.id = x.entry_id
          WHERE x.entry_date >= ${since}::date AND r.reverses_entry_id IS NOT NULL
            AND ${db.$orgInScope(Prisma.sql`x.holder_organisation_id`)} AND NOT ${db.$orgInScope(Prisma.sql`x.organisation_id`)}
          ORDER BY x.entry_date DESC, x.entry_id DESC LIMIT ${RECENT_RECORDS})
      ) k ORDER BY k.entry_date DESC, k.id DESC LIMIT ${RECENT_RECORDS})) u`,
  ]);
  const largeOrReversed = largeOrReversedIds.length
    ? await db.ledgerEntry.findMany({
        where: { id: { in: largeOrReversedIds.map((r) => r.id) } },
        orderBy: newest,
        relationLoadStrategy: "join",
        select: RECENT_SELECT,
      })
    : [];
  const byId = new Map([...capped, ...observed, ...largeOrReversed].map((e) => [e.id, e]));
  return [...byId.values()].sort((a, b) => b.entryDate.getTime() - a.entryDate.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, RECENT_RECORDS);
}

async function auditorSection(actor: TActor, today: string, largeLimit: number): Promise<TWorkSection> {
  const db = scopedDb(actor);
  const since = new Date(Date.now() - RECENT_DAYS * DAY_MS);
  const sinceDay = dateOnly(addDays(today, -RECENT_DAYS));
  const largeFen = await policyValue("LARGE_PAYMENT_FEN", "", today);
  const [overCap, reversals, large, toObservation, recent, reveals, exports, callbackProblems, signals] = await Promise.all([
    db.ledgerEntry.count({ where: { entryDate: { gte: sinceDay }, capOverrideReason: { not: null } } }),
    // Reversals as the large payments below: those of the subtree (ledger_entry_reversal_date_idx)
    // plus those of files held here that another union paid. Prisma's joined scope read each
    // reversal's household (1,911 at 1M, 1.0 s at load 29) to test the second kind.
    db.$queryRaw<Array<{ n: bigint }>>`
      SELECT (SELECT count(*) FROM ledger_entry l
               WHERE l.entry_date >= ${addDays(today, -RECENT_DAYS)}::date AND l.reverses_entry_id IS NOT NULL AND ${db.$orgInScope(Prisma.sql`l.organisation_id`)})
           + (SELECT count(*) FROM ledger_entry_elsewhere x JOIN ledger_entry r ON r.id = x.entry_id
               WHERE x.entry_date >= ${addDays(today, -RECENT_DAYS)}::date AND r.reverses_entry_id IS NOT NULL
                 AND ${db.$orgInScope(Prisma.sql`x.holder_organisation_id`)} AND NOT ${db.$orgInScope(Prisma.sql`x.organisation_id`)})::bigint AS n`.then(
      (rows) => Number(rows[0]?.n ?? 0),
    ),
    // Large payments are common enough that Prisma's joined scope filter (paying organisation or
    // the file's current one) cost a hash of every file in scope. Here: those paid in the subtree
    // (an index-only range of ledger_entry_report_idx) plus those of files held here that another
    // union paid, the few in ledger_entry_elsewhere (0020).
    // Each part stops after largeLimit + 1 rows: a sum past the bound is shown as such.
    db.$queryRaw<Array<{ n: bigint }>>`
      SELECT (SELECT count(*) FROM (SELECT 1 FROM ledger_entry l
               WHERE l.entry_date >= ${addDays(today, -RECENT_DAYS)}::date AND l.amount_fen >= ${largeFen}::int AND ${db.$orgInScope(Prisma.sql`l.organisation_id`)}
               LIMIT ${largeLimit + 1}) paid)
           + (SELECT count(*) FROM (SELECT 1 FROM ledger_entry_elsewhere x
               WHERE x.entry_date >= ${addDays(today, -RECENT_DAYS)}::date AND x.amount_fen >= ${largeFen}::int
                 AND ${db.$orgInScope(Prisma.sql`x.holder_organisation_id`)} AND NOT ${db.$orgInScope(Prisma.sql`x.organisation_id`)}
               LIMIT ${largeLimit + 1}) held)::bigint AS n`.then((rows) => boundedCount(Number(rows[0]?.n ?? 0), largeLimit)),
    db.ledgerEntry.count({ where: { entryDate: { gte: sinceDay }, file: { status: "OBSERVATION" } } }),
    recentUnusual(db, today, largeFen),
    db.auditEvent.count({ where: { at: { gte: since }, action: { in: ["filing.reveal-resident-ids", "ledger.reveal-account-number"] } } }),
    db.auditEvent.count({ where: { at: { gte: since }, OR: [{ action: { contains: "export" } }] } }),
    // 回访核实 found 未收到 or 金额不符 (lib/payments): open until the auditor resolves it, however old.
    db.workItem.count({ where: { kind: "CALLBACK_PROBLEM", status: "OPEN" } }),
    openSignalCount(actor),
  ]);
  return {
    key: "auditor",
    title: `近 ${RECENT_DAYS} 天需关注的记录`,
    items: [
      { key: "callback-problems", title: "回访发现未收到或金额不符，待核查", count: callbackProblems, href: "/callbacks/problems", tone: "red" },
      { key: "over-cap", title: "超出年度上限特批发放", count: overCap, href: "/ledger", tone: "red" },
      { key: "reversals", title: "冲正", count: reversals, href: "/ledger", tone: "amber" },
      {
        key: "large",
        title: `单笔 ${(largeFen / 100).toLocaleString("zh-CN")} 元及以上的发放`,
        count: large.total,
        countAtLeast: large.totalAtLeast,
        href: `/ledger?min=${largeFen / 100}`,
        tone: "amber",
        detail: large.totalAtLeast ? `超过 ${largeLimit.toLocaleString("zh-CN")} 笔，在台账中按金额查看全部` : undefined,
      },
      { key: "observation", title: "发放给渐退期家庭", count: toObservation, href: "/ledger", tone: "slate" },
      { key: "reveals", title: "查看完整身份号码或银行账号", count: reveals, href: "/audit", tone: "slate" },
      { key: "exports", title: "导出记录", count: exports, href: "/audit", tone: "slate" },
      { key: "signals", title: "疑似重复与冒领待核查", count: signals, href: "/signals", tone: "red" },
    ],
    records: recent.map((e) => {
      const tags = [
        e.capOverrideReason ? "超限特批" : null,
        e.reversesEntryId ? "冲正" : null,
        e.amountFen >= largeFen ? "大额" : null,
        e.file.status === "OBSERVATION" ? "渐退期" : null,
      ].filter((t): t is string => !!t);
      return {
        key: e.id,
        label: `${e.file.holderName ?? "—"} · ${(e.amountFen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2 })} 元`,
        meta: `${dateOnlyString(e.entryDate)} · ${e.organisation.name}`,
        href: `/files/${e.fileId}`,
        tags,
      };
    }),
  };
}

async function calendarSection(actor: TActor, today: string): Promise<TWorkSection | null> {
  const summaries = await findWorkItems(actor, { today });
  if (summaries.length === 0) return null;
  return {
    key: "calendar",
    title: "档案管理待办",
    items: summaries.map((s) => ({
      key: `calendar-${s.kind}`,
      title: s.label,
      count: s.count,
      href: s.href,
      detail: s.overdue > 0 ? `${s.overdue} 项已逾期` : s.nextDue ? `最早 ${s.nextDue} 到期` : undefined,
      tone: s.overdue > 0 ? "red" : "slate",
    })),
  };
}

/**
 * The workbench of the signed-in user: one section per role they hold (an admin has none; the
 * page then says so and points to their sections).
 */
export async function findWorkbench(actor: TActor, options: { today?: string; largeCountLimit?: number } = {}) {
  const today = options.today ?? todayInShanghai();
  const sections = await Promise.all([
    hasRole(actor, "CASEWORKER") ? caseworkerSection(actor, today) : null,
    hasRole(actor, "OFFICIAL") ? officialSection(actor, today) : null,
    hasRole(actor, "AUDITOR") ? auditorSection(actor, today, options.largeCountLimit ?? LARGE_COUNT_LIMIT) : null,
    // Work items the daily calendar job opened (档案管理办法: paper in step within 30 working days,
    // observation and publicity ended, exits suggested, retention ended).
    WORK_ITEM_READERS.some((role) => hasRole(actor, role)) ? calendarSection(actor, today) : null,
  ]);
  const present = sections.filter((s): s is TWorkSection => s !== null);
  return { today, sections: present, totalOpen: present.reduce((n, s) => n + s.items.reduce((m, i) => m + i.count, 0), 0) };
}

export type TWorkbench = Awaited<ReturnType<typeof findWorkbench>>;
