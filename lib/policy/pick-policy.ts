// Which policy row is in force, for the bulk seed (rows read once with pg): the same rule as
// lib/policy/policy.ts — a row's period [effectiveFrom, effectiveTo) contains the day, and the
// first region along the chain (regions.ts) that has such a row wins. Pure: no database.
import { NATIONAL_DIBAO_REGION, pickByChain, regionChain } from "./regions";

/** Dates are YYYY-MM-DD strings, so they compare as text. */
export type TDibaoRow = { regionCode: string; effectiveFrom: string; effectiveTo: string | null };
export type TParameterRow = TDibaoRow & { key: string };

const inForce = (row: TDibaoRow, onDate: string) => row.effectiveFrom <= onDate && (row.effectiveTo === null || row.effectiveTo > onDate);

/** The 低保 row in force on the date, for the nearest region that has one (national row '100000'). */
export function pickDibao<T extends TDibaoRow>(rows: readonly T[], regionCode: string, onDate: string): T | undefined {
  return pickByChain(
    rows.filter((row) => inForce(row, onDate)),
    regionChain(regionCode, NATIONAL_DIBAO_REGION),
  );
}

/** A parameter in force on the date: the region's own row, else its city's, province's, then the default (''). */
export function pickParameter<T extends TParameterRow>(rows: readonly T[], key: string, regionCode: string, onDate: string): T | undefined {
  return pickByChain(
    rows.filter((row) => row.key === key && inForce(row, onDate)),
    regionChain(regionCode, ""),
  );
}
