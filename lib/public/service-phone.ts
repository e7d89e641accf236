import "server-only";
import { prisma } from "@/lib/db/client";

/**
 * The service phone printed for a union: its own, or the nearest union above it that has one (a
 * grassroots union often has none; its county union answers). Public information, read unscoped:
 * a caseworker's notice names the phone of a union above their scope.
 */
export async function servicePhoneFor(orgPath: string): Promise<string | null> {
  const ids = orgPath.split("/").filter(Boolean);
  const rows = await prisma.organisation.findMany({ where: { id: { in: ids }, servicePhone: { not: null } }, select: { servicePhone: true, depth: true } });
  return rows.sort((a, b) => b.depth - a.depth)[0]?.servicePhone ?? null;
}
