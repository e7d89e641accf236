import "server-only";
import { prisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { PUBLIC_APPLICATION_LIMITS, PUBLIC_UNION_SEARCH } from "./limits";

// The public side's one search of the union tree by name: the notice (公示, any level, upper levels
// first) and the online application (网上申请, base unions only, since only they take files).
// Union names are public; what is budgeted is the work: PUBLIC_UNION_SEARCH's 2–30 characters
// (checked by each form's schema) and at most `results` names, and for the application, which a
// script could drive, at most `searchesPerAddress` searches per address per hour (public_attempt).

export type TUnionChoice = { id: string; name: string; parentName: string | null };

/** Unions whose name contains `name`: any level, upper levels first, or base unions by name. */
export async function findUnionsByName(name: string, which: "any" | "base"): Promise<TUnionChoice[]> {
  const rows = await prisma.organisation.findMany({
    where: which === "base" ? { level: "GRASSROOTS", name: { contains: name } } : { name: { contains: name } },
    orderBy: which === "base" ? [{ name: "asc" }, { id: "asc" }] : [{ depth: "asc" }, { name: "asc" }],
    take: PUBLIC_UNION_SEARCH.results,
    select: { id: true, name: true, parent: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, parentName: r.parent?.name ?? null }));
}

export const UNION_SEARCH_LIMITED = "查找次数过多，请 1 小时后再试，或致电所在工会。";

/** The application's search: base unions, each search from an address counted first. */
export async function searchUnions(input: { name: string }, context: { ip: string; now?: Date }): Promise<TUnionChoice[]> {
  const now = context.now ?? new Date();
  const since = new Date(now.getTime() - PUBLIC_APPLICATION_LIMITS.searchWindowHours * 3_600_000);
  const used = await prisma.publicAttempt.count({ where: { kind: "ORG_SEARCH", ip: context.ip, at: { gt: since } } });
  if (used >= PUBLIC_APPLICATION_LIMITS.searchesPerAddress) throw new DomainError(UNION_SEARCH_LIMITED, "LIMITED");
  const [unions] = await Promise.all([
    findUnionsByName(input.name, "base"),
    prisma.publicAttempt.create({ data: { at: now, kind: "ORG_SEARCH", ip: context.ip, subjectKey: "", succeeded: true } }),
  ]);
  return unions;
}
