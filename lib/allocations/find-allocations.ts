import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage, type TPage } from "@/lib/data/pagination";
import { dateOnlyString } from "@/lib/format/datetime";
import type { AllocationKind, FundSource, OrgLevel } from "@/lib/generated/prisma/enums";

export type TAllocationFilters = {
  year?: number;
  fundSource?: FundSource;
  kind?: AllocationKind;
  /** Rows given by or to this union (within the actor's scope). */
  organisationId?: string;
  page?: number;
};

export type TAllocationRow = {
  id: string;
  kind: AllocationKind;
  fundSource: FundSource;
  amountFen: number;
  entryDate: string;
  note: string;
  source: string | null;
  organisation: { id: string; name: string };
  recipient: { id: string; name: string } | null;
  recordedBy: string | null;
  createdAt: Date;
  adjusts: { id: string; kind: AllocationKind; entryDate: string } | null;
};

/** 额度登记簿: the rows the actor's scope gives or receives, newest first, 20 to a page. */
export async function findAllocations(actor: TActor, filters: TAllocationFilters): Promise<TPage<TAllocationRow>> {
  const db = scopedDb(actor);
  const page = filters.page ?? 1;
  const where = {
    ...(filters.year ? { entryDate: { gte: new Date(Date.UTC(filters.year, 0, 1)), lt: new Date(Date.UTC(filters.year + 1, 0, 1)) } } : {}),
    ...(filters.fundSource ? { fundSource: filters.fundSource } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.organisationId ? { OR: [{ organisationId: filters.organisationId }, { recipientId: filters.organisationId }] } : {}),
  };
  const [rows, total] = await Promise.all([
    db.allocation.findMany({
      where,
      orderBy: [{ entryDate: "desc" }, { createdAt: "desc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: {
        organisation: { select: { id: true, name: true } },
        recipient: { select: { id: true, name: true } },
        recordedBy: { select: { name: true } },
        adjusts: { select: { id: true, kind: true, entryDate: true } },
      },
    }),
    db.allocation.count({ where }),
  ]);
  return toPage(
    rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      fundSource: r.fundSource,
      amountFen: Number(r.amountFen),
      entryDate: dateOnlyString(r.entryDate),
      note: r.note,
      source: r.source,
      organisation: r.organisation,
      recipient: r.recipient,
      recordedBy: r.recordedBy?.name ?? null,
      createdAt: r.createdAt,
      adjusts: r.adjusts ? { id: r.adjusts.id, kind: r.adjusts.kind, entryDate: dateOnlyString(r.adjusts.entryDate) } : null,
    })),
    total,
    page,
  );
}

export type TBalanceRow = { organisationId: string; name: string; level: OrgLevel; own: boolean; byFund: Partial<Record<FundSource, number>> };

/** What the actor's union and each union directly below it still hold, per fund, for a year. */
export async function findBalances(actor: TActor, year: number): Promise<TBalanceRow[]> {
  const db = scopedDb(actor);
  const orgs = await db.organisation.findMany({
    where: { OR: [{ id: actor.organisation.id }, { parentId: actor.organisation.id }] },
    orderBy: [{ depth: "asc" }, { code: "asc" }],
    select: { id: true, name: true, level: true },
  });
  const balances = await db.allocationBalance.findMany({ where: { year, organisationId: { in: orgs.map((o) => o.id) } } });
  return orgs.map((o) => ({
    organisationId: o.id,
    name: o.name,
    level: o.level,
    own: o.id === actor.organisation.id,
    byFund: Object.fromEntries(balances.filter((b) => b.organisationId === o.id).map((b) => [b.fundSource, Number(b.balanceFen)])),
  }));
}

/** The actor's own rows that an adjustment may correct (not OPENING, not adjustments themselves), newest first. */
export async function findAdjustableAllocations(actor: TActor, year: number) {
  const rows = await scopedDb(actor).allocation.findMany({
    where: {
      organisationId: actor.organisation.id,
      kind: { in: ["RECEIVED", "PASS_DOWN"] },
      entryDate: { gte: new Date(Date.UTC(year, 0, 1)), lt: new Date(Date.UTC(year + 1, 0, 1)) },
    },
    orderBy: [{ entryDate: "desc" }, { createdAt: "desc" }],
    take: 200,
    include: { recipient: { select: { name: true } }, adjustments: { select: { amountFen: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    fundSource: r.fundSource,
    entryDate: dateOnlyString(r.entryDate),
    recipient: r.recipient?.name ?? null,
    note: r.note,
    netFen: Number(r.amountFen) + r.adjustments.reduce((s, a) => s + Number(a.amountFen), 0),
  }));
}
