// Region codes (行政区划代码, 6 digits): PPCCDD. A city is PPCC00, a province PP0000.
import { dateOnly } from "@/lib/format/datetime";

export const NATIONAL_DIBAO_REGION = "100000";

/** The region itself, then its city, its province, then the national row (`national`). */
export function regionChain(regionCode: string, national: string): string[] {
  if (regionCode === national || regionCode === "" || regionCode === NATIONAL_DIBAO_REGION) return [national];
  return [...new Set([regionCode, `${regionCode.slice(0, 4)}00`, `${regionCode.slice(0, 2)}0000`, national])];
}

/** The first row of `rows` along the chain. */
export function pickByChain<T extends { regionCode: string }>(rows: T[], chain: string[]): T | undefined {
  for (const region of chain) {
    const row = rows.find((r) => r.regionCode === region);
    if (row) return row;
  }
  return undefined;
}

/** How a row's region relates to the region asked about, in words. */
export function fallbackLabel(asked: string, found: string): string {
  if (found === "" || found === NATIONAL_DIBAO_REGION) return asked === found ? "全国" : "沿用全国标准";
  if (found === asked) return "本地区";
  if (found.endsWith("0000")) return "沿用省级标准";
  if (found.endsWith("00")) return "沿用市级标准";
  return "本地区";
}

/**
 * Whether `target` lies inside `adminRegion`: the region itself and the regions below it (national
 * 100000 holds every region, a province PP0000 the codes PP…, a city PPCC00 the codes PPCC…, a
 * county only itself). Decides which policy an administrator may set (only a national
 * administrator sets the national rows) and which region a child union may have under its parent
 * (the database holds the same rule: region_within, migration 0028).
 */
export function regionWithin(adminRegion: string, target: string): boolean {
  if (adminRegion === NATIONAL_DIBAO_REGION) return true;
  if (target === "" || target === NATIONAL_DIBAO_REGION) return false;
  if (adminRegion.endsWith("0000")) return target.slice(0, 2) === adminRegion.slice(0, 2);
  if (adminRegion.endsWith("00")) return target.slice(0, 4) === adminRegion.slice(0, 4);
  return target === adminRegion;
}

/** Prisma `where` for a row whose period contains the day. */
export function inForceOn(onDate: string) {
  const day = dateOnly(onDate);
  return { effectiveFrom: { lte: day }, OR: [{ effectiveTo: null }, { effectiveTo: { gt: day } }] };
}

/** The regions inside `outer`, in words, for the new-organisation form's hint and its refusal. */
export function regionsWithinLabel(outer: string): string {
  if (outer === NATIONAL_DIBAO_REGION) return "任意 6 位行政区划代码";
  if (outer.endsWith("0000")) return `以 ${outer.slice(0, 2)} 开头的代码`;
  if (outer.endsWith("00")) return `以 ${outer.slice(0, 4)} 开头的代码`;
  return `与上级组织相同的代码 ${outer}`;
}
