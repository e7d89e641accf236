// The spot check's sample (年度抽查): reproducible from the seed alone. Anyone holding the seed and
// the sorted list of the files that were open can draw the same sample again.

/** mulberry32: a small, well-known 32-bit PRNG; good enough for sampling, and identical everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many of `population` files a share samples: at least the share, rounded up. */
export function sampleSize(population: number, share: number): number {
  return Math.max(0, Math.min(population, Math.ceil(population * share - 1e-9)));
}

/** A partial Fisher–Yates shuffle of the ids sorted ascending; returns the first `size` of it. */
export function drawSample(ids: readonly string[], seed: number, share: number): string[] {
  const pool = [...ids].sort();
  const size = sampleSize(pool.length, share);
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, size);
}
