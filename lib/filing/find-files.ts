import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { boundedCount, COUNT_LIMIT, NAME_COUNT_LIMIT, PAGE_SIZE, SCAN_COUNT_LIMIT, toPage } from "@/lib/data/pagination";
import { scopedDb, scopedReadDb, scopeOrganisationIds } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { Prisma } from "@/lib/generated/prisma/client";
import type { FileLevel, FileStatus, HardshipCause, Tier, WorkerCategory } from "@/lib/generated/prisma/enums";
import { todayInShanghai } from "@/lib/format/datetime";
import { maskResidentId, normalizeResidentId } from "@/lib/people/resident-id";
import { parseNameQuery } from "./name-search";
import type { TFilingData } from "./schemas";

const READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

export type TArchiveQuery = {
  q?: string;
  /**
   * ACTIVE: the files people work on — in review, in publicity, open, in observation, and for a
   * caseworker their own drafts (the archive page's default; issue 26). ALL: every status but
   * drafts. DRAFT: the caseworker's own drafts.
   */
  status?: FileStatus | "ALL" | "ACTIVE";
  tier?: Tier;
  fileLevel?: FileLevel;
  workerCategory?: WorkerCategory;
  cause?: HardshipCause;
  organisationId?: string;
  /** Open files whose re-check date has passed. */
  overdue?: boolean;
};

/** A position in the archive's order (updated_at DESC, id DESC): the key of a row. */
export type TArchiveKey = { updatedAt: Date; id: string };

/**
 * Which page: the first; the rows after (下一页) or before (上一页) a key; the last (末页). `skip`
 * jumps up to MAX_JUMP more pages in the same direction (the page numbers next to the current
 * one), so every page costs at most (MAX_JUMP + 1) pages of rows: never an OFFSET into the archive.
 */
export type TArchivePosition = { after?: TArchiveKey; before?: TArchiveKey; last?: boolean; skip?: number };
export const MAX_JUMP = 4;

const KEY = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A key as it travels in the URL (`2026-12-01T08:00:00.000Z_<uuid>`); anything else is no key. */
export function encodeArchiveKey(key: TArchiveKey): string {
  return `${key.updatedAt.toISOString()}_${key.id}`;
}
export function decodeArchiveKey(value: string | undefined): TArchiveKey | undefined {
  const m = value ? KEY.exec(value) : null;
  return m ? { updatedAt: new Date(m[1]!), id: m[2]! } : undefined;
}

const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The statuses ACTIVE names besides the caseworker's own drafts. */
export const ACTIVE_STATUSES = ["SUBMITTED", "REVIEWED", "PUBLICITY", "OPEN", "OBSERVATION"] as const satisfies readonly FileStatus[];

/** The status filter over `household_file f` (drafts only ever the caseworker's own). */
function statusSql(actor: TActor, status: NonNullable<TArchiveQuery["status"]>, alias = "f"): Prisma.Sql {
  const a = Prisma.raw(alias);
  const ownDrafts = actor.roles.includes("CASEWORKER") ? Prisma.sql`(${a}.status = 'DRAFT' AND ${a}.created_by_id = ${actor.userId}::uuid)` : Prisma.sql`false`;
  if (status === "ALL") return Prisma.sql`${a}.status <> 'DRAFT'`;
  if (status === "DRAFT") return ownDrafts;
  if (status === "ACTIVE") {
    const active = Prisma.sql`${a}.status = ANY(${[...ACTIVE_STATUSES]}::file_status[])`;
    return actor.roles.includes("CASEWORKER") ? Prisma.sql`(${active} OR ${ownDrafts})` : active;
  }
  return Prisma.sql`${a}.status = ${status}::file_status`;
}

/**
 * The ID-number forms a person copies from the screen: the last four characters of a masked
 * number (0509, …0509, *0509) or the whole masked number (620102********0509). Null otherwise.
 */
export function residentIdFragment(q: string): { head?: string; tail: string } | null {
  const v = normalizeResidentId(q).replace(/^[.…*＊]+/, "");
  const tail = /^\d{3}[\dX]$/.exec(v);
  if (tail) return { tail: v };
  const masked = /^(\d{6})[*＊]{8}(\d{3}[\dX])$/.exec(v);
  return masked ? { head: masked[1]!, tail: masked[2]! } : null;
}

/**
 * What the search box means: an 18-character ID number, the tail of one as the screen shows it
 * (any member's), a file number, or any part of the holder's name, its pinyin or its initials
 * (lib/filing/name-search.ts), or a family member's full name. A query that is none of these matches nothing.
 * Alternatives (a holder's name OR a member's full name) come back apart: the page reads each
 * alternative on its own index and merges them (archiveRows), where one OR would make PostgreSQL
 * read every file's JSON document to test the member names (issue 28: 王 at a million files).
 */
function searchAlternatives(q: string): TAlternative[] {
  const id = normalizeResidentId(q);
  if (/^[0-9]{17}[0-9X]$/.test(id)) return [{ test: Prisma.sql`f.id IN (SELECT p.file_id FROM file_person p WHERE p.resident_id = ${id})` }];
  const fragment = residentIdFragment(q);
  // file_person_resident_id_tail_idx (migration 0036) serves right(resident_id, 4).
  if (fragment) {
    return [
      {
        test: Prisma.sql`f.id IN (SELECT p.file_id FROM file_person p WHERE right(p.resident_id, 4) = ${fragment.tail}
      ${fragment.head ? Prisma.sql`AND left(p.resident_id, 6) = ${fragment.head}` : Prisma.empty})`,
      },
    ];
  }
  if (/^[0-9A-Z]+-\d{4}-\d+$/i.test(q)) return [{ test: Prisma.sql`f.file_number = ${q.toUpperCase()}` }];
  const name = parseNameQuery(q);
  if (!name) return [{ test: Prisma.sql`false` }];
  if (name.kind === "han") {
    // A family member by full name: household_file_member_names_idx (migration 0036) serves it.
    const member = { test: Prisma.sql`jsonb_path_query_array(f.data, '$.members[*].name') @> jsonb_build_array(${name.contains}::text)`, fenced: true };
    // One character or two: having the gram is containing the text (c:王, b:王静), so the LIKE
    // would only make the planner think a common name rare and read every match instead of a page.
    if ([...name.contains].length <= 2) return [{ test: Prisma.sql`f.holder_name_grams @> ${name.grams}::text[]` }, member];
    return [{ test: Prisma.sql`(f.holder_name_grams @> ${name.grams}::text[] AND f.holder_name LIKE ${likeContains(name.contains)})` }, member];
  }
  return [
    {
      test: name.pinyinContains
        ? Prisma.sql`(f.holder_name_grams && ${name.grams}::text[] OR f.holder_name_pinyin LIKE ${likeContains(name.pinyinContains)})`
        : Prisma.sql`f.holder_name_grams && ${name.grams}::text[]`,
    },
  ];
}

/**
 * One alternative of a search. `fenced`: a member's full name, read through its GIN index alone
 * (household_file_member_names_idx) before any other filter (see alternativeSource).
 */
type TAlternative = { test: Prisma.Sql; fenced?: boolean };

/** The branches of archiveFilterBranches that alternativeSource reads fenced: their test and the other filters apart. */
const FENCED = new WeakMap<Prisma.Sql, { test: Prisma.Sql; filters: Prisma.Sql }>();

/**
 * The archive's filters as SQL over `household_file f`, within the actor's scope (and the chosen
 * organisation's subtree). One definition for the page, its count and any export.
 */
export async function archiveFilterSql(actor: TActor, query: TArchiveQuery, orgIds?: string[] | null): Promise<Prisma.Sql> {
  const branches = await archiveFilterBranches(actor, query, orgIds);
  return branches.length === 1 ? branches[0]! : Prisma.sql`((${Prisma.join(branches, ") OR (")}))`;
}

/**
 * The same filter as alternatives whose OR is archiveFilterSql: one for most queries, two for a
 * Chinese name (the holder's name by its grams, a member's full name by its JSON index).
 */
export async function archiveFilterBranches(actor: TActor, query: TArchiveQuery, orgIds?: string[] | null): Promise<Prisma.Sql[]> {
  assertRole(actor, ...READERS);
  if (orgIds === undefined) orgIds = await subtreeIds(actor, query);
  const status = query.status ?? "OPEN";
  const q = query.q?.trim();
  const parts: Prisma.Sql[] = [
    // The scope fragment is the actor's subtree; the ids narrow it to the chosen organisation's.
    ...(orgIds ? [Prisma.sql`f.organisation_id = ANY(${orgIds}::uuid[])`] : []),
    scopedDb(actor).$orgInScope(Prisma.sql`f.organisation_id`),
    // Drafts are the caseworker's own work in progress: shown to them only.
    statusSql(actor, status),
  ];
  if (query.tier) parts.push(Prisma.sql`f.tier = ${query.tier}::tier`);
  if (query.fileLevel) parts.push(Prisma.sql`f.file_level = ${query.fileLevel}::file_level`);
  if (query.workerCategory) parts.push(Prisma.sql`f.worker_category = ${query.workerCategory}::worker_category`);
  if (query.cause) parts.push(Prisma.sql`(f.main_cause = ${query.cause}::hardship_cause OR ${query.cause}::hardship_cause = ANY (f.secondary_causes))`);
  if (query.overdue) parts.push(Prisma.sql`f.status = 'OPEN' AND f.next_check_due < ${todayInShanghai()}::date`);
  return (q ? searchAlternatives(q) : [null]).map((alternative) => {
    const branch = Prisma.join(alternative ? [...parts, alternative.test] : parts, " AND ");
    if (alternative?.fenced) FENCED.set(branch, { test: alternative.test, filters: Prisma.join(parts, " AND ") });
    return branch;
  });
}

/**
 * The count the archive shows. Exact from household_file_tally (kept by triggers) when only
 * status, tier, level, category and organisation are filtered; otherwise the matching rows are
 * counted up to SCAN_COUNT_LIMIT + 1 (NAME_COUNT_LIMIT + 1 for a search) and a larger result is
 * shown as "超过 1,000 条" ("超过 200 条").
 */
/**
 * The organisations of the chosen subtree, or null for the actor's whole scope, which the scope
 * fragment alone expresses (no lookup before the page's own statement).
 */
const subtreeIds = (actor: TActor, query: TArchiveQuery) =>
  query.organisationId ? scopeOrganisationIds(actor, query.organisationId, { replica: true }) : Promise.resolve(null);

const countedByTally = (query: TArchiveQuery) => !query.q && !query.cause && !query.overdue && query.status !== "DRAFT";

async function archiveCount(actor: TActor, query: TArchiveQuery, branches: Prisma.Sql[], orgIds: string[] | null) {
  const where = branches[0]!;
  const db = await scopedReadDb(actor);
  if (countedByTally(query)) {
    const status = query.status ?? "OPEN";
    const parts: Prisma.Sql[] = [
      ...(orgIds ? [Prisma.sql`t.organisation_id = ANY(${orgIds}::uuid[])`] : []),
      db.$orgInScope(Prisma.sql`t.organisation_id`),
      status === "ALL"
        ? Prisma.sql`t.status <> 'DRAFT'`
        : status === "ACTIVE"
          ? Prisma.sql`t.status = ANY(${[...ACTIVE_STATUSES]}::file_status[])`
          : Prisma.sql`t.status = ${status}::file_status`,
    ];
    if (query.tier) parts.push(Prisma.sql`t.tier = ${query.tier}::tier`);
    if (query.fileLevel) parts.push(Prisma.sql`t.file_level = ${query.fileLevel}::file_level`);
    if (query.workerCategory) parts.push(Prisma.sql`t.worker_category = ${query.workerCategory}::worker_category`);
    const [row] = await db.$queryRaw<
      [{ n: bigint }]
    >`SELECT COALESCE(sum(t.files), 0)::bigint AS n FROM household_file_tally t WHERE ${Prisma.join(parts, " AND ")}`;
    // The tally has no author: a caseworker's own drafts (few) are counted from the rows.
    const drafts =
      status === "ACTIVE" && actor.roles.includes("CASEWORKER")
        ? Number((await db.$queryRaw<[{ n: bigint }]>`SELECT count(*)::bigint AS n FROM household_file f WHERE ${where} AND f.status = 'DRAFT'`)[0].n)
        : 0;
    return { total: Number(row.n) + drafts, totalAtLeast: false };
  }
  const limit = query.q?.trim() ? NAME_COUNT_LIMIT : SCAN_COUNT_LIMIT;
  // Alternatives: each counted to the bound on its own index, then the union (a file found both
  // ways once). If either alone passes the bound, so does their union; otherwise both are whole.
  const matches =
    branches.length === 1
      ? Prisma.sql`SELECT 1 FROM household_file f WHERE ${where} LIMIT ${limit + 1}`
      : Prisma.sql`SELECT u.id FROM (${Prisma.join(
          branches.map((b) => Prisma.sql`(SELECT f.id FROM ${alternativeSource(b)} LIMIT ${limit + 1})`),
          " UNION ",
        )}) u LIMIT ${limit + 1}`;
  const [row] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*)::bigint AS n FROM (${matches}) x`;
  return boundedCount(Number(row.n), limit);
}

/**
 * Exactly how many files an export of the query writes, so a background export's progress has an
 * end: from the tally when it serves the query (as the page's count), otherwise counted in full —
 * once per export, where the page's count stops at its bound.
 */
export async function countArchiveFiles(actor: TActor, query: TArchiveQuery): Promise<number> {
  const orgIds = await subtreeIds(actor, query);
  const where = await archiveFilterSql(actor, query, orgIds);
  if (countedByTally(query)) return (await archiveCount(actor, query, [where], orgIds)).total;
  const [row] = await (await scopedReadDb(actor)).$queryRaw<[{ n: bigint }]>`SELECT count(*)::bigint AS n FROM household_file f WHERE ${where}`;
  return Number(row.n);
}

export type TArchiveRow = {
  id: string;
  file_number: string | null;
  status: FileStatus;
  holder_name: string | null;
  holder_resident_id: string | null;
  tier: Tier | null;
  proposed_tier: Tier | null;
  file_level: FileLevel | null;
  worker_category: WorkerCategory | null;
  main_cause: HardshipCause | null;
  household_size: number | null;
  per_capita_monthly_fen: number | null;
  opened_at: Date | null;
  updated_at: Date;
  next_check_due: Date | null;
  organisation_name: string;
};

/** One page of archive rows at a position, in archive order, and whether there are rows beyond it. */
/**
 * `household_file f` narrowed to one alternative of the filter (and the page's key range). A
 * member's full name is rare by nature (a whole name, not a part): its matches are read through
 * household_file_member_names_idx in full behind an OFFSET 0 fence, and only then tested against
 * the scope, status and other filters. With the filters inside the fence the planner, which guesses
 * 1 % of the archive for any JSON containment, ANDed the organisation/status index in: at a million
 * files a city's 575,265 entries of that index were read to keep 307 files (issue 28, 王静).
 */
function alternativeSource(where: Prisma.Sql, range: Prisma.Sql = Prisma.empty): Prisma.Sql {
  const fenced = FENCED.get(where);
  if (!fenced) return Prisma.sql`household_file f WHERE ${where} ${range}`;
  return Prisma.sql`(SELECT f.id, f.updated_at, f.organisation_id, f.status, f.created_by_id, f.tier, f.file_level, f.worker_category,
                            f.main_cause, f.secondary_causes, f.next_check_due
                       FROM household_file f
                      WHERE ${fenced.test}
                     OFFSET 0) f
     WHERE ${fenced.filters} ${range}`;
}

export async function archiveRows(actor: TActor, where: Prisma.Sql | Prisma.Sql[], position: TArchivePosition, pageSize = PAGE_SIZE) {
  const branches = Array.isArray(where) ? where : [where];
  const skip = Math.min(Math.max(position.skip ?? 0, 0), MAX_JUMP) * pageSize;
  // Backwards (上一页, 末页): the same index range read in ascending order, then turned round.
  const backwards = !!position.before || !!position.last;
  const key = position.after ?? position.before;
  const range = position.after
    ? Prisma.sql`AND (f.updated_at, f.id) < (${key!.updatedAt}::timestamptz, ${key!.id}::uuid)`
    : position.before
      ? Prisma.sql`AND (f.updated_at, f.id) > (${key!.updatedAt}::timestamptz, ${key!.id}::uuid)`
      : Prisma.empty;
  const order = (alias: string) => Prisma.raw(backwards ? `${alias}.updated_at ASC, ${alias}.id ASC` : `${alias}.updated_at DESC, ${alias}.id DESC`);
  // The page's keys first, on their own: the filters name only columns that
  // household_file_archive_keyset_idx carries, so this is an index-only walk in key order that
  // stops after one page (the planner has no reason to sort a bitmap of every match, first page
  // included). Only the page's own rows are then read from the table.
  const rows = await (
    await scopedReadDb(actor)
  ).$queryRaw<TArchiveRow[]>`
    SELECT h.id, h.file_number, h.status::text AS status, h.holder_name, h.holder_resident_id, h.tier::text AS tier,
           h.proposed_tier::text AS proposed_tier, h.file_level::text AS file_level, h.worker_category::text AS worker_category,
           h.main_cause::text AS main_cause, h.household_size, h.per_capita_monthly_fen, h.opened_at, h.updated_at, h.next_check_due,
           (SELECT o.name FROM organisation o WHERE o.id = h.organisation_id) AS organisation_name
      FROM (${
        branches.length === 1
          ? Prisma.sql`SELECT f.id FROM household_file f
             WHERE ${branches[0]!} ${range}
             ORDER BY ${order("f")}
             OFFSET ${skip} LIMIT ${pageSize + 1}`
          : // Each alternative's first rows past the position, then the page of their union.
            Prisma.sql`SELECT u.id FROM (${Prisma.join(
              branches.map(
                (b) => Prisma.sql`(SELECT f.id, f.updated_at FROM ${alternativeSource(b, range)} ORDER BY ${order("f")} LIMIT ${skip + pageSize + 1})`,
              ),
              " UNION ",
            )}) u
             ORDER BY ${order("u")}
             OFFSET ${skip} LIMIT ${pageSize + 1}`
      }) page
      JOIN household_file h ON h.id = page.id
     ORDER BY ${order("h")}`;
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (backwards) page.reverse();
  return { rows: page, more, backwards };
}

const isFirstPage = (position: TArchivePosition) => !position.after && !position.before && !position.last && !position.skip;

/**
 * The archive (档案): a keyset page of files in scope matching the filters, newest change first,
 * with the count the page shows. Next/previous/last are index ranges on
 * household_file_archive_keyset_idx; filters are read from that index, not from the rows.
 */
export async function findFiles(actor: TActor, query: TArchiveQuery, position: TArchivePosition = {}) {
  const orgIds = await subtreeIds(actor, query);
  const where = await archiveFilterBranches(actor, query, orgIds);
  // A tally count costs less than the page and runs beside it. A count no tally serves reads the
  // matching rows, so it waits for the page: a first page with nothing after it (an ID number, a
  // file number, a rare name) is its own exact count.
  const [page, count] = countedByTally(query)
    ? await Promise.all([archiveRows(actor, where, position), archiveCount(actor, query, where, orgIds)])
    : await archiveRows(actor, where, position).then(
        async (p) =>
          [p, isFirstPage(position) && !p.more ? { total: p.rows.length, totalAtLeast: false } : await archiveCount(actor, query, where, orgIds)] as const,
      );
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  return {
    rows: page.rows.map((r) => ({
      id: r.id,
      fileNumber: r.file_number,
      status: r.status,
      holderName: r.holder_name,
      tier: r.tier,
      proposedTier: r.proposed_tier,
      fileLevel: r.file_level,
      workerCategory: r.worker_category,
      mainCause: r.main_cause,
      householdSize: r.household_size,
      updatedAt: r.updated_at,
      nextCheckDue: r.next_check_due,
      organisation: { name: r.organisation_name },
      maskedResidentId: r.holder_resident_id ? maskResidentId(r.holder_resident_id) : null,
    })),
    ...count,
    /** Keys for 上一页 and 下一页 (and the page numbers next to them); null where there is nothing. */
    previous: first && (page.backwards ? page.more : !!position.after) ? encodeArchiveKey({ updatedAt: first.updated_at, id: first.id }) : null,
    next: last && (page.backwards ? !position.last : page.more) ? encodeArchiveKey({ updatedAt: last.updated_at, id: last.id }) : null,
  };
}

/** The caseworker's drafts, including filings sent back to them, newest first. */
export async function findDrafts(actor: TActor, page: number) {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const where: Prisma.HouseholdFileWhereInput = { status: "DRAFT" };
  const [rows, total] = await Promise.all([
    db.householdFile.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        holderName: true,
        fileNumber: true,
        episode: true,
        rejectionReason: true,
        updatedAt: true,
        organisation: { select: { name: true } },
        createdBy: { select: { name: true } },
      },
    }),
    db.householdFile.count({ where }),
  ]);
  return toPage(rows, total, page);
}

/** Filings waiting for an official, oldest submission first, with counts per step (exact, from household_file_tally). */
export async function findReviewQueue(actor: TActor, query: { status?: "SUBMITTED" | "REVIEWED" | "PUBLICITY"; page: number }) {
  assertRole(actor, "OFFICIAL");
  const db = scopedDb(actor);
  const waiting = ["SUBMITTED", "REVIEWED", "PUBLICITY"] as const;
  // Offset pages stop at COUNT_LIMIT rows (household_file_review_queue_idx keeps even that cheap).
  const page = Math.min(query.page, COUNT_LIMIT / PAGE_SIZE);
  // The page's ids in queue order from household_file_review_queue_idx alone (index-only: the
  // statuses, the order and the organisation are on it), then those twenty rows.
  const pageRows = async () => {
    const keys = await db.$queryRaw<Array<{ id: string }>>`
      SELECT f.id FROM household_file f
       WHERE f.status IN ('SUBMITTED', 'REVIEWED', 'PUBLICITY') ${query.status ? Prisma.sql`AND f.status = ${query.status}::file_status` : Prisma.empty}
         AND ${db.$orgInScope(Prisma.sql`f.organisation_id`)}
       ORDER BY f.submitted_at ASC, f.id ASC
      OFFSET ${(page - 1) * PAGE_SIZE} LIMIT ${PAGE_SIZE}`;
    const found = await db.householdFile.findMany({
      where: { id: { in: keys.map((k) => k.id) } },
      relationLoadStrategy: "join",
      select: {
        id: true,
        status: true,
        holderName: true,
        episode: true,
        fileNumber: true,
        proposedTier: true,
        suggestedTier: true,
        submittedAt: true,
        publicityEnd: true,
        civilCheckResult: true,
        submittedById: true,
        organisation: { select: { name: true } },
        submittedBy: { select: { name: true } },
      },
    });
    const byId = new Map(found.map((r) => [r.id, r]));
    return keys.flatMap((k) => byId.get(k.id) ?? []);
  };
  const [rows, counts] = await Promise.all([
    pageRows(),
    db.$queryRaw<Array<{ status: (typeof waiting)[number]; n: bigint }>>`
      SELECT status::text AS status, sum(files)::bigint AS n FROM household_file_tally
       WHERE ${db.$orgInScope(Prisma.sql`organisation_id`)} AND status IN ('SUBMITTED', 'REVIEWED', 'PUBLICITY') GROUP BY status`,
  ]);
  const countByStatus = Object.fromEntries(waiting.map((s) => [s, Number(counts.find((c) => c.status === s)?.n ?? 0)])) as Record<
    (typeof waiting)[number],
    number
  >;
  const total = query.status ? countByStatus[query.status] : waiting.reduce((n, s) => n + countByStatus[s], 0);
  return { ...toPage(rows, Math.min(total, COUNT_LIMIT), page, PAGE_SIZE, total > COUNT_LIMIT), total, countByStatus };
}

/** A household's file as its page shows it: ID numbers masked (see revealResidentIds). */
export async function getFile(actor: TActor, fileId: string) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  const file = await db.householdFile.findUnique({
    where: { id: fileId },
    relationLoadStrategy: "join",
    include: {
      organisation: { select: { id: true, name: true, regionCode: true } },
      createdBy: { select: { name: true } },
      submittedBy: { select: { name: true } },
      reviewedBy: { select: { name: true } },
      approvedBy: { select: { name: true } },
      responsibleCadre: { select: { name: true } },
      // Only the cited run's name and date (checked in scope when it was cited).
      civilCheckRun: { select: { id: true, fileName: true, createdAt: true } },
      _count: { select: { rechecks: true } },
      events: { orderBy: { id: "asc" }, include: { actor: { select: { name: true } } } },
      objections: {
        orderBy: { receivedOn: "asc" },
        include: { recordedBy: { select: { name: true } }, resolution: { include: { resolvedBy: { select: { name: true } } } } },
      },
    },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const data = file.data as unknown as TFilingData;
  const masked: TFilingData = { ...data, members: data.members.map((m) => ({ ...m, residentId: m.residentId ? maskResidentId(m.residentId) : undefined })) };
  return { ...file, data: masked, holderResidentId: file.holderResidentId ? maskResidentId(file.holderResidentId) : null };
}

/** The full draft data, for the caseworker editing it (ID numbers unmasked: they typed them). */
export async function getDraftForEdit(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER");
  const file = await scopedDb(actor).householdFile.findUnique({
    where: { id: fileId },
    select: { id: true, status: true, version: true, data: true, episode: true, fileNumber: true, rejectionReason: true },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  return { ...file, data: file.data as unknown as TFilingData };
}

/** Full ID numbers of a household, for a user in scope; every such view is audited. */
export async function revealResidentIds(actor: TActor, fileId: string) {
  assertRole(actor, ...READERS);
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    const file = await tx.householdFile.findUnique({ where: { id: fileId }, select: { id: true, organisationId: true, data: true } });
    if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
    await recordAudit(tx, actor, {
      action: "filing.reveal-resident-ids",
      entityType: "household_file",
      entityId: file.id,
      organisationId: file.organisationId,
    });
    return (file.data as unknown as TFilingData).members.map((m) => m.residentId ?? null);
  });
}
