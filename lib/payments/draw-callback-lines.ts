// The call-back sample, as a pure function of its inputs: reproducible from the stored seed.
import { mulberry32, sampleSize } from "@/lib/calendar/sample";

export type TCallbackPopulationLine = { id: string; organisationId: string };

/**
 * Draws at least `share` of the lines, and at least one line of every base union among them.
 * Per union (sorted by id), the union's own share is drawn (rounded up, so never zero) with a
 * partial Fisher–Yates shuffle of its line ids sorted ascending; one generator seeded once runs
 * through the unions in order. Rounding up per union already gives at least `share` overall.
 */
export function drawCallbackLines(lines: readonly TCallbackPopulationLine[], seed: number, share: number) {
  const byUnion = new Map<string, string[]>();
  for (const line of lines) byUnion.set(line.organisationId, [...(byUnion.get(line.organisationId) ?? []), line.id]);
  const random = mulberry32(seed);
  const sample: string[] = [];
  const perUnion: Array<{ organisationId: string; population: number; sampled: number }> = [];
  for (const organisationId of [...byUnion.keys()].sort()) {
    const pool = [...byUnion.get(organisationId)!].sort();
    const size = Math.max(1, sampleSize(pool.length, share));
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    sample.push(...pool.slice(0, size));
    perUnion.push({ organisationId, population: pool.length, sampled: size });
  }
  return { sample, perUnion };
}
