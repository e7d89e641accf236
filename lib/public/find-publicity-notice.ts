import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { prisma } from "@/lib/db/client";
import { boundedCount, toPage, type TPage } from "@/lib/data/pagination";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tier } from "@/lib/generated/prisma/enums";
import { PUBLIC_NOTICE_COUNT_PAGES_AHEAD, PUBLIC_NOTICE_PAGE_SIZE, PUBLIC_NOTICE_PRINT_MAX } from "./limits";
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

/**
 * The notice page's filter in SQL: files in publicity today under the union at `orgPath` (a path of
 * uuids and "/", so LIKE sees no wildcard in it). The last day is written `publicity_end - day >= 0`
 * on purpose: PostgreSQL estimates `status = 'PUBLICITY'` and `publicity_end >= day` as if
 * independent (1.5 % × 0.75 % of 1,000,000 files: one row, where 7,547 match), and for one row it
 * prefers household_file_publicity_wait_idx and a sort of every file in publicity — each one read
 * from the heap for its name — to the notice index. An expression it cannot match to an index gets
 * its default estimate (a third), and then page 1 is the first 20 entries of
 * household_file_publicity_notice_idx in its own order: 1–2 ms instead of 50–300 ms at 1,000,000
 * files (docs/benchmarks/2026-12-07-public-pages-1m.md, with the plans).
 */
function inPublicityUnderSql(orgPath: string, today: string) {
  return Prisma.sql`f.status = 'PUBLICITY' AND f.publicity_token IS NOT NULL AND f.publicity_start <= ${today}::date
    AND (f.publicity_end - ${today}::date) >= 0 AND o.path LIKE ${orgPath} || '%'`;
}

type TPublicityRowSql = {
  publicity_token: string;
  holder_name: string | null;
  proposed_tier: Tier | null;
  publicity_start: Date;
  publicity_end: Date;
  union_name: string;
};

/**
 * One page of a union's notice, or null when there is no such union. The union's phone, the page
 * and its count are read at once. The count stops PUBLIC_NOTICE_COUNT_PAGES_AHEAD pages past this
 * one ("超过 … 条", with a next page while there is one): counting a province's thousands of files
 * in publicity read each from the heap, and nobody pages through them; every file stays reachable.
 */
export async function findPublicityNotice(
  orgId: string,
  options: { page: number; now?: Date },
): Promise<{ union: TPublicityUnion; today: string; files: TPage<TPublicityRow> } | null> {
  const org = await prisma.organisation.findUnique({ where: { id: orgId }, select: { id: true, name: true, path: true } });
  if (!org) return null;
  const today = todayInShanghai(options.now);
  const where = inPublicityUnderSql(org.path, today);
  const bound = (options.page + PUBLIC_NOTICE_COUNT_PAGES_AHEAD) * PUBLIC_NOTICE_PAGE_SIZE;
  const [servicePhone, rows, [counted]] = await Promise.all([
    servicePhoneFor(org.path),
    prisma.$queryRaw<TPublicityRowSql[]>`
      SELECT f.publicity_token::text AS publicity_token, f.holder_name, f.proposed_tier::text AS proposed_tier, f.publicity_start, f.publicity_end, o.name AS union_name
        FROM household_file f JOIN organisation o ON o.id = f.organisation_id
       WHERE ${where}
       ORDER BY f.publicity_start DESC, f.id
       LIMIT ${PUBLIC_NOTICE_PAGE_SIZE} OFFSET ${(options.page - 1) * PUBLIC_NOTICE_PAGE_SIZE}`,
    prisma.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM household_file f JOIN organisation o ON o.id = f.organisation_id WHERE ${where} LIMIT ${bound + 1}
      ) AS bounded`,
  ]);
  const { total, totalAtLeast } = boundedCount(counted!.n, bound);
  return {
    union: { id: org.id, name: org.name, servicePhone },
    today,
    files: toPage(
      rows.map((r) =>
        toRow({
          publicityToken: r.publicity_token,
          holderName: r.holder_name,
          proposedTier: r.proposed_tier,
          publicityStart: r.publicity_start,
          publicityEnd: r.publicity_end,
          organisation: { name: r.union_name },
        }),
      ),
      total,
      options.page,
      PUBLIC_NOTICE_PAGE_SIZE,
      totalAtLeast,
    ),
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
