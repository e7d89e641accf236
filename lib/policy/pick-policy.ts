// Which policy row is in force: one rule for the domain (lib/policy/policy.ts, rows from Prisma)
// and for the bulk seed (rows read once with pg). Pure: no database, no "server-only".

/** The region itself, then its city (first 4 digits + 00), its province (2 + 0000), then the national row. */
export function regionFallbacks(regionCode: string): string[] {
  return [...new Set([regionCode, `${regionCode.slice(0, 4)}00`, `${regionCode.slice(0, 2)}0000`, "100000"])];
}

/** Dates are YYYY-MM-DD strings, so they compare as text. */
export type TDibaoRow = { regionCode: string; effectiveFrom: string };
export type TParameterRow = { key: string; regionCode: string; effectiveFrom: string };

/** The latest 低保 row in force on the date, for the nearest region that has one. */
export function pickDibao<T extends TDibaoRow>(rows: readonly T[], regionCode: string, onDate: string): T | undefined {
  for (const region of regionFallbacks(regionCode)) {
    let best: T | undefined;
    for (const row of rows) {
      if (row.regionCode === region && row.effectiveFrom <= onDate && (!best || row.effectiveFrom > best.effectiveFrom)) best = row;
    }
    if (best) return best;
  }
  return undefined;
}

/** A region's own parameter row wins over the default (region ''); among those, the latest in force. */
export function pickParameter<T extends TParameterRow>(rows: readonly T[], key: string, regionCode: string, onDate: string): T | undefined {
  let best: T | undefined;
  for (const row of rows) {
    if (row.key !== key || row.effectiveFrom > onDate || (row.regionCode !== regionCode && row.regionCode !== "")) continue;
    if (!best) best = row;
    else if (row.regionCode !== best.regionCode) best = row.regionCode === regionCode ? row : best;
    else if (row.effectiveFrom > best.effectiveFrom) best = row;
  }
  return best;
}
