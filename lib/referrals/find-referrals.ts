import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { dateOnly, todayInShanghai } from "@/lib/format/datetime";

export async function findFileReferrals(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  // Joined: one statement on the household page instead of one per relation (issue 28).
  return scopedDb(actor).referral.findMany({
    where: { fileId },
    relationLoadStrategy: "join",
    orderBy: [{ referredOn: "desc" }, { id: "asc" }],
    take: 100,
    include: { createdBy: { select: { name: true } }, closedBy: { select: { name: true } }, measure: { select: { need: true } } },
  });
}

/** The workbench's overdue referrals: no outcome, due before today (partial index referral_open_due_idx). */
export async function overdueReferrals(actor: TActor, today = todayInShanghai()) {
  const db = scopedDb(actor);
  const where = { outcome: null, dueDate: { lt: dateOnly(today) } };
  const [count, oldest] = await Promise.all([
    db.referral.count({ where }),
    db.referral.findMany({
      where,
      orderBy: [{ dueDate: "asc" }, { id: "asc" }],
      take: 5,
      // Joined: the file's name in this statement, not a second one (issue 28).
      relationLoadStrategy: "join",
      select: { id: true, department: true, item: true, dueDate: true, file: { select: { id: true, holderName: true } } },
    }),
  ]);
  return { count, oldest };
}
