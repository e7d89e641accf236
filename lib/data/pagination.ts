export const PAGE_SIZE = 20;

/** Beyond this many matches a count is not worth its cost: the page says "超过 10,000 条". */
export const COUNT_LIMIT = 10_000;

/** A 1-based page number from a search parameter; anything odd becomes page 1. */
export function pageFrom(value: string | string[] | undefined, maxPage = 100_000): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n > 0 && n < maxPage ? n : 1;
}

/**
 * `total` is exact, unless `totalAtLeast`: then more than COUNT_LIMIT rows match and `total` is
 * that bound (never a guess). Offset pages stop at the bound, so no page costs more than it.
 */
export type TPage<T> = { rows: T[]; total: number; totalAtLeast?: boolean; page: number; pageCount: number };

export function toPage<T>(rows: T[], total: number, page: number, pageSize = PAGE_SIZE, totalAtLeast = false): TPage<T> {
  return { rows, total, totalAtLeast, page, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}

/**
 * The bound of an archive count that no tally serves (a name search, a hardship cause): such a
 * count reads the matching rows one by one, so it stops at 1,000 ("超过 1,000 条"), which keeps a
 * search for the commonest surname in a province as cheap as its page.
 */
export const SCAN_COUNT_LIMIT = 1_000;

/**
 * A name search is counted to 200 ("超过 200 条"): ten pages are more than anyone reads for 王 or
 * wj, and the caseworker narrows the search instead; each count then costs a fifth as much.
 */
export const NAME_COUNT_LIMIT = 200;

/** A count of at most `limit` + 1 rows, as the page shows it. */
export function boundedCount(n: number, limit = COUNT_LIMIT): { total: number; totalAtLeast: boolean } {
  return n > limit ? { total: limit, totalAtLeast: true } : { total: n, totalAtLeast: false };
}

/** 共 1,234 条 / 超过 10,000 条 */
export function describeCount(total: number, atLeast?: boolean): string {
  return atLeast ? `超过 ${total.toLocaleString("zh-CN")} 条` : `共 ${total.toLocaleString("zh-CN")} 条`;
}
