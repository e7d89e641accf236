import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb, scopedReadDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { foldPendingForReport } from "./fold-pending";
import type { TPeriod } from "./period";

// What every section of the report reads with: the selected organisation, its rows (本级 and one
// per child), and the SQL that limits a statement to its subtree and names each row's child.
// Scope: the selected organisation is found through the actor's scope, and every statement also
// carries the actor's scope fragment ($orgInScope).

export const REPORT_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

export type TCount<K extends string> = Partial<Record<K, number>>;

export type TReportOrg = { key: string; organisationId: string; name: string; drillDown: boolean };

export const n = (value: bigint | number | null | undefined) => Number(value ?? 0);

export function add<K extends string>(counts: TCount<K>, key: K | null, value: number) {
  if (key === null) return;
  counts[key] = (counts[key] ?? 0) + value;
}

export type TReportScope = Awaited<ReturnType<typeof reportScope>>;

export async function reportScope(actor: TActor, input: { organisationId?: string; period: TPeriod }) {
  assertRole(actor, ...REPORT_READERS);
  // The households come from kept counts (a calendar period's from migration 0018, any other
  // range's from 0053): entries a big statement left pending are folded in first (decision 032), and
  // a report that folded, or kept a month's open files (decision 039), reads on the primary, where
  // they are (a replica may not have replayed them yet).
  const { folded, rolled } = await foldPendingForReport(actor);
  const db = folded + rolled > 0 ? scopedDb(actor) : await scopedReadDb(actor);
  const organisation = await db.organisation.findUnique({
    where: { id: input.organisationId ?? actor.organisation.id },
    select: { id: true, name: true, path: true, parentId: true, children: { select: { id: true, name: true }, orderBy: { code: "asc" } } },
  });
  if (!organisation) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
  const { from, to } = input.period;
  const today = todayInShanghai();
  const path = organisation.path;
  const prefix = path.length;
  const orgs: TReportOrg[] = [
    { key: "self", organisationId: organisation.id, name: `${organisation.name}（本级）`, drillDown: false },
    ...organisation.children.map((c) => ({ key: c.id, organisationId: c.id, name: c.name, drillDown: true })),
  ];
  const up = organisation.id === actor.organisation.id || !organisation.parentId ? null : organisation.parentId;

  // The subtree with the child each organisation belongs to ('self' for the selected one).
  const sub = (pathColumn: Prisma.Sql) => Prisma.sql`coalesce(nullif(split_part(substr(${pathColumn}, ${prefix + 1}::int), '/', 1), ''), 'self')`;
  // The selected organisation's subtree (index-friendly prefix match on organisation.path) and,
  // although that organisation was found through the scope, the actor's scope itself as well.
  const inSubtree = Prisma.sql`o.path LIKE ${`${path}%`} AND ${db.$orgInScope(Prisma.sql`o.id`)}`;
  const child = sub(Prisma.sql`o.path`);
  const known = new Set(orgs.map((o) => o.key));
  // A child created after a row was counted is still a child; anything else would be a bug.
  const keyOf = (child: string | null) => (child && known.has(child) ? child : "self");
  return { db, organisation, up, orgs, period: input.period, from, to, today, inSubtree, child, keyOf };
}
