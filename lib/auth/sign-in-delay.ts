/**
 * How long an attempt must wait after the last failure, when `failures` failures have been counted
 * and the first `free` of them cost nothing: 1 s after the free ones, doubling with each further
 * failure, never more than `capSeconds`. With the defaults (5 free, 60 s) for a name:
 * 5 failures → 1 s, 6 → 2 s, 7 → 4 s, 8 → 8 s, 9 → 16 s, 10 → 32 s, 11 and more → 60 s.
 */
export function signInWaitSeconds(failures: number, free: number, capSeconds: number): number {
  if (failures < free) return 0;
  // 2 ** 31 and beyond is past any cap; the exponent is bounded so the number stays finite.
  return Math.min(2 ** Math.min(failures - free, 30), capSeconds);
}
