import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import type { WorkItemKind } from "@/lib/generated/prisma/enums";
import { WORK_ITEM_LABELS } from "./labels";

// 待办事项: the open work items in the actor's scope (through their household files). One summary
// per kind for the workbench and the /tasks page, and the paged list of one kind.

export const WORK_ITEM_READERS = ["CASEWORKER", "OFFICIAL"] as const;
const KINDS = Object.keys(WORK_ITEM_LABELS) as WorkItemKind[];
/** Call-back problems are the auditor's (lib/payments), not the file-management calendar's. */
const NOT_CALENDAR = { not: "CALLBACK_PROBLEM" as const };

export type TWorkItemSummary = {
  kind: WorkItemKind;
  /** Chinese label, e.g. 纸质档案待同步 */
  label: string;
  count: number;
  overdue: number;
  /** The earliest due date among the open items (YYYY-MM-DD), or null. */
  nextDue: string | null;
  href: string;
};

/** One line per kind that has open items, the most urgent first. */
export async function findWorkItems(actor: TActor, options: { today?: string } = {}): Promise<TWorkItemSummary[]> {
  assertRole(actor, ...WORK_ITEM_READERS);
  const today = dateOnly(options.today ?? todayInShanghai());
  const db = scopedDb(actor);
  const [all, overdue] = await Promise.all([
    db.workItem.groupBy({ by: ["kind"], where: { status: "OPEN", kind: NOT_CALENDAR }, _count: { _all: true }, _min: { dueDate: true } }),
    db.workItem.groupBy({ by: ["kind"], where: { status: "OPEN", kind: NOT_CALENDAR, dueDate: { lt: today } }, _count: { _all: true } }),
  ]);
  return all
    .map((g) => ({
      kind: g.kind,
      label: WORK_ITEM_LABELS[g.kind],
      count: g._count._all,
      overdue: overdue.find((o) => o.kind === g.kind)?._count._all ?? 0,
      nextDue: g._min.dueDate ? dateOnlyString(g._min.dueDate) : null,
      href: `/tasks?kind=${g.kind}`,
    }))
    .sort((a, b) => b.overdue - a.overdue || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
}

/** The open items of one kind, earliest due first. */
export async function findWorkItemList(actor: TActor, options: { kind: WorkItemKind; page: number; today?: string; overdueOnly?: boolean }) {
  assertRole(actor, ...WORK_ITEM_READERS);
  const today = dateOnly(options.today ?? todayInShanghai());
  const db = scopedDb(actor);
  const where = { status: "OPEN" as const, kind: options.kind, ...(options.overdueOnly ? { dueDate: { lt: today } } : {}) };
  const [total, rows] = await Promise.all([
    db.workItem.count({ where }),
    db.workItem.findMany({
      where,
      orderBy: [{ dueDate: "asc" }, { createdAt: "asc" }],
      skip: (options.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        dueDate: true,
        createdAt: true,
        sourceKey: true,
        file: { select: { id: true, fileNumber: true, holderName: true, status: true, organisation: { select: { name: true } } } },
      },
    }),
  ]);
  return toPage(
    rows.map((r) => ({ ...r, dueDate: dateOnlyString(r.dueDate), overdue: r.dueDate < today })),
    total,
    options.page,
  );
}

/** Kinds a person marks done by hand; the others close themselves when their condition passes (the daily job). */
export function canCompleteWorkItem(kind: WorkItemKind): boolean {
  return kind === "PAPER_SYNC";
}
