// The budgets of the public query (本人查询). Failures are counted in public_attempt within a
// rolling window; an attempt over a budget is refused unchecked (and still counted). The
// arithmetic is in docs/decisions/024-public-pages.md: change it there when these change.

export const PUBLIC_QUERY_LIMITS = {
  /** Failed queries naming one ID number, per window: a code cannot be guessed at this rate. */
  perResidentId: 10,
  residentIdWindowHours: 24,
  /** Failed queries from one client address, per window: one address cannot sweep ID numbers. */
  perAddress: 30,
  addressWindowHours: 1,
} as const;

/**
 * Every answer of the public query that shows no file takes at least this long: the work behind
 * a wrong name, a wrong ID number, a wrong code and no file differs by a row or two, and the floor
 * hides that difference. It must stay above the slowest of those answers and below the p95 budget
 * (100 ms, scripts/bench-public.ts). The answer that shows the file is not padded: its content
 * already tells that everything matched (lib/public/query-own-file.ts). 80 ms: the
 * arithmetic is in docs/decisions/024-public-pages.md ("The floor").
 */
export const PUBLIC_ANSWER_FLOOR_MS = 80;

/**
 * Waits until `floorMs` (the answer floor by default) have passed since `started` (performance.now()).
 * A timer may fire up to a millisecond early, so it waits again for what is left: no padded answer
 * ever comes back under its floor.
 */
export async function padToFloor(started: number, floorMs = PUBLIC_ANSWER_FLOOR_MS): Promise<void> {
  for (let left = floorMs - (performance.now() - started); left > 0; left = floorMs - (performance.now() - started)) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

/**
 * The public notice (公示, issue 24 §3). Every objection filed from one address counts, answered or
 * refused: a write by a stranger, so a script cannot bury a file's publicity in objections. A
 * household's neighbours on one shared address (a community centre) still have room for several.
 */
export const PUBLIC_OBJECTION_LIMITS = {
  perAddress: 5,
  addressWindowHours: 1,
  /** The objection's text, and the optional name and contact. */
  contentChars: 1000,
  nameChars: 30,
  contactChars: 50,
} as const;

/** The union search (the notice's and the application's, search-unions.ts): what is typed and how many unions are listed. */
export const PUBLIC_UNION_SEARCH = { minChars: 2, maxChars: 30, results: 20 } as const;

/** Files on a page of the public notice, and at most on the printed 公示 (a noticeboard's sheets). */
export const PUBLIC_NOTICE_PAGE_SIZE = 20;
/** The notice's count stops this many pages past the one shown ("超过 … 条"); the next page is always offered while there is one. */
export const PUBLIC_NOTICE_COUNT_PAGES_AHEAD = 9;
export const PUBLIC_NOTICE_PRINT_MAX = 500;

/**
 * The budgets of the online application (网上申请, issue 24 §2). An application costs a union's
 * caseworker real work and the server decoding every picture, so a stranger's share is small:
 * a household applies once, maybe again after a mistake; nobody needs ten a day.
 */
export const PUBLIC_APPLICATION_LIMITS = {
  /** Applications sent from one client address per window (sent, not failed: each one is work). */
  perAddress: 5,
  addressWindowHours: 24,
  /** Applications naming one ID number as the applicant per window. */
  perResidentId: 3,
  residentIdWindowHours: 24,
  /** Files and bytes one application may carry; each file also within the evidence limit. */
  maxFiles: 8,
  maxTotalBytes: 30 * 1024 * 1024,
  /** Failed progress queries naming one application number, as for the self-query's ID number. */
  queriesPerNumber: 10,
  numberWindowHours: 24,
  /** Union searches from one client address per window (the names one shows: PUBLIC_UNION_SEARCH). */
  searchesPerAddress: 120,
  searchWindowHours: 1,
} as const;
