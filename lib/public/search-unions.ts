import "server-only";
import { prisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { PUBLIC_APPLICATION_LIMITS } from "./limits";

// Choosing the union to apply to (网上申请): a search of the union tree by name, open to anyone.
// Union names are public; what is budgeted is the work: at most `searchesPerAddress` searches per
// address per hour (counted in public_attempt), at least two characters, at most 20 names.
// Only base unions (基层工会) take files, so only they are offered.

export type TUnionChoice = { id: string; name: string; parentName: string | null };

export const UNION_SEARCH_LIMITED = "查找次数过多，请 1 小时后再试，或致电所在工会。";

export async function searchUnions(input: { name: string }, context: { ip: string; now?: Date }): Promise<TUnionChoice[]> {
  const now = context.now ?? new Date();
  const since = new Date(now.getTime() - PUBLIC_APPLICATION_LIMITS.searchWindowHours * 3_600_000);
  const used = await prisma.publicAttempt.count({ where: { kind: "ORG_SEARCH", ip: context.ip, at: { gt: since } } });
  if (used >= PUBLIC_APPLICATION_LIMITS.searchesPerAddress) throw new DomainError(UNION_SEARCH_LIMITED, "LIMITED");
  const [rows] = await Promise.all([
    prisma.organisation.findMany({
      where: { level: "GRASSROOTS", name: { contains: input.name } },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: PUBLIC_APPLICATION_LIMITS.searchResults,
      select: { id: true, name: true, parent: { select: { name: true } } },
    }),
    prisma.publicAttempt.create({ data: { at: now, kind: "ORG_SEARCH", ip: context.ip, subjectKey: "", succeeded: true } }),
  ]);
  return rows.map((r) => ({ id: r.id, name: r.name, parentName: r.parent?.name ?? null }));
}
