// How a household's forms fall on sheets of paper, decided when rendering (issue 26): Chromium
// numbers pages across the whole print job and cannot restart its page counter per household, so
// each household's sheets are counted here and numbered "第 x 页 / 共 y 页" of that household.
// Each form is one A4 sheet; a long table continues on sheets of its own, each with its header,
// at most ROWS_PER_SHEET rows each, so every sheet fits one page. Pure.

export const ROWS_PER_SHEET = { members: 10, ledger: 20, visits: 10, measures: 8 } as const;

/** The rows of a table cut into sheets; an empty table is one sheet saying so. */
export function cutRows<T>(rows: readonly T[], perSheet: number): T[][] {
  if (rows.length === 0) return [[]];
  const sheets: T[][] = [];
  for (let i = 0; i < rows.length; i += perSheet) sheets.push(rows.slice(i, i + perSheet));
  return sheets;
}
