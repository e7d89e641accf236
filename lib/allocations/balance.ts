import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { DomainError } from "@/lib/errors/domain-error";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";

// What a union still holds is one row of allocation_balance per fund and year, kept by the
// triggers of prisma/migrations/0031_allocations. Taking more than it holds makes the trigger
// raise 'allocation_exceeded' with the figures; these helpers turn that into a Chinese message.

export type TAllocationShortfall = { organisationId: string; fundSource: FundSource; year: number; balanceFen: number; neededFen: number };

const MARKER = /allocation_exceeded org=([0-9a-f-]{36}) fund=([A-Z_]+) year=(\d{4}) balance=(-?\d+) needed=(-?\d+)/;

/** The shortfall a refused statement reports, wherever Prisma or the driver put the message; null for any other error. */
export function allocationShortfall(error: unknown): TAllocationShortfall | null {
  const seen = new Set<unknown>();
  const find = (e: unknown, depth: number): RegExpExecArray | null => {
    if (!e || typeof e !== "object" || seen.has(e) || depth > 5) return null;
    seen.add(e);
    const o = e as Record<string, unknown>;
    const own = typeof o.message === "string" ? MARKER.exec(o.message) : null;
    if (own) return own;
    for (const key of ["meta", "cause", "driverAdapterError", "error"]) {
      const found = find(o[key], depth + 1);
      if (found) return found;
    }
    return MARKER.exec(JSON.stringify(o.meta ?? {}));
  };
  const m = find(error, 0);
  if (!m) return null;
  return { organisationId: m[1]!, fundSource: m[2] as FundSource, year: Number(m[3]), balanceFen: Number(m[4]), neededFen: Number(m[5]) };
}

export function shortfallMessage(s: TAllocationShortfall, organisationName: string, what: string): string {
  return (
    `超出可用额度：${organisationName} ${s.year} 年“${FUND_SOURCE_LABELS[s.fundSource]}”剩余 ${formatFen(s.balanceFen)}，` +
    `${what} ${formatFen(s.neededFen)}。请先由上级下拨资金，或减少金额后再办理。`
  );
}

/**
 * Rethrows a refused approval or allocation as a DomainError naming the remaining balance (read
 * after the transaction rolled back, so it is the balance now); any other error unchanged.
 */
export async function rethrowShortfall(actor: TActor, error: unknown, what: string): Promise<never> {
  const shortfall = allocationShortfall(error);
  if (!shortfall) throw error;
  const org = await scopedDb(actor).organisation.findUnique({ where: { id: shortfall.organisationId }, select: { name: true } });
  throw new DomainError(shortfallMessage(shortfall, org?.name ?? "该单位", what), "ALLOCATION_EXCEEDED", { amountFen: "超出可用额度" });
}

/** The remaining allocation of one union for a fund and year (0 when it was never given any). */
export async function remainingAllocation(actor: TActor, input: { organisationId: string; fundSource: FundSource; year: number }): Promise<number> {
  const row = await scopedDb(actor).allocationBalance.findUnique({
    where: { organisationId_fundSource_year: { organisationId: input.organisationId, fundSource: input.fundSource, year: input.year } },
    select: { balanceFen: true },
  });
  return Number(row?.balanceFen ?? 0);
}
