import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { prisma } from "@/lib/db/client";
import { toPage, type TPage } from "@/lib/data/pagination";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import type { Tier } from "@/lib/generated/prisma/enums";
import { PUBLIC_NOTICE_PAGE_SIZE, PUBLIC_NOTICE_PRINT_MAX } from "./limits";
import { maskName } from "./mask-name";
import { servicePhoneFor } from "./service-phone";

// The public notice (公示, issue 24 §3): what a union posts on its noticeboard is public, so it is
// read without an actor — and holds only what the noticeboard shows: the masked name, the base
// union, the tier applied for and the publicity dates. Never an ID number, address, income, money
// or the file's id (a file is named by its publicity token, new in each publicity).

export type TPublicityRow = {
  token: string;
  maskedName: string;
  baseUnion: string;
  tier: Tier | null;
  /** YYYY-MM-DD */
  publicityStart: string;
  /** YYYY-MM-DD: the last day, also the objection deadline. */
  publicityEnd: string;
};
export type TPublicityUnion = { id: string; name: string; servicePhone: string | null };

const ROW_SELECT = {
  publicityToken: true,
  holderName: true,
  proposedTier: true,
  publicityStart: true,
  publicityEnd: true,
  organisation: { select: { name: true } },
} as const;

function toRow(f: {
  publicityToken: string | null;
  holderName: string | null;
  proposedTier: Tier | null;
  publicityStart: Date | null;
  publicityEnd: Date | null;
  organisation: { name: string };
}): TPublicityRow {
  return {
    token: f.publicityToken!,
    maskedName: maskName(f.holderName),
    baseUnion: f.organisation.name,
    tier: f.proposedTier,
    publicityStart: dateOnlyString(f.publicityStart!),
    publicityEnd: dateOnlyString(f.publicityEnd!),
  };
}

/** Files in publicity today under a union (its own and its subordinate unions'). */
function inPublicityUnder(orgPath: string, today: string) {
  const day = dateOnly(today);
  return {
    status: "PUBLICITY" as const,
    publicityToken: { not: null },
    publicityStart: { lte: day },
    publicityEnd: { gte: day },
    organisation: { path: { startsWith: orgPath } },
  };
}

async function unionFor(orgId: string) {
  const org = await prisma.organisation.findUnique({ where: { id: orgId }, select: { id: true, name: true, path: true } });
  if (!org) return null;
  return { org, servicePhone: await servicePhoneFor(org.path) };
}

/** One page of a union's notice, or null when there is no such union. */
export async function findPublicityNotice(
  orgId: string,
  options: { page: number; now?: Date },
): Promise<{ union: TPublicityUnion; today: string; files: TPage<TPublicityRow> } | null> {
  const found = await unionFor(orgId);
  if (!found) return null;
  const today = todayInShanghai(options.now);
  const where = inPublicityUnder(found.org.path, today);
  const [total, rows] = await Promise.all([
    prisma.householdFile.count({ where }),
    prisma.householdFile.findMany({
      where,
      orderBy: [{ publicityStart: "desc" }, { id: "asc" }],
      skip: (options.page - 1) * PUBLIC_NOTICE_PAGE_SIZE,
      take: PUBLIC_NOTICE_PAGE_SIZE,
      select: ROW_SELECT,
    }),
  ]);
  return {
    union: { id: found.org.id, name: found.org.name, servicePhone: found.servicePhone },
    today,
    files: toPage(rows.map(toRow), total, options.page, PUBLIC_NOTICE_PAGE_SIZE),
  };
}

/** The printed 公示: every file of the notice (up to PUBLIC_NOTICE_PRINT_MAX), oldest first as on a board. */
export async function findPublicityNoticeForPrint(
  orgId: string,
  now?: Date,
): Promise<{ union: TPublicityUnion; today: string; rows: TPublicityRow[]; more: boolean } | null> {
  const found = await unionFor(orgId);
  if (!found) return null;
  const today = todayInShanghai(now);
  const rows = await prisma.householdFile.findMany({
    where: inPublicityUnder(found.org.path, today),
    orderBy: [{ publicityStart: "asc" }, { id: "asc" }],
    take: PUBLIC_NOTICE_PRINT_MAX + 1,
    select: ROW_SELECT,
  });
  return {
    union: { id: found.org.id, name: found.org.name, servicePhone: found.servicePhone },
    today,
    rows: rows.slice(0, PUBLIC_NOTICE_PRINT_MAX).map(toRow),
    more: rows.length > PUBLIC_NOTICE_PRINT_MAX,
  };
}

/** One file of a notice by its token, while it is in publicity (the objection page); null otherwise. */
export async function findPublicityFile(token: string): Promise<(TPublicityRow & { servicePhone: string | null }) | null> {
  const file = await prisma.householdFile.findFirst({
    where: { publicityToken: token, status: "PUBLICITY" },
    select: { ...ROW_SELECT, organisation: { select: { name: true, path: true } } },
  });
  if (!file || !file.publicityStart || !file.publicityEnd) return null;
  return { ...toRow(file), servicePhone: await servicePhoneFor(file.organisation.path) };
}

/** The printed 公示 from the staff side: only for a union in the actor's scope (null otherwise). */
export async function findPublicityNoticeInScope(actor: TActor, orgId: string) {
  const inScope = await scopedDb(actor).organisation.findUnique({ where: { id: orgId }, select: { id: true } });
  return inScope ? findPublicityNoticeForPrint(orgId) : null;
}
